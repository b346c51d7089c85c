import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue, Worker } from 'bullmq';
import { IdempotencyRecords, type PurgeReport } from '#idempotency';
import { describeFault } from '#persistence';
import { QueueConsumers, QueueName } from '#queues';
import { QUEUES } from '../worker.tokens.js';

/** The job scheduler's id: upserting it again (every start, every worker) leaves one schedule. */
export const IDEMPOTENCY_PURGE_SCHEDULER_ID = 'idempotency.purge.hourly';
export const IDEMPOTENCY_PURGE_JOB = 'idempotency.purge';
/** Records past their window are gone within this long after it ends (a replay is refused from the window on). */
export const IDEMPOTENCY_PURGE_EVERY_MS = 3_600_000;

/**
 * Purges idempotency records past `CONCORD_IDEMPOTENCY_TTL_HOURS`, and seals any answer an older release
 * stored in the clear: at start-up, then hourly from a BullMQ job scheduler. The window is judged by the
 * injected clock. Purging is idempotent and batched, so a duplicate job, or several workers at once, are
 * harmless, and a schedule lost with Redis is re-created at the next start.
 */
@Injectable()
export class IdempotencyPurgeProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyPurgeProcessor.name);
  private readonly queue: Queue;
  private worker: Worker | null = null;

  constructor(
    readonly records: IdempotencyRecords,
    @Inject(QUEUES) queues: Map<QueueName, Queue>,
    private readonly consumers: QueueConsumers,
  ) {
    this.queue = queues.get(QueueName.Housekeeping)!;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.consumers.consumes(QueueName.Housekeeping)) return;
    try {
      await this.process();
    } catch (error) {
      // The worker still starts: the hourly job retries.
      this.logger.error(
        `purging idempotency records at start-up failed, the hourly job will retry: ${describeFault(error)}`,
      );
    }
    await this.queue.upsertJobScheduler(
      IDEMPOTENCY_PURGE_SCHEDULER_ID,
      { every: IDEMPOTENCY_PURGE_EVERY_MS },
      {
        name: IDEMPOTENCY_PURGE_JOB,
        data: {},
        opts: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 } },
      },
    );
    this.worker = this.consumers.consume({
      queue: QueueName.Housekeeping,
      concurrency: 1,
      process: () => this.process(),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  /** One purge, as the hourly job runs it. */
  async process(): Promise<PurgeReport> {
    const report = await this.records.purge();
    if (report.expired || report.sealed) {
      this.logger.log(`idempotency records: ${report.expired} expired and deleted, ${report.sealed} sealed`);
    }
    return report;
  }
}
