import type { INestApplicationContext } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { createWorker } from '../../../apps/worker/src/worker.factory.js';
import { DeadlinesProcessor } from '../../../apps/worker/src/processors/deadlines.processor.js';
import { OutboxRelayProcessor } from '../../../apps/worker/src/processors/outbox-relay.processor.js';
import type { Clock } from '../../clock/src/index.js';
import type { ConcordConfig } from '../../config/src/index.js';
import type { NotificationChannel } from '../../notifications/src/index.js';
import type { Database } from '../../persistence/src/index.js';
import { createRedis, QueueName } from '../../queues/src/index.js';

export interface TestWorker {
  app: INestApplicationContext;
  deadlines: DeadlinesProcessor;
  /** Moves every committed outbox row to BullMQ now. */
  relay(): Promise<void>;
  /**
   * What the worker does when time passes: relay, reconcile (deadlines due by the injected clock run now),
   * and wait until every job it started has finished. No real time is waited for.
   */
  fireDue(): Promise<Array<{ deadlineId: string; result: string }>>;
  close(): Promise<void>;
}

/**
 * The real worker, in process, on the test's database and Redis, reading time from `clock`; `channels` are
 * notification channels besides the case file.
 */
export async function startTestWorker(
  config: ConcordConfig,
  db: Database,
  clock: Clock,
  options: { channels?: NotificationChannel[] } = {},
): Promise<TestWorker> {
  const app = await createWorker(config, { clock, logger: ['error'], channels: options.channels });
  const deadlines = app.get(DeadlinesProcessor);
  const relayProcessor = app.get(OutboxRelayProcessor);
  const redis: Redis = createRedis(config.redisUrl);
  const queue = new Queue(QueueName.Deadlines, { connection: redis, prefix: config.queuePrefix });
  const eventsConnection = redis.duplicate();
  const events = new QueueEvents(QueueName.Deadlines, { connection: eventsConnection, prefix: config.queuePrefix });
  await events.waitUntilReady();

  const relay = async () => {
    while ((await relayProcessor.relay.relayOnce()) > 0);
  };
  return {
    app,
    deadlines,
    relay,
    async fireDue() {
      await relay();
      const due = await db.query<{ id: string }>(`SELECT id FROM deadlines WHERE status = 'pending' AND due_at <= $1 ORDER BY due_at`, [clock.now()]);
      await deadlines.reconciler.reconcile();
      const out: Array<{ deadlineId: string; result: string }> = [];
      for (const { id } of due) {
        const job = await queue.getJob(id);
        if (!job) throw new Error(`deadline ${id} has no job after reconciling`);
        out.push({ deadlineId: id, result: String(await job.waitUntilFinished(events, 30_000)) });
      }
      return out;
    },
    async close() {
      await app.close();
      await events.close();
      await queue.close();
      await Promise.all([redis.quit(), eventsConnection.quit()]);
    },
  };
}
