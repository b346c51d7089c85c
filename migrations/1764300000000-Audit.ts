import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit side: who read what (every audit read is itself recorded), daily anchors over the chain heads
 * (so a rewritten and re-chained history no longer matches what was anchored), and the indexes that keep
 * the audit event query fast at millions of events.
 */
export class Audit1764300000000 implements MigrationInterface {
  name = 'Audit1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_access_log (
        id             uuid PRIMARY KEY,
        principal_id   uuid NOT NULL,
        principal_role text NOT NULL,
        principal_name text NOT NULL,
        action         text NOT NULL,
        case_id        uuid,
        detail         jsonb NOT NULL DEFAULT '{}',
        at             timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_access_log_at_idx ON audit_access_log (at, id)`);
    await q.query(`CREATE INDEX audit_access_log_principal_idx ON audit_access_log (principal_id, at)`);
    await q.query(`CREATE INDEX audit_access_log_case_idx ON audit_access_log (case_id, at) WHERE case_id IS NOT NULL`);
    await q.query(`
      CREATE FUNCTION audit_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_access_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_access_log_append_only BEFORE UPDATE OR DELETE ON audit_access_log
      FOR EACH ROW EXECUTE FUNCTION audit_access_log_append_only()`);

    // One row per China-time day: a digest over every case's chain head as of the end of that day, chained
    // to the previous day's anchor.
    await q.query(`
      CREATE TABLE audit_anchors (
        day         date PRIMARY KEY,
        cases       integer NOT NULL,
        events      bigint NOT NULL,
        digest      text NOT NULL,
        prev_anchor text NOT NULL,
        anchor      text NOT NULL,
        created_at  timestamptz NOT NULL
      )`);

    // The audit event query: by time (export, ranges), and by type, actor and unit within a time range.
    await q.query(`CREATE INDEX case_events_at_idx ON case_events (at, case_id, seq)`);
    await q.query(`CREATE INDEX case_events_type_at_idx ON case_events (type, at)`);
    await q.query(`CREATE INDEX case_events_actor_at_idx ON case_events ((actor ->> 'id'), at)`);
    await q.query(`CREATE INDEX case_events_unit_at_idx ON case_events (unit_code, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_events_unit_at_idx`);
    await q.query(`DROP INDEX case_events_actor_at_idx`);
    await q.query(`DROP INDEX case_events_type_at_idx`);
    await q.query(`DROP INDEX case_events_at_idx`);
    await q.query(`DROP TABLE audit_anchors`);
    await q.query(`DROP TABLE audit_access_log`);
    await q.query(`DROP FUNCTION audit_access_log_append_only()`);
  }
}
