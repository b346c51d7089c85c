import { Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { MetricsModule } from '#metrics';
import { QueueConsumers } from './consumers.js';
import { QueueName } from './queue-names.js';
import { createQueues, webhookJobOptions } from './queues.js';
import { REDIS, RedisModule } from './redis.module.js';

/** Nest token of the map of BullMQ queues by QueueName. */
export const QUEUES = 'CONCORD_QUEUES';

/** The queues (to add jobs to) and their consumers, for the processes that run jobs. */
@Module({
  imports: [RedisModule, MetricsModule],
  providers: [
    QueueConsumers,
    {
      provide: QUEUES,
      inject: [REDIS, CONCORD_CONFIG],
      useFactory: (redis: Redis, config: ConcordConfig) =>
        createQueues(redis, config.queuePrefix, { [QueueName.Referrals]: webhookJobOptions(config) }),
    },
  ],
  exports: [QueueConsumers, QUEUES],
})
export class QueuesModule {}
