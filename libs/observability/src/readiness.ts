import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { Clock } from '#clock';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { Database } from '#persistence';
import { REDIS } from '#queues';
import { OBSERVED_QUEUES, type ObservedQueues } from './observed-queues.js';
import { outboxBacklog } from './outbox-backlog.js';

/** One dependency's state, as `/health` shows it. */
export interface Check {
  ok: boolean;
  latencyMs: number;
  error?: string;
  [detail: string]: unknown;
}

export interface ReadinessReport {
  ok: boolean;
  checks: { postgres: Check; redis: Check; queues: Check; outbox: Check };
}

const PROBE_BOUND_MS = 2_000;

/**
 * Whether this process can do its work (readiness), by @nestjs/terminus indicators, each bounded to 2 s:
 * - `postgres`: `SELECT 1` answers;
 * - `redis`: PING answers;
 * - `queues`: BullMQ answers for every queue and none is paused (a paused queue holds its jobs: deadlines
 *   would not fire, webhooks would not go out);
 * - `outbox`: the oldest row not yet relayed is younger than `CONCORD_OUTBOX_STALL_SECONDS` (default 120 s):
 *   otherwise no relay runs, or it cannot keep up, and effects are not happening.
 * Liveness (the process answers) needs none of this.
 */
@Injectable()
export class Readiness {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(OBSERVED_QUEUES) private readonly queues: ObservedQueues,
    @Inject(CONCORD_CONFIG) private readonly config: ConcordConfig,
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
  ) {}

  async check(): Promise<ReadinessReport> {
    const stallSeconds = this.config.outboxStallSeconds ?? 120;
    const result = await this.health
      .check([
        () =>
          this.indicator
            .check('postgres')
            .attempt(() => this.db.query('SELECT 1').then(() => undefined))
            .withTimeout(PROBE_BOUND_MS),
        () =>
          this.indicator
            .check('redis')
            .attempt(() => this.redis.ping().then(() => undefined))
            .withTimeout(PROBE_BOUND_MS),
        () =>
          this.indicator
            .check('queues')
            .attempt(async () => {
              const states = await Promise.all([...this.queues].map(async ([name, q]) => [name, await q.isPaused()]));
              const paused = states.filter(([, isPaused]) => isPaused).map(([name]) => name);
              if (paused.length) throw new Error(`paused: ${paused.join(', ')}`);
              return { queues: states.length };
            })
            .withTimeout(PROBE_BOUND_MS),
        () =>
          this.indicator
            .check('outbox')
            .attempt(async () => {
              const { oldestUnrelayedSeconds: age } = await outboxBacklog(this.db, this.clock);
              if (age > stallSeconds)
                throw new Error(`the oldest unrelayed row is ${Math.round(age)} s old (bound ${stallSeconds} s)`);
              return { oldestUnrelayedSeconds: Math.round(age * 10) / 10 };
            })
            .withTimeout(PROBE_BOUND_MS),
      ])
      .catch((error: unknown) => {
        // Terminus answers a failed check by throwing a 503 that carries the whole result.
        if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthCheckResult;
        throw error;
      });
    const check = (key: keyof ReadinessReport['checks']): Check => {
      const { status, responseTime, message, ...detail } = (result.details[key] ?? { status: 'down' }) as Record<
        string,
        unknown
      >;
      return {
        ok: status === 'up',
        latencyMs: typeof responseTime === 'number' ? responseTime : 0,
        ...(status === 'up' ? {} : { error: typeof message === 'string' ? message : 'no answer' }),
        ...detail,
      };
    };
    const checks = {
      postgres: check('postgres'),
      redis: check('redis'),
      queues: check('queues'),
      outbox: check('outbox'),
    };
    return { ok: Object.values(checks).every((c) => c.ok), checks };
  }
}
