import { Module, type DynamicModule } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Clock } from '#clock';
import { CONCORD_CONFIG, ConfigModule, type ConcordConfig } from '#config';
import { EngineModule } from '#engine';
import { MetricsModule } from '#metrics';
import { ObservabilityModule } from '#observability';
import { PersistenceModule } from '#persistence';
import { createQueues, QueueConsumers, QueueName, REDIS, RedisModule } from '#queues';
import type { LogSettings, Tracing } from '#telemetry';
import { webhookJobOptions } from '#referrals';
import { AnchorsProcessor } from './processors/anchors.processor.js';
import { CalendarProcessor } from './processors/calendar.processor.js';
import { DeadlinesProcessor } from './processors/deadlines.processor.js';
import { EffectsProcessor } from './processors/effects.processor.js';
import { IdempotencyPurgeProcessor } from './processors/idempotency-purge.processor.js';
import { OutboxRelayProcessor } from './processors/outbox-relay.processor.js';
import { WebhooksProcessor } from './processors/webhooks.processor.js';
import { WorkerHttpServer } from './worker-http.server.js';
import { QUEUES } from './worker.tokens.js';
import { CaseFileChannel, NOTIFICATION_CHANNELS, type NotificationChannel } from '#notifications';

@Module({})
export class WorkerModule {
  /**
   * `channels`: where notices to case owners go, besides the case file itself (SMS, messaging, …); `telemetry`:
   * how to log, and the tracing SDK `main` started.
   */
  static forRoot(
    config: ConcordConfig,
    clock?: Clock,
    channels: NotificationChannel[] = [],
    telemetry: { log?: LogSettings; tracing?: Tracing | null } = {},
  ): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config, clock),
        PersistenceModule,
        RedisModule,
        EngineModule,
        MetricsModule,
        ObservabilityModule.forRoot({
          service: 'worker',
          log: telemetry.log ?? { level: config.logLevel ?? 'info' },
          queueGauges: true,
          tracing: telemetry.tracing,
        }),
      ],
      providers: [
        QueueConsumers,
        WorkerHttpServer,
        {
          provide: QUEUES,
          inject: [REDIS, CONCORD_CONFIG],
          useFactory: (redis: Redis, cfg: ConcordConfig) =>
            createQueues(redis, cfg.queuePrefix, { [QueueName.Referrals]: webhookJobOptions(cfg) }),
        },
        { provide: NOTIFICATION_CHANNELS, useValue: [new CaseFileChannel(), ...channels] },
        OutboxRelayProcessor,
        EffectsProcessor,
        DeadlinesProcessor,
        WebhooksProcessor,
        AnchorsProcessor,
        IdempotencyPurgeProcessor,
        CalendarProcessor,
      ],
    };
  }
}
