import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { Clock } from '#clock';
import { Metrics } from '#metrics';
import { Database, describeFault } from '#persistence';
import { within } from './bounded.js';
import { OBSERVED_QUEUES, type ObservedQueues } from './observed-queues.js';
import { BACKLOG_CAP, outboxBacklog } from './outbox-backlog.js';

/** A scrape waits this long at most for a store; past it the series is absent from that scrape. */
const SCRAPE_BOUND_MS = 2_000;
const QUEUE_STATES = ['waiting', 'delayed', 'active', 'prioritized', 'failed'] as const;

/**
 * `concord_db_pool_connections{state}` (total, idle, max) and `concord_db_pool_waiting_clients`: this process's
 * PostgreSQL pool, read from memory at each scrape.
 */
@Injectable()
export class PoolGauges implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly db: Database,
  ) {}

  onModuleInit(): void {
    const { db } = this;
    new Gauge({
      name: 'concord_db_pool_connections',
      help: "This process's PostgreSQL pool connections, by state (total open, idle, max allowed)",
      labelNames: ['state'],
      registers: [this.metrics.registry],
      collect() {
        const usage = db.poolUsage();
        this.set({ state: 'total' }, usage.total);
        this.set({ state: 'idle' }, usage.idle);
        this.set({ state: 'max' }, usage.max);
      },
    });
    new Gauge({
      name: 'concord_db_pool_waiting_clients',
      help: 'Callers waiting for a PostgreSQL connection from this process pool',
      registers: [this.metrics.registry],
      collect() {
        this.set(db.poolUsage().waiting);
      },
    });
  }
}

/**
 * The queues and the outbox as the worker sees them, read at each scrape (bounded: a store that does not answer
 * within 2 s leaves its series out of that scrape, and the rest still answers):
 * - `concord_queue_jobs{queue, state}`: jobs waiting, delayed, active, prioritized and failed, per queue;
 * - `concord_queue_paused{queue}`: 1 while a queue is paused (nothing is taken from it);
 * - `concord_outbox_backlog{stage}`: rows not yet relayed (`unrelayed`) and relayed but not yet processed
 *   (`unprocessed`), each counted up to 100,000;
 * - `concord_outbox_oldest_unrelayed_seconds`: the age of the oldest row not yet relayed (the relay's lag).
 */
@Injectable()
export class QueueGauges implements OnModuleInit {
  private readonly logger = new Logger(QueueGauges.name);

  constructor(
    private readonly metrics: Metrics,
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(OBSERVED_QUEUES) private readonly queues: ObservedQueues,
  ) {}

  onModuleInit(): void {
    const { db, clock, queues, logger } = this;
    const registers = [this.metrics.registry];
    const unread = (what: string, error: unknown) =>
      logger.warn(`${what} not read for this scrape: ${describeFault(error, { frames: 0 })}`);
    new Gauge({
      name: 'concord_queue_jobs',
      help: 'BullMQ jobs per queue and state (waiting, delayed, active, prioritized, failed)',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        try {
          const counts = await within(
            SCRAPE_BOUND_MS,
            'queue counts',
            Promise.all(
              [...queues].map(async ([name, queue]) => [name, await queue.getJobCounts(...QUEUE_STATES)] as const),
            ),
          );
          for (const [queue, byState] of counts)
            for (const state of QUEUE_STATES) this.set({ queue, state }, byState[state] ?? 0);
        } catch (error) {
          unread('queue counts', error);
        }
      },
    });
    new Gauge({
      name: 'concord_queue_paused',
      help: '1 while the queue is paused (its jobs wait and no worker takes them)',
      labelNames: ['queue'],
      registers,
      async collect() {
        this.reset();
        try {
          const paused = await within(
            SCRAPE_BOUND_MS,
            'queue pauses',
            Promise.all([...queues].map(async ([name, queue]) => [name, await queue.isPaused()] as const)),
          );
          for (const [queue, isPaused] of paused) this.set({ queue }, isPaused ? 1 : 0);
        } catch (error) {
          unread('queue pauses', error);
        }
      },
    });
    const backlog = () =>
      within(SCRAPE_BOUND_MS, 'outbox backlog', outboxBacklog(db, clock)).catch((error: unknown) => {
        unread('outbox backlog', error);
        return null;
      });
    new Gauge({
      name: 'concord_outbox_backlog',
      help: `Outbox rows not yet relayed to BullMQ (unrelayed) and relayed but not yet processed (unprocessed), counted up to ${BACKLOG_CAP}`,
      labelNames: ['stage'],
      registers,
      async collect() {
        this.reset();
        const read = await backlog();
        if (!read) return;
        this.set({ stage: 'unrelayed' }, read.unrelayed);
        this.set({ stage: 'unprocessed' }, read.unprocessed);
      },
    });
    new Gauge({
      name: 'concord_outbox_oldest_unrelayed_seconds',
      help: 'Age of the oldest outbox row not yet relayed to BullMQ (0 when none): the relay lag',
      registers,
      async collect() {
        this.reset();
        const read = await backlog();
        if (read) this.set(read.oldestUnrelayedSeconds);
      },
    });
  }
}
