import { Logger } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Clock } from '#clock';
import type { Database } from '#persistence';
import { JobName } from '#queues';
import { DEADLINE_JOB_COLUMNS, jobOfRow, type DeadlineJobRow } from './deadline-book.js';

export interface ReconcileReport {
  /** Pending deadline rows looked at. */
  pending: number;
  /** Rows whose job was missing (lost with Redis, or never relayed) and was enqueued again. */
  restored: number;
  /** Rows already due whose job was waiting for a later time, moved to run now. */
  promoted: number;
  /** Rows whose job had failed, retried. */
  retried: number;
}

/**
 * PostgreSQL is the truth about deadlines; Redis only holds their timers. The reconciler makes Redis agree:
 * every pending deadline gets its job back if it has none (after a FLUSHALL, say), and a deadline that came
 * due while nothing ran is made to run now. Firing itself is idempotent (the engine fires a row only while it
 * is pending), so reconciling twice, or while the worker is busy, is harmless.
 */
export class DeadlineReconciler {
  private readonly logger = new Logger(DeadlineReconciler.name);

  constructor(
    private readonly db: Database,
    private readonly queue: Queue,
    /** The connection the queue uses: job existence is checked in one pipelined round trip per batch. */
    private readonly redis: Redis,
    private readonly clock: Clock,
    private readonly batchSize = 2_000,
  ) {}

  async reconcile(): Promise<ReconcileReport> {
    const report: ReconcileReport = { pending: 0, restored: 0, promoted: 0, retried: 0 };
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await this.db.query<DeadlineJobRow>(
        `SELECT ${DEADLINE_JOB_COLUMNS} FROM deadlines WHERE status = 'pending' AND id > $1 ORDER BY id LIMIT $2`,
        [after, this.batchSize],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.id;
      report.pending += rows.length;

      // One round trip per batch: does each job exist, and is it waiting for a later time or failed?
      const pipeline = this.redis.pipeline();
      for (const row of rows) {
        pipeline.exists(this.queue.toKey(row.id));
        pipeline.zscore(this.queue.toKey('delayed'), row.id);
        pipeline.zscore(this.queue.toKey('failed'), row.id);
      }
      const answers = ((await pipeline.exec()) ?? []).map(([error, value]) => (error ? null : value));
      const now = this.clock.now().getTime();
      const missing: typeof rows = [];
      for (const [i, row] of rows.entries()) {
        const [exists, delayed, failed] = [
          answers[3 * i] === 1,
          answers[3 * i + 1] !== null,
          answers[3 * i + 2] !== null,
        ];
        if (!exists) missing.push(row);
        else if (row.due_at.getTime() <= now && delayed) {
          if (await this.nudge(row.id, (job) => job.promote())) report.promoted++;
        } else if (failed) {
          if (await this.nudge(row.id, (job) => job.retry('failed'))) report.retried++;
        }
        // Waiting or active jobs run anyway. A completed one belongs to a row that is no longer pending: the
        // row was read before its firing committed.
      }
      if (missing.length) {
        await this.queue.addBulk(
          missing.map((row) => ({
            name: JobName.DeadlineFire,
            data: jobOfRow(row),
            opts: { jobId: row.id, delay: Math.max(0, row.due_at.getTime() - now) },
          })),
        );
        report.restored += missing.length;
      }
    }
    if (report.restored || report.promoted || report.retried)
      this.logger.warn(`reconciled deadlines: ${JSON.stringify(report)}`);
    return report;
  }

  /**
   * Promotes or retries one job. Its timer may have moved it on since the pipeline looked (BullMQ then refuses:
   * "not in the delayed state"); that job runs anyway, and the rest of the pass must not be lost to it.
   */
  private async nudge(id: string, action: (job: Job) => Promise<unknown>): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job) return false;
    try {
      await action(job);
      return true;
    } catch (error) {
      const state = await job.getState();
      if (state === 'delayed' || state === 'failed') throw error;
      return false;
    }
  }
}
