import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A REFER of a version-2 machine may set its reply time as an instant (`dueAt`) instead of working days; the
 * referral keeps it, and its reply clock ends then. Nullable without a default: adding it rewrites no table. At
 * most one of the two is set, which the engine ensures and this CHECK states (checked once, on a table that holds
 * only nulls in the new column).
 */
export class ReferralDueAt1764720000000 implements MigrationInterface {
  name = 'ReferralDueAt1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE referrals ADD COLUMN due_at timestamptz,
      ADD CONSTRAINT referrals_one_due_check CHECK (due_at IS NULL OR due_in_working_days IS NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE referrals DROP CONSTRAINT referrals_one_due_check, DROP COLUMN due_at`);
  }
}
