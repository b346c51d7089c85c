import { Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from '#auth';
import { DomainError, ErrorCode } from '#domain';
import { IdempotencyRecords, type IdempotentRequest } from '#idempotency';
import { Database } from '#persistence';

/**
 * Marks a route whose answer holds a secret (a new API key, unmasked PII), for its readers. Every stored
 * answer is sealed alike, so the mark changes nothing at run time.
 */
export const SensitiveResponse = () => SetMetadata('concord:sensitive-response', true);

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on every POST. The key is claimed in the same transaction as the work it guards, so
 * either both commit or neither does; a retry with the same key and body within the window
 * (`CONCORD_IDEMPOTENCY_TTL_HOURS`) gets the first answer and writes nothing; the same key with another body
 * is refused; after the window the key is a new request. A concurrent retry waits on the claim, then replays.
 * Answers are stored sealed with the data key (libs/idempotency).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly db: Database,
    private readonly records: IdempotencyRecords,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.principal) return next.handle();
    if (typeof key !== 'string' || !KEY_FORMAT.test(key)) {
      throw new DomainError(ErrorCode.MalformedRequest, 'Idempotency-Key must be 1 to 255 visible ASCII characters.');
    }
    const idempotent: IdempotentRequest = {
      principalId: request.principal.id,
      key,
      method: request.method,
      url: request.url,
      body: request.body,
    };
    const reply = context.switchToHttp().getResponse<FastifyReply>();

    return from(
      this.db.transaction(async (tx) => {
        const prior = await this.records.claim(tx, idempotent);
        if (prior) {
          reply.header('Idempotent-Replayed', 'true');
          return prior.answer;
        }
        const body = await lastValueFrom(next.handle(), { defaultValue: null });
        await this.records.record(
          tx,
          idempotent,
          this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? 201,
          body,
        );
        return body;
      }),
    );
  }
}
