import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * List routes at scale: each of these pages is now an index range, at 1,000,000 cases and 10,000,000 events
 * (bench/RESULTS.md, "scale"; figures are SQL time and rows of large tables read for a page of 50).
 *
 * `GET /cases?q=`. The filter is `reference ILIKE %q% OR summary ILIKE %q%`; without an index a term that
 * matches few cases (a reference typed in full, a rare word) read every case: 0.7–1.3 s. Trigram indexes
 * answer it from the index (24 ms for a reference, 0.2 ms for a word that matches nothing); a common term
 * still reads the newest cases by id and stops at a page. Terms under three characters cannot use them and
 * keep that plan. pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the database owner may
 * create it.
 *
 * `GET /cases?from=&to=`. A week two months back took 35 ms and read 76,000 cases, a week a year back 330 ms
 * and 561,000: the newest-first walk of cases_pkey read every later case before reaching the window. A case
 * id is a uuidv7 minted from the engine's clock as the case is registered, so the window is also an id range,
 * where the walk now starts and stops (under 1 ms, 51 rows). The id's instant is never before created_at but
 * can be after it: the id generator never goes back when the clock does, and borrows the next millisecond
 * past 4,096 ids in one. cases_clock_skew_idx holds exactly the cases whose id's instant is not their
 * created_at (none while the clock only moves forward); the query reads those through it as well, so the
 * window stays exact whatever the clock did. uuidv7_instant() reads the instant from the id.
 *
 * `GET /audit/events?departmentCode=`. A department's events are its referrals' own and the REFERs that issued
 * them; the query found them through the department's referrals and sorted them all for every page: 862 ms and
 * 362,000 rows for one of 20 departments. case_event_departments lists each event under the departments it
 * concerns, keyed in the audit's order (at, case_id, seq), so a page is a range of its primary key and each
 * event is then read by its own (0.5 ms, 102 rows), however busy or rare the department. Not a
 * `department_code` column on case_events: one REFER can issue referrals to several departments (a lead and
 * assists), which one column cannot say, and case_events stays as it is (append-only under its trigger, its
 * hashes untouched, no rows rewritten). The engine writes a REFER's or a referral event's rows in the statement
 * that writes the event; those of earlier events are filled in here, from the referrals, by the same
 * definition the query used before. Append-only like the events it lists.
 */
export class Scale1764400000000 implements MigrationInterface {
  name = 'Scale1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE INDEX cases_reference_trgm_idx ON cases USING gin (reference gin_trgm_ops)`);
    await q.query(`CREATE INDEX cases_summary_trgm_idx ON cases USING gin (summary gin_trgm_ops)`);

    // The instant in a uuidv7's first 48 bits (milliseconds since 1970); exact to the millisecond.
    await q.query(`
      CREATE FUNCTION uuidv7_instant(id uuid) RETURNS timestamptz LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN to_timestamp(('x' || left(replace(id::text, '-', ''), 12))::bit(48)::bigint / 1000.0::double precision)`);
    await q.query(`CREATE INDEX cases_clock_skew_idx ON cases (created_at) WHERE uuidv7_instant(id) <> created_at`);

    await q.query(`
      CREATE TABLE case_event_departments (
        department_code text NOT NULL,
        at              timestamptz NOT NULL,
        case_id         uuid NOT NULL,
        seq             integer NOT NULL,
        CONSTRAINT case_event_departments_pkey PRIMARY KEY (department_code, at, case_id, seq)
      )`);
    await q.query(`
      CREATE FUNCTION case_event_departments_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'case_event_departments is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER case_event_departments_append_only BEFORE UPDATE OR DELETE ON case_event_departments
      FOR EACH ROW EXECUTE FUNCTION case_event_departments_append_only()`);
    await q.query(`
      INSERT INTO case_event_departments (department_code, at, case_id, seq)
      SELECT r.department_code, e.at, e.case_id, e.seq FROM case_events e JOIN referrals r ON r.id = e.referral_id
      UNION
      SELECT r.department_code, e.at, e.case_id, e.seq
        FROM referrals r JOIN case_events e ON e.case_id = r.case_id AND e.seq = r.issued_seq
       WHERE e.type = 'REFER' AND e.referral_id IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_event_departments`);
    await q.query(`DROP FUNCTION case_event_departments_append_only()`);
    await q.query(`DROP INDEX cases_clock_skew_idx`);
    await q.query(`DROP FUNCTION uuidv7_instant(uuid)`);
    await q.query(`DROP INDEX cases_summary_trgm_idx`);
    await q.query(`DROP INDEX cases_reference_trgm_idx`);
    // The extension stays: other objects may have come to depend on it.
  }
}
