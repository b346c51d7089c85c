import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /cases?q=` at scale. The filter is `reference ILIKE %q% OR summary ILIKE %q%`; without an index a term
 * that matches few cases (a reference typed in full, a rare word) read every case: 0.7–1.3 s at 1,000,000
 * cases (bench/RESULTS.md, "scale"). Trigram indexes answer it from the index (24 ms for a reference, 0.2 ms
 * for a word that matches nothing); a common term still reads the newest cases by id and stops at a page.
 * Terms under three characters cannot use them and keep that plan. pg_trgm ships with PostgreSQL (contrib)
 * and is a trusted extension: the database owner may create it.
 */
export class Scale1764400000000 implements MigrationInterface {
  name = 'Scale1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE INDEX cases_reference_trgm_idx ON cases USING gin (reference gin_trgm_ops)`);
    await q.query(`CREATE INDEX cases_summary_trgm_idx ON cases USING gin (summary gin_trgm_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX cases_summary_trgm_idx`);
    await q.query(`DROP INDEX cases_reference_trgm_idx`);
    // The extension stays: other objects may have come to depend on it.
  }
}
