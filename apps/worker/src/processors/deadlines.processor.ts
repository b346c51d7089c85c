import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, type Job, type Worker } from 'bullmq';
import { Clock } from '#clock';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { type DeadlineJob, DeadlineReconciler, loadDeadlineJobs } from '#deadlines';
import { CaseEngine, type FireOutcome } from '#engine';
import { failpoint } from '#failpoints';
import { Metrics } from '#metrics';
import { Database, describeFault } from '#persistence';
import { QueueConsumers, QueueName } from '#queues';

/**
 * Fires deadlines when their delayed jobs come due, and runs the reconciler at start-up and every few
 * minutes so that Redis always holds a timer for every pending deadline in PostgreSQL.
 */
@Injectable()
export class DeadlinesProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeadlinesProcessor.name);
  private worker: Worker | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reconciling: Promise<void> = Promise.resolve();

  constructor(
    private readonly engine: CaseEngine,
    private readonly db: Database,
    private readonly clock: Clock,
    readonly reconciler: DeadlineReconciler,
    @Inject(CONCORD_CONFIG) private readonly config: ConcordConfig,
    private readonly consumers: QueueConsumers,
    private readonly metrics: Metrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.consumers.consumes(QueueName.Deadlines)) return;
    await this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), this.config.reconcileIntervalMs);
    this.worker = this.consumers.consume({
      queue: QueueName.Deadlines,
      concurrency: 32,
      process: (job, token) => this.process(job, token),
      // Firing is idempotent, so a deadline whose workers keep dying is run again rather than failed.
      maxStalledCount: 10,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.reconciling;
    await this.worker?.close();
  }

  async process(job: Job, token?: string): Promise<FireOutcome['outcome']> {
    const data = job.data as Partial<DeadlineJob> & { deadlineId: string };
    // Jobs carry the row's facts; one that carries only the id (written by an older release) reads them.
    const [deadline] = data.caseId ? [data as DeadlineJob] : await loadDeadlineJobs(this.db, [data.deadlineId]);
    if (!deadline) return 'ignored';
    const result = await this.engine.fireDeadline(deadline);
    failpoint('deadline.afterFire');
    if (result.outcome === 'fired') {
      const late = (this.clock.now().getTime() - Date.parse(deadline.dueAt)) / 1000;
      this.metrics.deadlineLateness.observe({ kind: deadline.kind }, Math.max(0, late));
    }
    if (result.outcome === 'not-due') {
      // The timer ran early by Concord's clock (Redis's clock runs ahead, or the job was promoted): wait the
      // time still left by Concord's clock. BullMQ counts in its own time, so the wait is relative to that.
      await job.moveToDelayed(Date.now() + Math.max(1_000, result.dueAt.getTime() - this.clock.now().getTime()), token);
      throw new DelayedError();
    }
    return result.outcome;
  }

  /** One reconciliation at a time; shutdown waits for the one under way. */
  private reconcile(): Promise<void> {
    this.reconciling = this.reconciling.then(async () => {
      try {
        await this.reconciler.reconcile();
      } catch (error) {
        this.logger.error(`deadline reconciliation failed, will retry: ${describeFault(error)}`);
      }
    });
    return this.reconciling;
  }
}
