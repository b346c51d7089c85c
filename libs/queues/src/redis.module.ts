import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { createRedis } from './redis.js';

/** Nest token of the shared Redis connection. */
export const REDIS = 'CONCORD_REDIS';

@Module({
  providers: [
    { provide: REDIS, inject: [CONCORD_CONFIG], useFactory: (config: ConcordConfig) => createRedis(config.redisUrl) },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
