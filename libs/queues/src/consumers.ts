import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { Metrics } from '#metrics';
import { describeFault } from '#persistence';
import { contextFrom, inSpan, SpanKind, withRequestContext } from '#telemetry';
import { originOf } from './job-origin.js';
import type { QueueName } from './queue-names.js';
import { REDIS } from './redis.module.js';

/** What a processor gives to consume a queue. */
export interface Consumer<R> {
  queue: QueueName;
  /** Jobs run at once by this process. */
  concurrency: number;
  process(job: Job, token?: string): Promise<R>;
  /** BullMQ's: how often a job whose workers died is run again before it fails (default 1). */
  maxStalledCount?: number;
  /**
   * Failures the processor records and logs itself (a webhook attempt refused by its receiver): the job line
   * then says `failed` at `info`, without the fault, instead of a warning.
   */
  expected?(error: Error): boolean;
}

/** How a job run ended: `delayed` is a job that put itself back to wait (a deadline not yet due by Concord's clock). */
export type JobOutcome = 'completed' | 'failed' | 'exhausted' | 'delayed';

/**
 * The one way Concord consumes a BullMQ queue. It creates the Worker with Concord's settings (the queue prefix,
 * `CONCORD_JOB_LOCK_MS` as lock duration and stall interval, the shared connection), only for the queues this
 * process consumes (`CONCORD_WORKER_CONSUMES`), and around every job run: the request context and trace the job
 * inherited from its outbox row, one log line (queue, job name and id, outcome, duration, attempt, request id),
 * the job metrics, and faults logged with describeFault (never a message, which may quote input). Workers close
 * gracefully (active jobs finish) at shutdown; a processor that must close its worker before something else
 * calls `close()` on it first.
 *
 * Concord does not use @nestjs/bullmq: jobs enter the queues only through the outbox relay (job id = outbox row),
 * so the module's queue registration and producer injection would go unused, and its decorator-driven workers
 * would hide the per-job context this sets up. One small service is clearer.
 */
@Injectable()
export class QueueConsumers implements OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly workers: Worker[] = [];
  /** Errors a job run threw (and `run` logged): BullMQ's `failed` event for them says nothing new. */
  private readonly logged = new WeakSet<object>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONCORD_CONFIG) private readonly config: ConcordConfig,
    private readonly metrics: Metrics,
  ) {}

  /** Whether this process consumes `queue`. */
  consumes(queue: QueueName): boolean {
    const consumes = this.config.workerConsumes;
    return consumes === 'all' || consumes.includes(queue);
  }

  /** Starts consuming; null when this process does not consume the queue. */
  consume<R>(consumer: Consumer<R>): Worker | null {
    if (!this.consumes(consumer.queue)) return null;
    const worker = new Worker(consumer.queue, (job, token) => this.run(consumer, job, token), {
      connection: this.redis,
      prefix: this.config.queuePrefix,
      concurrency: consumer.concurrency,
      lockDuration: this.config.jobLockMs,
      stalledInterval: this.config.jobLockMs,
      ...(consumer.maxStalledCount !== undefined ? { maxStalledCount: consumer.maxStalledCount } : {}),
    });
    // A failure `run` did not see: a job that stalled (its workers died) more often than allowed.
    worker.on('failed', (job, error) => {
      if (this.logged.has(error)) return;
      this.metrics.jobs.inc({ queue: consumer.queue, outcome: 'exhausted' });
      this.logger.warn({
        msg: 'job exhausted',
        queue: consumer.queue,
        job: job?.name ?? null,
        jobId: job?.id ?? null,
        outcome: 'exhausted',
        fault: describeFault(error, { frames: 3 }),
      });
    });
    worker.on('error', (error) =>
      this.logger.error(
        `queue ${consumer.queue}: worker error, BullMQ retries: ${describeFault(error, { frames: 3 })}`,
      ),
    );
    this.workers.push(worker);
    return worker;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }

  private async run<R>(consumer: Consumer<R>, job: Job, token: string | undefined): Promise<R> {
    const origin = originOf(job.data);
    const started = performance.now();
    const work = () =>
      inSpan(
        `job ${consumer.queue}`,
        {
          kind: SpanKind.CONSUMER,
          parent: origin.traceparent ? contextFrom(origin.traceparent) : undefined,
          attributes: { 'messaging.destination.name': consumer.queue, 'messaging.message.id': String(job.id) },
        },
        () => consumer.process(job, token),
      );
    try {
      const result = origin.requestId ? await withRequestContext({ requestId: origin.requestId }, work) : await work();
      this.record(consumer, job, 'completed', started, origin.requestId, {
        result: typeof result === 'string' ? result : undefined,
      });
      return result;
    } catch (error) {
      const outcome: JobOutcome =
        error instanceof DelayedError
          ? 'delayed'
          : error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
            ? 'exhausted'
            : 'failed';
      const expected = outcome === 'delayed' || (error instanceof Error && consumer.expected?.(error) === true);
      this.record(
        consumer,
        job,
        outcome,
        started,
        origin.requestId,
        expected ? {} : { fault: describeFault(error, { frames: 3 }) },
      );
      if (error instanceof Error) this.logged.add(error);
      throw error;
    }
  }

  private record(
    consumer: Consumer<unknown>,
    job: Job,
    outcome: JobOutcome,
    started: number,
    requestId: string | undefined,
    extra: { result?: string; fault?: string },
  ): void {
    const seconds = (performance.now() - started) / 1000;
    this.metrics.jobs.inc({ queue: consumer.queue, outcome });
    this.metrics.jobDuration.observe({ queue: consumer.queue, outcome }, seconds);
    const line = {
      msg: `job ${outcome}`,
      queue: consumer.queue,
      job: job.name,
      jobId: job.id,
      outcome,
      durationMs: Math.round(seconds * 10_000) / 10,
      attempt: job.attemptsMade + 1,
      attempts: job.opts.attempts ?? 1,
      requestId: requestId ?? null,
      ...extra,
    };
    if (extra.fault) this.logger.warn(line);
    else this.logger.log(line);
  }
}
