import { createHash } from 'node:crypto';
import { canonicalJson } from '#audit';
import type { Clock } from '#clock';
import { DomainError, ErrorCode } from '#domain';
import type { PiiCipher } from '#parties';
import type { Database, Tx } from '#persistence';

/** One POST that carries an `Idempotency-Key`. */
export interface IdempotentRequest {
  principalId: string;
  key: string;
  method: string;
  url: string;
  body: unknown;
}

/** A fingerprint keyed with the data key; one without the prefix is a plain SHA-256 of an older release. */
const KEYED = 'k1:';

export interface PurgeReport {
  /** Records past the window, deleted. */
  expired: number;
  /** Records still in the window whose answer was stored in the clear by an older release, now sealed. */
  sealed: number;
}

/**
 * What `Idempotency-Key` remembers: for each principal and key, a fingerprint of the request and the answer
 * it got, for `ttlHours`. Nothing in a record is readable without the data key: answers (which hold parties
 * unmasked, or a new API key) are sealed with the PII cipher, and the fingerprint is an HMAC, since a plain
 * hash of a small body (a party added by name and phone) could be reversed by trying every phone number.
 */
export class IdempotencyRecords {
  private readonly ttlMs: number;

  constructor(
    private readonly db: Database,
    private readonly cipher: PiiCipher,
    private readonly clock: Clock,
    ttlHours: number,
    private readonly batchSize = 1_000,
  ) {
    this.ttlMs = ttlHours * 3_600_000;
  }

  /** Records created at or before this instant are past the window. */
  private expiredBefore(): Date {
    return new Date(this.clock.now().getTime() - this.ttlMs);
  }

  /**
   * Claims the key in `tx`, the transaction of the work it guards. Resolves to null when the request is new
   * (no record, or one past the window, replaced here), or to `{ answer }`, the first answer, for a retry. A
   * claim held by a concurrent transaction is waited for. The same key with another request is refused.
   */
  async claim(tx: Tx, request: IdempotentRequest): Promise<{ answer: unknown } | null> {
    const now = this.clock.now();
    const fingerprint = this.fingerprint(request);
    const claimed = await tx.query(
      `INSERT INTO idempotency_keys (principal_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT idempotency_keys_pkey DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status = NULL, response = NULL, response_sealed = NULL,
             created_at = EXCLUDED.created_at
         WHERE idempotency_keys.created_at <= $5
       RETURNING key`,
      [request.principalId, request.key, fingerprint, now, this.expiredBefore()],
    );
    if (claimed.length > 0) return null;
    const [prior] = await tx.query<{ request_hash: string; response: unknown; response_sealed: string | null }>(
      'SELECT request_hash, response, response_sealed FROM idempotency_keys WHERE principal_id = $1 AND key = $2',
      [request.principalId, request.key],
    );
    const same = prior?.request_hash.startsWith(KEYED)
      ? prior.request_hash === fingerprint
      : prior?.request_hash === legacyFingerprint(request);
    if (!prior || !same) {
      throw new DomainError(
        ErrorCode.IdempotencyKeyReused,
        'This Idempotency-Key was already used for a different request.',
      );
    }
    return { answer: this.answerOf(prior) };
  }

  /** Stores the answer of a claimed request, sealed, in the claim's transaction. */
  async record(tx: Tx, request: IdempotentRequest, status: number, answer: unknown): Promise<void> {
    await tx.query(
      'UPDATE idempotency_keys SET status = $3, response_sealed = $4 WHERE principal_id = $1 AND key = $2',
      [request.principalId, request.key, status, this.cipher.encrypt(JSON.stringify(answer ?? null))],
    );
  }

  /**
   * Deletes the records past the window, then seals any answer still stored in the clear (written by an
   * older release), each in batches of `batchSize` rows, one short transaction per batch. Rows another
   * transaction holds (a claim under way) are skipped this time.
   */
  async purge(): Promise<PurgeReport> {
    const report: PurgeReport = { expired: 0, sealed: 0 };
    for (;;) {
      const deleted = await this.db.query(
        `DELETE FROM idempotency_keys WHERE (principal_id, key) IN (
           SELECT principal_id, key FROM idempotency_keys WHERE created_at <= $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING 1`,
        [this.expiredBefore(), this.batchSize],
      );
      report.expired += deleted.length;
      if (deleted.length < this.batchSize) break;
    }
    for (;;) {
      const sealed = await this.db.transaction(async (tx) => {
        const rows = await tx.query<{ principal_id: string; key: string; response: unknown }>(
          `SELECT principal_id, key, response FROM idempotency_keys WHERE response IS NOT NULL
            ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [this.batchSize],
        );
        if (rows.length === 0) return 0;
        await tx.query(
          `UPDATE idempotency_keys k SET response_sealed = s.sealed, response = NULL
             FROM unnest($1::uuid[], $2::text[], $3::text[]) AS s(principal_id, key, sealed)
            WHERE k.principal_id = s.principal_id AND k.key = s.key`,
          [
            rows.map((r) => r.principal_id),
            rows.map((r) => r.key),
            rows.map((r) => this.cipher.encrypt(JSON.stringify(this.answerOf({ ...r, response_sealed: null })))),
          ],
        );
        return rows.length;
      });
      report.sealed += sealed;
      if (sealed < this.batchSize) break;
    }
    return report;
  }

  private fingerprint(request: IdempotentRequest): string {
    return (
      KEYED + this.cipher.digest(['idempotency', request.method, request.url, canonicalJson(request.body ?? null)])
    );
  }

  /** The stored answer: sealed; or, from an older release, in the clear or sealed as `{sealed}` in `response`. */
  private answerOf(row: { response: unknown; response_sealed: string | null }): unknown {
    if (row.response_sealed !== null) return JSON.parse(this.cipher.decrypt(row.response_sealed));
    const stored = row.response as { sealed?: unknown } | null;
    return stored && typeof stored === 'object' && typeof stored.sealed === 'string'
      ? JSON.parse(this.cipher.decrypt(stored.sealed))
      : row.response;
  }
}

/** The fingerprint an older release stored: SHA-256 of the method, URL and canonical body, not keyed. */
function legacyFingerprint(request: IdempotentRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`)
    .digest('hex');
}
