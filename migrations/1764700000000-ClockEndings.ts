import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How a clock ended, told apart: `met` when its state was left before it came due, `lapsed` when the state was
 * left after the due time but before the breach fired (the worker was behind), `cancelled` only when the case was
 * withdrawn or merged or the referral cancelled, `superseded` for an extended or resumed clock. `paused` is a
 * clock stopped by its machine (a hearing during 复核): its rows are not due while it is, and nothing fires them.
 *
 * Rows written before keep `cancelled` for clocks that were in fact met: the record of why each clock ended was
 * not kept, and guessing from the case's events would rewrite history; the views read them as they always did.
 * Swapping the CHECK validates it against every row once; all existing values are still allowed.
 */
export class ClockEndings1764700000000 implements MigrationInterface {
  name = 'ClockEndings1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deadlines DROP CONSTRAINT deadlines_status_check,
      ADD CONSTRAINT deadlines_status_check
        CHECK (status IN ('pending', 'paused', 'fired', 'met', 'lapsed', 'cancelled', 'superseded'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE deadlines SET status = 'cancelled' WHERE status IN ('met', 'lapsed')`);
    await q.query(
      `UPDATE deadlines SET status = 'superseded', ended_at = coalesce(ended_at, now()) WHERE status = 'paused'`,
    );
    await q.query(`ALTER TABLE deadlines DROP CONSTRAINT deadlines_status_check,
      ADD CONSTRAINT deadlines_status_check CHECK (status IN ('pending', 'fired', 'cancelled', 'superseded'))`);
  }
}
