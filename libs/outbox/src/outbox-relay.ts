import { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Clock } from '#clock';
import { failpoint } from '#failpoints';
import { describeFault, type Database } from '#persistence';
import { RECONCILED_QUEUES, withOrigin, type QueueName } from '#queues';
import { contextFrom, SpanKind, startSpan, traceparentOf } from '#telemetry';

export interface RelayOptions {
  /** Rows moved per transaction. */
  batchSize: number;
  /** Pause between polls when there was nothing to move. */
  idleMs: number;
  /** A relayed row still unprocessed after this long is enqueued again (its job may have died with Redis). */
  resweepAfterMs: number;
}

interface OutboxRow {
  id: string;
  queue: QueueName;
  name: string;
  payload: Record<string, unknown>;
  job_id: string | null;
  run_at: Date | null;
  request_id: string | null;
  traceparent: string | null;
}

/** What a resweep found among the rows relayed long ago and still unprocessed. */
export interface ResweepReport {
  /** Rows looked at. */
  stale: number;
  /** Their jobs were gone (Redis lost them): enqueued again. */
  restored: number;
  /** Their jobs had failed for good: retried. */
  retried: number;
}

function groupByQueue(rows: OutboxRow[]): Map<QueueName, OutboxRow[]> {
  const byQueue = new Map<QueueName, OutboxRow[]>();
  for (const row of rows) byQueue.set(row.queue, [...(byQueue.get(row.queue) ?? []), row]);
  return byQueue;
}

const DEFAULTS: RelayOptions = { batchSize: 500, idleMs: 200, resweepAfterMs: 60_000 };

/**
 * Moves committed outbox rows to BullMQ. The job id is the row id, so enqueueing a row twice (after a crash
 * between enqueue and marking, or a resweep) never makes a second job while the first exists; processors
 * compare-and-set `processed_at`, so a job that does run twice acts once. Several relays may run at once:
 * rows are claimed with SKIP LOCKED.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly options: RelayOptions;
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private lastResweep = 0;

  constructor(
    private readonly db: Database,
    private readonly queues: ReadonlyMap<QueueName, Queue>,
    private readonly clock: Clock,
    options: Partial<RelayOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Moves one batch; returns how many rows it moved. */
  async relayOnce(): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<OutboxRow>(
        `SELECT id, queue, name, payload, job_id, run_at, request_id, traceparent FROM outbox WHERE relayed_at IS NULL
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize],
      );
      if (rows.length === 0) return 0;
      await this.enqueue(rows);
      failpoint('relay.afterEnqueue');
      // A reconciled queue's job carries the effect and its own table recovers it: relayed is done.
      await tx.query(
        `UPDATE outbox SET relayed_at = $2, processed_at = coalesce(processed_at, CASE WHEN queue = ANY($3::text[]) THEN $2::timestamptz END)
          WHERE id = ANY($1::uuid[])`,
        [rows.map((r) => r.id), this.clock.now(), [...RECONCILED_QUEUES]],
      );
      return rows.length;
    });
  }

  /**
   * Looks again at the rows relayed long ago and still unprocessed. A job that still waits or runs is left alone:
   * it is a backlog, not a loss. A missing job (Redis lost it) is enqueued again. A job that failed for good while
   * its row is unprocessed (its retries spent while PostgreSQL was down, or stalled by dying workers) still holds
   * the id, so enqueueing would be a no-op: it is retried with fresh attempts. One pipelined round trip per queue
   * tells which is which.
   */
  async resweep(): Promise<ResweepReport> {
    const before = new Date(this.clock.now().getTime() - this.options.resweepAfterMs);
    const rows = await this.db.query<OutboxRow>(
      `SELECT id, queue, name, payload, job_id, run_at, request_id, traceparent FROM outbox
       WHERE relayed_at IS NOT NULL AND processed_at IS NULL AND relayed_at < $1
       ORDER BY relayed_at LIMIT $2`,
      [before, this.options.batchSize * 10],
    );
    const report: ResweepReport = { stale: rows.length, restored: 0, retried: 0 };
    const missing: OutboxRow[] = [];
    for (const [name, batch] of groupByQueue(rows)) {
      const queue = this.queueOf(name);
      const pipeline = ((await queue.getBackend().client) as unknown as Redis).pipeline();
      for (const row of batch) {
        pipeline.exists(queue.toKey(row.job_id ?? row.id));
        pipeline.zscore(queue.toKey('failed'), row.job_id ?? row.id);
      }
      const answers = ((await pipeline.exec()) ?? []).map(([error, value]) => (error ? null : value));
      for (const [i, row] of batch.entries()) {
        if (answers[2 * i] !== 1) missing.push(row);
        else if (answers[2 * i + 1] !== null) {
          const job = await queue.getJob(row.job_id ?? row.id);
          if (job && (await job.isFailed())) {
            await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
            report.retried++;
          }
        }
      }
    }
    if (missing.length) await this.enqueue(missing);
    report.restored = missing.length;
    return report;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = null;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let moved = 0;
      try {
        moved = await this.relayOnce();
        if (Date.now() - this.lastResweep > this.options.resweepAfterMs / 2) {
          this.lastResweep = Date.now();
          const { restored, retried } = await this.resweep();
          if (restored || retried)
            this.logger.warn(
              `outbox rows relayed but never processed: ${restored} jobs restored, ${retried} failed jobs retried`,
            );
        }
      } catch (error) {
        this.logger.error(`relay failed, retrying: ${describeFault(error)}`);
      }
      if (moved < this.options.batchSize && !this.stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.idleMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /**
   * Each job carries the request its row was written for, and continues the row's trace through a relay span
   * (traced rows only: an untraced row, or tracing off, costs nothing).
   */
  private async enqueue(rows: OutboxRow[]): Promise<void> {
    for (const [name, batch] of groupByQueue(rows)) {
      const queue = this.queueOf(name);
      const now = this.clock.now().getTime();
      const spans = batch.map((row) =>
        row.traceparent
          ? startSpan('outbox.relay', {
              kind: SpanKind.PRODUCER,
              parent: contextFrom(row.traceparent),
              attributes: { 'messaging.destination.name': name, 'messaging.message.id': row.job_id ?? row.id },
            })
          : null,
      );
      try {
        await queue.addBulk(
          batch.map((row, i) => ({
            name: row.name,
            // Untraced here (tracing off in this process), the job still continues the transition's trace.
            data: withOrigin(
              row.payload,
              row.request_id,
              (spans[i] && traceparentOf(spans[i].context)) || row.traceparent,
            ),
            opts: { jobId: row.job_id ?? row.id, delay: row.run_at ? Math.max(0, row.run_at.getTime() - now) : 0 },
          })),
        );
      } finally {
        for (const traced of spans) traced?.span.end();
      }
    }
  }

  private queueOf(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`outbox row for unknown queue ${name}`);
    return queue;
  }
}
