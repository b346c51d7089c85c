import { HttpException, HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/rate-limit';

type Limit = ReturnType<FastifyInstance['createRateLimit']>;

/**
 * The public routes' rate limit (registerPublicRateLimit): `PUBLIC_RATE_LIMIT.max` requests per client address
 * a window, shared by every API process through Redis; past it, 429 with Retry-After, the seconds until the
 * client's window ends. Enough to make guessing query codes hopeless. Behind a reverse proxy,
 * CONCORD_TRUST_PROXY must name it for `request.ip` to be the client.
 */
@Injectable()
export class PublicRateLimitGuard implements CanActivate {
  private limit: Limit | null = null;

  constructor(private readonly adapter: HttpAdapterHost) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    this.limit ??= this.adapter.httpAdapter.getInstance<FastifyInstance>().createRateLimit();
    const http = context.switchToHttp();
    const verdict = await this.limit(http.getRequest<FastifyRequest>());
    if (verdict.isAllowed || !verdict.isExceeded) return true;
    const retryAfter = Math.max(1, verdict.ttlInSeconds);
    http.getResponse<FastifyReply>().header('Retry-After', String(retryAfter));
    throw new HttpException(`Too many requests; retry in ${retryAfter} s.`, HttpStatus.TOO_MANY_REQUESTS);
  }
}
