import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Work queues (GET /me/queue, /me/queue/counts): each view a small index, so that at 1,000,000 cases a page and the
 * counts read a few thousand index entries at most (bench/RESULTS.md, "scale"; libs/cases/src/work-queue.repository.ts
 * says how each statement reads them). All are partial: they hold open cases only (about a tenth of the table at
 * scale), their own running clocks only (due rows not ended and not paused: one or two per open case), and open
 * referrals only.
 *
 * A view is sorted by each case's earliest running clock. Sorting on it needs the clocks in due order, which no
 * index on `cases` can give without a copy of the clock on the case row (a `next_due_at` column, which every
 * deadline write would then keep); instead:
 * - `deadlines_queue_due_idx` walks the running clocks soonest first, for a large view (every unassigned case of
 *   a district), and `cases_queue_open_idx` answers, index only, whether a clock's case belongs to the view: it
 *   carries every column a view or filter tests;
 * - `deadlines_queue_case_idx` gives a case its earliest running clock, for a small view read whole;
 * - `cases_queue_assignee_idx`, `cases_queue_in_charge_idx`, `cases_queue_unassigned_idx` and
 *   `cases_queue_supervised_idx` hold the cases of one view each, by person or by unit, with the columns the filters
 *   and the confidentiality rule test, so that a small view and every count read them index only. The two views of
 *   a whole scope are keyed by unit and risk: the critical cases of a district's 29,000 unassigned are found by
 *   seeking each unit's, not by reading them all.
 * - `referrals_queue_idx`: a department's open referrals by assignee (its views, and their counts).
 *
 * The predicates name `state`, so a transition that changes it is no longer a HOT update (one that changes the
 * stage never was: cases_stage_idx). Each index is built with CREATE INDEX (not CONCURRENTLY: migrations run in a
 * transaction); on the open cases of a large table it takes a few seconds.
 */
export class WorkQueues1764830000000 implements MigrationInterface {
  name = 'WorkQueues1764830000000';

  async up(q: QueryRunner): Promise<void> {
    const open = `state <> 'archive.closed'`;
    const tested = 'id, confidential, kind, stage, category, risk_level';
    await q.query(`
      CREATE INDEX cases_queue_open_idx ON cases (id)
        INCLUDE (unit_code, assignee_id, in_charge_id, supervised, confidential, kind, stage, category, risk_level)
        WHERE ${open}`);
    await q.query(`
      CREATE INDEX cases_queue_assignee_idx ON cases (assignee_id, unit_code) INCLUDE (${tested})
        WHERE ${open} AND assignee_id IS NOT NULL`);
    await q.query(`
      CREATE INDEX cases_queue_in_charge_idx ON cases (in_charge_id, unit_code) INCLUDE (${tested})
        WHERE ${open} AND in_charge_id IS NOT NULL`);
    // Risk leads the filters: a queue is cut by it most (the critical cases nobody has), so it is a key here.
    const byRisk = 'id, confidential, kind, stage, category';
    await q.query(`
      CREATE INDEX cases_queue_unassigned_idx ON cases (unit_code, risk_level) INCLUDE (${byRisk})
        WHERE ${open} AND assignee_id IS NULL`);
    await q.query(`
      CREATE INDEX cases_queue_supervised_idx ON cases (unit_code, risk_level) INCLUDE (${byRisk})
        WHERE ${open} AND supervised`);

    const running = `referral_id IS NULL AND kind = 'due' AND ended_at IS NULL AND status IN ('pending', 'fired')`;
    await q.query(
      `CREATE INDEX deadlines_queue_due_idx ON deadlines (due_at, case_id, id) INCLUDE (key) WHERE ${running}`,
    );
    await q.query(
      `CREATE INDEX deadlines_queue_case_idx ON deadlines (case_id, due_at, id) INCLUDE (key) WHERE ${running}`,
    );

    await q.query(`
      CREATE INDEX referrals_queue_idx ON referrals (department_code, assignee_id)
        WHERE state NOT IN ('replied', 'rejected', 'closed', 'cancelled')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX referrals_queue_idx`);
    await q.query(`DROP INDEX deadlines_queue_case_idx`);
    await q.query(`DROP INDEX deadlines_queue_due_idx`);
    await q.query(`DROP INDEX cases_queue_supervised_idx`);
    await q.query(`DROP INDEX cases_queue_unassigned_idx`);
    await q.query(`DROP INDEX cases_queue_in_charge_idx`);
    await q.query(`DROP INDEX cases_queue_assignee_idx`);
    await q.query(`DROP INDEX cases_queue_open_idx`);
  }
}
