import { Module } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Seconds: from a millisecond to a minute, for requests, transitions and jobs. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds: from on time to a day late, for deadlines firing. */
const LATENESS_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 14_400, 86_400];

/**
 * The Prometheus registry of one Concord process, served at `GET /metrics` (the API's, and the worker's own
 * port): the default process metrics (CPU, memory, event loop lag, GC, handles) and every series Concord adds.
 * One per application rather than prom-client's global registry, so that several applications in one process
 * (the test suite) keep theirs apart. The counters and histograms Concord records are declared here, in one place;
 * gauges read on scrape (queues, outbox, pool, calendar) are registered by the module that owns what they read,
 * in its `onModuleInit`. Names start with `concord_`.
 */
export class Metrics {
  readonly registry = new Registry();

  /** Every HTTP request the API answered, by route pattern (`unmatched` for a 404 without a route). */
  readonly httpDuration = new Histogram({
    name: 'concord_http_request_duration_seconds',
    help: 'HTTP requests answered by the API, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  /** Every problem answer, by its code (`internal_error` is a 500, `unavailable` a 503). */
  readonly refusals = new Counter({
    name: 'concord_refusals_total',
    help: 'Problem answers (RFC 9457) given by the API, by code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  /** Every event sent to the engine: `outcome` is `applied` or the refusal's code. */
  readonly transitions = new Counter({
    name: 'concord_transitions_total',
    help: 'Events sent to the case engine, by case kind (or referral), event and outcome (applied, or the refusal code)',
    labelNames: ['kind', 'event', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly transitionDuration = new Histogram({
    name: 'concord_transition_duration_seconds',
    help: 'Time the case engine took for an event (one transaction), by case kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  /** Every run of a job by a worker: `outcome` is `completed`, `failed` (will retry) or `exhausted` (no retry left). */
  readonly jobs = new Counter({
    name: 'concord_jobs_total',
    help: 'Job runs by the worker, by queue and outcome (completed, failed and retried, exhausted)',
    labelNames: ['queue', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'concord_job_duration_seconds',
    help: 'Time a job run took, by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  /** Fired at (Concord's clock) minus due at, for every deadline and warning that fired. */
  readonly deadlineLateness = new Histogram({
    name: 'concord_deadline_lateness_seconds',
    help: 'How late deadlines fired: fired at minus due at, by kind (due, warning)',
    labelNames: ['kind'] as const,
    buckets: LATENESS_BUCKETS,
    registers: [this.registry],
  });

  /** Webhook delivery attempts: `delivered`, `failed` (retried), `dead` (dead-lettered), `skipped` (nothing to do). */
  readonly webhookDeliveries = new Counter({
    name: 'concord_webhook_deliveries_total',
    help: 'Referral webhook delivery attempts, by outcome (delivered, failed, dead, skipped)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookDuration = new Histogram({
    name: 'concord_webhook_delivery_duration_seconds',
    help: 'Time a webhook delivery attempt took (the POST and its bookkeeping), by outcome',
    labelNames: ['outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  /** The exposition text, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

export function createMetrics(): Metrics {
  const metrics = new Metrics();
  collectDefaultMetrics({ register: metrics.registry });
  return metrics;
}

@Module({
  providers: [{ provide: Metrics, useFactory: createMetrics }],
  exports: [Metrics],
})
export class MetricsModule {}
