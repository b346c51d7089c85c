import fastifyRateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import LocalStore from '@fastify/rate-limit/store/LocalStore.js';
import RedisStore from '@fastify/rate-limit/store/RedisStore.js';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { ConcordConfig } from '#config';

/**
 * The unauthenticated routes' limit: `max` requests per client address in each window of `windowMs`, counted
 * across every API process. `maxClients` bounds the in-process fallback's memory.
 */
export const PUBLIC_RATE_LIMIT = { max: 30, windowMs: 60_000, maxClients: 50_000 } as const;

/**
 * A Redis command that has not answered in this long counts as failed and the request is counted in process:
 * the limit must not make a public request wait on a sick Redis.
 */
const COMMAND_TIMEOUT_MS = 250;

/** Where a client's current window is counted in Redis (DEL it to let the client in again at once). */
export const publicRateLimitKey = (config: Pick<ConcordConfig, 'queuePrefix'>, clientKey: string) =>
  `${config.queuePrefix}:public-rate:${clientKey}`;

type IncrCallback = Parameters<FastifyRateLimitStore['incr']>[1];

/**
 * Counts in Redis, so that every API process shares a client's window; while Redis cannot answer (down,
 * unreachable, or slower than the command timeout) counts in this process instead. Never no limit, never an
 * error: a client may then get up to `max` a window from each process, as before the limit was shared.
 */
class SharedOrLocalStore implements FastifyRateLimitStore {
  private degraded = false;

  constructor(
    private readonly shared: FastifyRateLimitStore,
    private readonly local: FastifyRateLimitStore,
    private readonly logger: Logger,
  ) {}

  incr(key: string, callback: IncrCallback, timeWindow: number, max: number): void {
    this.shared.incr(
      key,
      (error, result) => {
        if (!error && result) {
          if (this.degraded)
            this.logger.log('Redis answers again: the public rate limit is shared across processes again');
          this.degraded = false;
          return callback(null, result);
        }
        if (!this.degraded)
          this.logger.warn(
            `Redis does not answer (${error?.message}): the public rate limit counts per process meanwhile`,
          );
        this.degraded = true;
        this.local.incr(key, callback, timeWindow, max);
      },
      timeWindow,
      max,
    );
  }

  child(): FastifyRateLimitStore {
    return this;
  }
}

/**
 * Registers @fastify/rate-limit for the routes that ask for it (PublicRateLimitGuard), on a Redis connection of
 * its own: no offline queue and a short command timeout, so an unreachable Redis fails each count at once and
 * the count falls back to the process (the shared BullMQ connection waits for Redis by design). The key is the
 * client address as Fastify sees it (`request.ip`, so CONCORD_TRUST_PROXY applies); an IPv6 client's /64
 * counts as one address, since a single host is usually given a whole /64.
 */
export async function registerPublicRateLimit(
  app: NestFastifyApplication,
  config: ConcordConfig,
  redisUrl = config.redisUrl,
): Promise<void> {
  const logger = new Logger('PublicRateLimit');
  const redis = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 1_000,
    // On shutdown, a connection that already failed is let go at once rather than waited for.
    disconnectTimeout: 100,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Connection errors are expected while Redis is away; the store reports the outage once.
  redis.on('error', () => undefined);
  // Counted in Redis from the first request when it is up; a Redis that is down, or that accepts the connection
  // and never answers, holds start-up back for a second at most.
  await new Promise<void>((resolve) => {
    const giveUp = setTimeout(resolve, 1_000);
    const done = () => {
      clearTimeout(giveUp);
      resolve();
    };
    redis.once('ready', done);
    redis.once('error', done);
  });

  const shared = new RedisStore(false, false, redis, publicRateLimitKey(config, ''));
  const local = new LocalStore(false, false, PUBLIC_RATE_LIMIT.maxClients);
  const store = new SharedOrLocalStore(shared, local, logger);
  // The plugin builds its store with `new`; this one is made above, with its connection.
  const Store = function () {
    return store;
  } as unknown as FastifyRateLimitStoreCtor;

  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  await fastify.register(fastifyRateLimit, {
    global: false,
    max: PUBLIC_RATE_LIMIT.max,
    timeWindow: PUBLIC_RATE_LIMIT.windowMs,
    store: Store,
  });
  fastify.addHook('onClose', async () => {
    redis.disconnect();
  });
}
