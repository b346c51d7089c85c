import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection for BullMQ: `maxRetriesPerRequest: null` lets workers wait out a Redis restart instead
 * of failing their blocking commands.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...options });
}
