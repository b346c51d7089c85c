import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue, Worker } from 'bullmq';
import { addDays, Anchors, chinaDay } from '#audit';
import { Clock } from '#clock';
import { describeFault } from '#persistence';
import { QueueConsumers, QueueName } from '#queues';
import { QUEUES } from '../worker.tokens.js';

/** The job scheduler's id: upserting it again (every start, every worker) leaves one schedule. */
export const ANCHOR_SCHEDULER_ID = 'anchors.daily';
export const ANCHOR_JOB = 'anchors.take';
/** 00:10 China time: the day just ended has settled (ANCHOR_SETTLE_MS) by then. */
export const ANCHOR_SCHEDULE = { pattern: '10 0 * * *', tz: 'Asia/Shanghai' } as const;

/**
 * Takes the daily anchors: at start-up every finished day not yet anchored, then each day shortly after
 * midnight China time from a BullMQ job scheduler. Anchoring is idempotent and PostgreSQL holds what has been
 * anchored, so a duplicate job is harmless and a schedule lost with Redis costs nothing: the next start (which
 * also re-creates the schedule) catches up.
 */
@Injectable()
export class AnchorsProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AnchorsProcessor.name);
  private readonly queue: Queue;
  private worker: Worker | null = null;

  constructor(
    readonly anchors: Anchors,
    private readonly clock: Clock,
    @Inject(QUEUES) queues: Map<QueueName, Queue>,
    private readonly consumers: QueueConsumers,
  ) {
    this.queue = queues.get(QueueName.Anchors)!;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.consumers.consumes(QueueName.Anchors)) return;
    try {
      await this.process();
    } catch (error) {
      // The worker still starts: the daily job (and the next start) catch up.
      this.logger.error(`anchoring at start-up failed, the daily job will retry: ${describeFault(error)}`);
    }
    await this.queue.upsertJobScheduler(
      ANCHOR_SCHEDULER_ID,
      { ...ANCHOR_SCHEDULE },
      {
        name: ANCHOR_JOB,
        data: {},
        opts: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 } },
      },
    );
    this.worker = this.consumers.consume({ queue: QueueName.Anchors, concurrency: 1, process: () => this.process() });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  /** Anchors every day through yesterday (by the injected clock) not yet anchored; returns the days written. */
  async process(): Promise<string[]> {
    const written = await this.anchors.anchorThrough(addDays(chinaDay(this.clock.now()), -1));
    if (written.length)
      this.logger.log(
        `anchored ${written[0]!.day}${written.length > 1 ? ` … ${written[written.length - 1]!.day}` : ''}`,
      );
    return written.map((a) => a.day);
  }
}
