import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { Clock } from '#clock';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { ClockRecomputation, type RecomputeReport } from '#deadlines';
import { claimProcessing } from '#outbox';
import { Database, describeFault } from '#persistence';
import { QueueName, REDIS } from '#queues';

/**
 * After a change to the working-day calendar, recomputes the pending clocks it moves. The job is the change's
 * outbox row; it is marked processed once every affected clock has been looked at. Until then a crash, a lost
 * job or a redelivery runs it again, which redoes nothing (the recomputation is idempotent).
 */
@Injectable()
export class CalendarProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CalendarProcessor.name);
  readonly recomputation: ClockRecomputation;
  private worker: Worker | null = null;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONCORD_CONFIG) private readonly config: ConcordConfig,
  ) {
    this.recomputation = new ClockRecomputation(db, clock);
  }

  onApplicationBootstrap(): void {
    const consumes = this.config.workerConsumes;
    if (consumes !== 'all' && !consumes.includes(QueueName.Calendar)) return;
    // One change at a time: two would only wait on each other's case locks.
    this.worker = new Worker(QueueName.Calendar, (job) => this.process(job), {
      connection: this.redis,
      prefix: this.config.queuePrefix,
      concurrency: 1,
      lockDuration: this.config.jobLockMs,
      stalledInterval: this.config.jobLockMs,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.warn(`calendar job ${job?.id} failed: ${describeFault(error, { frames: 3 })}`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async process(job: Pick<Job, 'id' | 'data'>): Promise<RecomputeReport> {
    const report = await this.recomputation.run((job.data as { calendarChangeId: string }).calendarChangeId);
    await claimProcessing(this.db, job.id!, this.clock);
    return report;
  }
}
