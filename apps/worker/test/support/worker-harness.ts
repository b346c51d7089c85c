import type { INestApplicationContext, LogLevel } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { createWorker } from '../../src/worker.factory.js';
import { CalendarProcessor } from '../../src/processors/calendar.processor.js';
import { DeadlinesProcessor } from '../../src/processors/deadlines.processor.js';
import { OutboxRelayProcessor } from '../../src/processors/outbox-relay.processor.js';
import type { Clock } from '#clock';
import type { ConcordConfig } from '#config';
import type { NotificationChannel } from '#notifications';
import type { RecomputeReport } from '#deadlines';
import type { Database } from '#persistence';
import { createRedis, QueueName } from '#queues';

export interface TestWorker {
  app: INestApplicationContext;
  deadlines: DeadlinesProcessor;
  calendar: CalendarProcessor;
  /** Moves every committed outbox row to BullMQ now. */
  relay(): Promise<void>;
  /**
   * Relays everything, then waits until the worker has finished the job of every relayed row not yet processed
   * (completed, or failed for good after its retries), and again for the rows those jobs wrote, until none is
   * left: an awaitable drain of the effect queues, on BullMQ's own completion events, with no wait on time.
   * Deadline rows are left out: their jobs wait for their due time (see `fireDue`).
   */
  settle(): Promise<void>;
  /**
   * What the worker does when time passes: relay, reconcile (deadlines due by the injected clock run now),
   * and wait until every job it started has finished. No real time is waited for.
   */
  fireDue(): Promise<Array<{ deadlineId: string; result: string }>>;
  /**
   * Runs what calendar changes queued since the last call: relays, waits until the worker has finished each
   * recomputation job (it may have run already: the worker's own relay runs too), then makes sure every pending
   * deadline has its timer. Answers each job's report, oldest change first.
   */
  recomputeClocks(): Promise<Array<{ calendarChangeId: string; report: RecomputeReport }>>;
  /** Holds the calendar queue (jobs wait, no worker takes them) until `resumeCalendar`. */
  pauseCalendar(): Promise<void>;
  resumeCalendar(): Promise<void>;
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
  options: { channels?: NotificationChannel[]; logger?: LogLevel[] } = {},
): Promise<TestWorker> {
  const app = await createWorker(config, { clock, logger: options.logger ?? ['error'], channels: options.channels });
  const deadlines = app.get(DeadlinesProcessor);
  const relayProcessor = app.get(OutboxRelayProcessor);
  const redis: Redis = createRedis(config.redisUrl);
  const queue = new Queue(QueueName.Deadlines, { connection: redis, prefix: config.queuePrefix });
  const eventsConnection = redis.duplicate();
  const events = new QueueEvents(QueueName.Deadlines, { connection: eventsConnection, prefix: config.queuePrefix });
  await events.waitUntilReady();
  const calendarQueue = new Queue(QueueName.Calendar, { connection: redis, prefix: config.queuePrefix });
  const calendarEventsConnection = redis.duplicate();
  const calendarEvents = new QueueEvents(QueueName.Calendar, {
    connection: calendarEventsConnection,
    prefix: config.queuePrefix,
  });
  await calendarEvents.waitUntilReady();

  const relay = async () => {
    while ((await relayProcessor.relay.relayOnce()) > 0);
  };
  const effectQueues = [QueueName.Notifications, QueueName.Referrals, QueueName.Calendar];
  const drained = new Map(
    effectQueues.map((name) => {
      const connection = redis.duplicate();
      return [
        name,
        {
          connection,
          queue: new Queue(name, { connection: redis, prefix: config.queuePrefix }),
          events: new QueueEvents(name, { connection, prefix: config.queuePrefix }),
        },
      ] as const;
    }),
  );
  await Promise.all([...drained.values()].map((d) => d.events.waitUntilReady()));
  const awaited = new Set<string>();
  const settle = async () => {
    for (;;) {
      // The worker's own relay may hold rows (it enqueues, then marks them, in one transaction): wait for it.
      await db.transaction((tx) => tx.query('SELECT id FROM outbox WHERE relayed_at IS NULL FOR UPDATE'));
      await relay();
      const open = (
        await db.query<{ id: string; queue: QueueName; job: string }>(
          `SELECT id, queue, coalesce(job_id, id::text) AS job FROM outbox
            WHERE relayed_at IS NOT NULL AND processed_at IS NULL AND queue = ANY($1::text[]) ORDER BY id`,
          [effectQueues],
        )
      ).filter((row) => !awaited.has(row.id));
      if (open.length === 0) return;
      for (const row of open) {
        awaited.add(row.id);
        const { queue, events } = drained.get(row.queue)!;
        const job = await queue.getJob(row.job);
        // A job that failed for good has settled too: its row says what became of it.
        await job?.waitUntilFinished(events, 30_000).catch(() => undefined);
      }
    }
  };
  let lastCalendarRow = '00000000-0000-0000-0000-000000000000';
  return {
    app,
    deadlines,
    calendar: app.get(CalendarProcessor),
    relay,
    settle,
    async fireDue() {
      await relay();
      const due = await db.query<{ id: string }>(
        `SELECT id FROM deadlines WHERE status = 'pending' AND due_at <= $1 ORDER BY due_at`,
        [clock.now()],
      );
      await deadlines.reconciler.reconcile();
      const out: Array<{ deadlineId: string; result: string }> = [];
      for (const { id } of due) {
        const job = await queue.getJob(id);
        if (!job) throw new Error(`deadline ${id} has no job after reconciling`);
        out.push({ deadlineId: id, result: String(await job.waitUntilFinished(events, 30_000)) });
      }
      return out;
    },
    async recomputeClocks() {
      await relay();
      const queued = await db.query<{ id: string; payload: { calendarChangeId: string } }>(
        `SELECT id, payload FROM outbox WHERE queue = $1 AND id > $2 ORDER BY id`,
        [QueueName.Calendar, lastCalendarRow],
      );
      const out: Array<{ calendarChangeId: string; report: RecomputeReport }> = [];
      for (const { id, payload } of queued) {
        // The worker's own relay may hold the row (it enqueues, then marks the row, in one transaction): its lock
        // is released once the job exists.
        await db.transaction((tx) => tx.query('SELECT 1 FROM outbox WHERE id = $1 FOR UPDATE', [id]));
        await relay();
        const job = await calendarQueue.getJob(id);
        if (!job) throw new Error(`calendar change ${payload.calendarChangeId} has no job after relaying`);
        out.push({
          calendarChangeId: payload.calendarChangeId,
          report: (await job.waitUntilFinished(calendarEvents, 30_000)) as RecomputeReport,
        });
        lastCalendarRow = id;
      }
      // The clocks it wrote have their timers: relayed here or by the worker, and restored by the reconciler if a
      // relay still held them.
      await relay();
      await deadlines.reconciler.reconcile();
      return out;
    },
    pauseCalendar: () => calendarQueue.pause(),
    resumeCalendar: () => calendarQueue.resume(),
    async close() {
      await app.close();
      await Promise.all([
        events.close(),
        calendarEvents.close(),
        ...[...drained.values()].map((d) => d.events.close()),
      ]);
      await Promise.all([queue.close(), calendarQueue.close(), ...[...drained.values()].map((d) => d.queue.close())]);
      await Promise.all([
        redis.quit(),
        eventsConnection.quit(),
        calendarEventsConnection.quit(),
        ...[...drained.values()].map((d) => d.connection.quit()),
      ]);
    },
  };
}
