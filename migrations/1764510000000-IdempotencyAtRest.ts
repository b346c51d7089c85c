import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency records hold no readable PII. An answer replayed by `Idempotency-Key` (a case with its parties
 * unmasked, a new API key) is now kept only in `response_sealed`, encrypted with the data key (AES-256-GCM,
 * as the party vault), and the request fingerprint is keyed with it too. Records expire after
 * `CONCORD_IDEMPOTENCY_TTL_HOURS` (the window is judged from `created_at`, whose index the purge walks).
 *
 * `response` (plaintext jsonb) is no longer written. Rows written before this release still hold plaintext
 * there, and a process of the previous release still running during a rolling upgrade may write more. A
 * migration cannot seal them (it has no data key), so the worker's purge does, at start-up and then hourly:
 * an expired row is deleted, any other row with a `response` has it sealed into `response_sealed` and
 * cleared, so a retry within the window still gets its first answer. `idempotency_keys_plaintext_idx`
 * finds those rows without reading the table. A later release drops `response` once no such row is left.
 */
export class IdempotencyAtRest1764510000000 implements MigrationInterface {
  name = 'IdempotencyAtRest1764510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_keys ADD COLUMN response_sealed text`);
    await q.query(
      `CREATE INDEX idempotency_keys_plaintext_idx ON idempotency_keys (created_at) WHERE response IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // The previous release cannot read sealed answers: a record it could not replay is forgotten instead, so a
    // retry with its key is a new request rather than an empty answer.
    await q.query(`DELETE FROM idempotency_keys WHERE response_sealed IS NOT NULL`);
    await q.query(`DROP INDEX idempotency_keys_plaintext_idx`);
    await q.query(`ALTER TABLE idempotency_keys DROP COLUMN response_sealed`);
  }
}
