import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deadlines (one row per clock, one per warning), the policies that set their limits, per-deployment
 * calendar overrides, and outbox rows that name their own job id and run time (a deadline's job is keyed by
 * the deadline id and delayed until it is due).
 */
export class Deadlines1764100000000 implements MigrationInterface {
  name = 'Deadlines1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendar_overrides (
        day        date PRIMARY KEY,
        kind       text NOT NULL,
        name       text NOT NULL,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT calendar_overrides_kind_check CHECK (kind IN ('holiday', 'workday'))
      )`);

    await q.query(`
      CREATE TABLE deadline_policies (
        id         uuid PRIMARY KEY,
        key        text NOT NULL,
        category   text,
        unit_code  text,
        amount     integer NOT NULL,
        unit       text NOT NULL,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT deadline_policies_scope_key UNIQUE NULLS NOT DISTINCT (key, category, unit_code),
        CONSTRAINT deadline_policies_unit_fk FOREIGN KEY (unit_code) REFERENCES units (code),
        CONSTRAINT deadline_policies_amount_check CHECK (amount BETWEEN 1 AND 365),
        CONSTRAINT deadline_policies_unit_check CHECK (unit IN ('working_days', 'calendar_days'))
      )`);

    await q.query(`
      CREATE TABLE deadlines (
        id            uuid PRIMARY KEY,
        case_id       uuid NOT NULL,
        key           text NOT NULL,
        kind          text NOT NULL,
        percent       integer,
        clock_id      uuid NOT NULL,
        state         text NOT NULL,
        armed_version integer NOT NULL,
        starts_at     timestamptz NOT NULL,
        due_at        timestamptz NOT NULL,
        status        text NOT NULL,
        derivation    jsonb NOT NULL,
        fired_at      timestamptz,
        fired_version integer,
        ended_at      timestamptz,
        created_at    timestamptz NOT NULL,
        CONSTRAINT deadlines_case_fk FOREIGN KEY (case_id) REFERENCES cases (id),
        CONSTRAINT deadlines_kind_check CHECK (kind IN ('due', 'warning')),
        CONSTRAINT deadlines_percent_check CHECK ((kind = 'warning') = (percent IS NOT NULL)),
        CONSTRAINT deadlines_status_check CHECK (status IN ('pending', 'fired', 'cancelled', 'superseded'))
      )`);
    await q.query(`CREATE INDEX deadlines_case_idx ON deadlines (case_id, created_at)`);
    await q.query(`CREATE INDEX deadlines_pending_due_idx ON deadlines (due_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX deadlines_open_due_idx ON deadlines (due_at) WHERE kind = 'due' AND ended_at IS NULL`);

    await q.query(`ALTER TABLE outbox ADD COLUMN job_id text, ADD COLUMN run_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox DROP COLUMN run_at, DROP COLUMN job_id`);
    await q.query(`DROP TABLE deadlines`);
    await q.query(`DROP TABLE deadline_policies`);
    await q.query(`DROP TABLE calendar_overrides`);
  }
}
