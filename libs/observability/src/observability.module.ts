import { Inject, Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { EngineModule } from '#engine';
import { MetricsModule } from '#metrics';
import { RedisModule } from '#queues';
import { loggerParams, type LogSettings, type Tracing } from '#telemetry';
import { PoolGauges, QueueGauges } from './gauges.js';
import { OBSERVED_QUEUES, observedQueuesProvider, type ObservedQueues } from './observed-queues.js';
import { Readiness } from './readiness.js';
import { TransitionMetering } from './transition-metering.js';

export interface ObservabilityOptions {
  /** `api` or `worker`: the `service` of every log line. */
  service: string;
  log: LogSettings;
  /** Collect the queue and outbox gauges (the worker, which runs them: one process reports them, not every one). */
  queueGauges: boolean;
  /** The tracing SDK, when `main` started one: flushed and stopped with the application. */
  tracing?: Tracing | null;
}

const TRACING = 'CONCORD_TRACING';

/**
 * What an operator sees of a Concord process: structured logs through nestjs-pino (Nest's own logger included),
 * the engine's transitions counted and traced, the gauges read on scrape, and the readiness checks. Imported
 * once by each application, which needs the config, persistence, Redis, engine and metrics modules beside it.
 */
@Module({})
export class ObservabilityModule implements OnApplicationShutdown {
  constructor(
    @Inject(OBSERVED_QUEUES) private readonly queues: ObservedQueues,
    @Inject(TRACING) private readonly tracing: Tracing | null,
  ) {}

  static forRoot(options: ObservabilityOptions): DynamicModule {
    const providers: Provider[] = [
      observedQueuesProvider,
      { provide: TRACING, useValue: options.tracing ?? null },
      Readiness,
      TransitionMetering,
      PoolGauges,
    ];
    if (options.queueGauges) providers.push(QueueGauges);
    return {
      module: ObservabilityModule,
      imports: [
        EngineModule,
        MetricsModule,
        RedisModule,
        LoggerModule.forRoot(loggerParams(options.service, options.log)),
        // A failed check is answered (503, with what failed) and counted; it is not an error in the log each time.
        TerminusModule.forRoot({ logger: false }),
      ],
      providers,
      exports: [Readiness, OBSERVED_QUEUES],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    // The spans of the last requests and jobs are still batched: send them before the process goes.
    await this.tracing?.shutdown().catch(() => undefined);
  }
}
