import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { Clock } from '#clock';
import { ClockRecomputation, type RecomputeReport } from '#deadlines';
import { claimProcessing } from '#outbox';
import { Database } from '#persistence';
import { QueueConsumers, QueueName } from '#queues';

/**
 * After a change to the working-day calendar, recomputes the pending clocks it moves. The job is the change's
 * outbox row; it is marked processed once every affected clock has been looked at. Until then a crash, a lost
 * job or a redelivery runs it again, which redoes nothing (the recomputation is idempotent).
 */
@Injectable()
export class CalendarProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | null = null;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly consumers: QueueConsumers,
    readonly recomputation: ClockRecomputation,
  ) {}

  onApplicationBootstrap(): void {
    // One change at a time: two would only wait on each other's case locks.
    this.worker = this.consumers.consume({
      queue: QueueName.Calendar,
      concurrency: 1,
      process: (job) => this.process(job),
    });
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
