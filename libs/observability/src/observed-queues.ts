import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { createQueues, REDIS, type QueueName } from '#queues';

/** Nest token of the BullMQ queues this process looks at (probes, gauges, the dashboard): every QueueName. */
export const OBSERVED_QUEUES = 'CONCORD_OBSERVED_QUEUES';

export type ObservedQueues = ReadonlyMap<QueueName, Queue>;

export const observedQueuesProvider = {
  provide: OBSERVED_QUEUES,
  inject: [REDIS, CONCORD_CONFIG],
  useFactory: (redis: Redis, config: ConcordConfig): ObservedQueues => createQueues(redis, config.queuePrefix),
};
