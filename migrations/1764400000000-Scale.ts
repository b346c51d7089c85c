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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX cases_clock_skew_idx`);
    await q.query(`DROP FUNCTION uuidv7_instant(uuid)`);
    await q.query(`DROP INDEX cases_summary_trgm_idx`);
    await q.query(`DROP INDEX cases_reference_trgm_idx`);
    // The extension stays: other objects may have come to depend on it.
  }
}
