import { Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { canonicalJson } from '../../../../libs/audit/src/index.js';
import type { AuthenticatedRequest } from '../../../../libs/auth/src/index.js';
import { Clock } from '../../../../libs/clock/src/index.js';
import { DomainError, ErrorCode } from '../../../../libs/domain/src/index.js';
import { PiiCipher } from '../../../../libs/parties/src/index.js';
import { Database } from '../../../../libs/persistence/src/index.js';

const SENSITIVE_KEY = 'concord:sensitive-response';

/** The response holds a secret (a new API key): it is stored encrypted for replays. */
export const SensitiveResponse = () => SetMetadata(SENSITIVE_KEY, true);

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on every POST. The key is claimed in the same transaction as the work it guards, so
 * either both commit or neither does; a retry with the same key and body gets the first answer and writes
 * nothing; the same key with another body is refused. A concurrent retry waits on the claim, then replays.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly cipher: PiiCipher,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.principal) return next.handle();
    if (typeof key !== 'string' || !KEY_FORMAT.test(key)) {
      throw new DomainError(ErrorCode.MalformedRequest, 'Idempotency-Key must be 1 to 255 visible ASCII characters.');
    }
    const principal = request.principal;
    const sensitive = this.reflector.get<boolean>(SENSITIVE_KEY, context.getHandler()) ?? false;
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`)
      .digest('hex');
    const reply = context.switchToHttp().getResponse<FastifyReply>();

    return from(
      this.db.transaction(async (tx) => {
        const claimed = await tx.query(
          `INSERT INTO idempotency_keys (principal_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT ON CONSTRAINT idempotency_keys_pkey DO NOTHING RETURNING key`,
          [principal.id, key, fingerprint, this.clock.now()],
        );
        if (claimed.length === 0) {
          const [prior] = await tx.query<{ request_hash: string; response: unknown }>(
            'SELECT request_hash, response FROM idempotency_keys WHERE principal_id = $1 AND key = $2',
            [principal.id, key],
          );
          if (!prior || prior.request_hash !== fingerprint) {
            throw new DomainError(ErrorCode.IdempotencyKeyReused, 'This Idempotency-Key was already used for a different request.');
          }
          reply.header('Idempotent-Replayed', 'true');
          const stored = prior.response as { sealed?: string } | null;
          return stored && typeof stored === 'object' && 'sealed' in stored && typeof stored.sealed === 'string'
            ? JSON.parse(this.cipher.decrypt(stored.sealed))
            : prior.response;
        }
        const body = await lastValueFrom(next.handle(), { defaultValue: null });
        const stored = sensitive ? { sealed: this.cipher.encrypt(JSON.stringify(body)) } : body;
        await tx.query('UPDATE idempotency_keys SET status = $3, response = $4 WHERE principal_id = $1 AND key = $2', [
          principal.id,
          key,
          this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? 201,
          JSON.stringify(stored),
        ]);
        return body;
      }),
    );
  }
}
