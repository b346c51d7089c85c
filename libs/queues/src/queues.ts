import { Queue, type DefaultJobOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ConcordConfig } from '#config';
import { QueueName } from './queue-names.js';

/**
 * Completed jobs are kept for a week: while a job exists, enqueueing its outbox row again is a no-op, which
 * is what makes the relay's re-delivery after a crash harmless.
 */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 200_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/**
 * One Queue per QueueName. `jobOptions` replaces defaults per queue (webhook deliveries retry on their own
 * schedule); BullMQ merges a queue's defaults into every job it adds, the relay's `addBulk` included.
 */
export function createQueues(
  connection: Redis,
  prefix: string,
  jobOptions: Partial<Record<QueueName, DefaultJobOptions>> = {},
): Map<QueueName, Queue> {
  return new Map(
    Object.values(QueueName).map((name) => [
      name,
      new Queue(name, { connection, prefix, defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, ...jobOptions[name] } }),
    ]),
  );
}

/** The referrals queue's retry schedule: `webhookAttempts` attempts, `webhookBackoffMs` before the first retry, doubling. */
export function webhookJobOptions(
  config: Pick<ConcordConfig, 'webhookAttempts' | 'webhookBackoffMs'>,
): DefaultJobOptions {
  return { attempts: config.webhookAttempts, backoff: { type: 'exponential', delay: config.webhookBackoffMs } };
}
