import { HttpException, HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Clock } from '../../../../libs/clock/src/index.js';

/** Requests a client may make in a burst, and how many a minute it gets back. */
export const PUBLIC_RATE_LIMIT = { burst: 30, perMinute: 30, maxClients: 50_000 } as const;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per client IP for the unauthenticated routes: `burst` requests at once, refilled at
 * `perMinute`; past it, 429 with Retry-After. In memory, per API process (N replicas allow N times as much),
 * which is enough to make guessing query codes hopeless. Time comes from the injected clock. The least recently
 * seen clients are forgotten beyond `maxClients`; a forgotten client comes back with a full bucket, the same as
 * one idle for a minute. Behind a reverse proxy, CONCORD_TRUST_PROXY must name it for `request.ip` to be the client.
 */
@Injectable()
export class PublicRateLimitGuard implements CanActivate {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs = PUBLIC_RATE_LIMIT.perMinute / 60_000;

  constructor(private readonly clock: Clock) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const ip = http.getRequest<FastifyRequest>().ip;
    const now = this.clock.now().getTime();
    const bucket = this.refill(ip, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
    http.getResponse<FastifyReply>().header('Retry-After', String(retryAfter));
    throw new HttpException(`Too many requests; retry in ${retryAfter} s.`, HttpStatus.TOO_MANY_REQUESTS);
  }

  private refill(ip: string, now: number): Bucket {
    const known = this.buckets.get(ip);
    // Re-inserted on every request, so the map's order is least recently seen first.
    if (known) this.buckets.delete(ip);
    else if (this.buckets.size >= PUBLIC_RATE_LIMIT.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    const bucket = known
      ? { tokens: Math.min(PUBLIC_RATE_LIMIT.burst, known.tokens + Math.max(0, now - known.at) * this.perMs), at: Math.max(now, known.at) }
      : { tokens: PUBLIC_RATE_LIMIT.burst, at: now };
    this.buckets.set(ip, bucket);
    return bucket;
  }
}
