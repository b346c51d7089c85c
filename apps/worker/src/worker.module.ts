import { Module, type DynamicModule } from '@nestjs/common';
import type { Clock } from '#clock';
import { ConfigModule, type ConcordConfig } from '#config';
import { AuditModule } from '#audit';
import { DeadlinesModule, DeadlineTimersModule } from '#deadlines';
import { IdempotencyModule } from '#idempotency';
import { OutboxModule } from '#outbox';
import { EngineModule } from '#engine';
import { MetricsModule } from '#metrics';
import { ObservabilityModule } from '#observability';
import { PersistenceModule } from '#persistence';
import { QueuesModule } from '#queues';
import type { LogSettings, Tracing } from '#telemetry';
import { ReferralsModule } from '#referrals';
import { AnchorsProcessor } from './processors/anchors.processor.js';
import { CalendarProcessor } from './processors/calendar.processor.js';
import { DeadlinesProcessor } from './processors/deadlines.processor.js';
import { EffectsProcessor } from './processors/effects.processor.js';
import { IdempotencyPurgeProcessor } from './processors/idempotency-purge.processor.js';
import { OutboxRelayProcessor } from './processors/outbox-relay.processor.js';
import { WebhooksProcessor } from './processors/webhooks.processor.js';
import { WorkerHttpServer } from './worker-http.server.js';
import {
  CaseFileChannel,
  InboxChannel,
  NOTIFICATION_CHANNELS,
  NoticesModule,
  type NotificationChannel,
} from '#notifications';

@Module({})
export class WorkerModule {
  /**
   * `channels`: where notices to case owners go, besides the case file itself and the inboxes of the people working
   * the case (SMS, messaging, …); `telemetry`: how to log, and the tracing SDK `main` started.
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
        QueuesModule,
        OutboxModule,
        EngineModule,
        DeadlinesModule,
        DeadlineTimersModule,
        ReferralsModule,
        AuditModule,
        IdempotencyModule,
        NoticesModule,
        MetricsModule,
        ObservabilityModule.forRoot({
          service: 'worker',
          log: telemetry.log ?? { level: config.logLevel ?? 'info' },
          queueGauges: true,
          tracing: telemetry.tracing,
        }),
      ],
      providers: [
        WorkerHttpServer,
        {
          provide: NOTIFICATION_CHANNELS,
          inject: [InboxChannel],
          useFactory: (inbox: InboxChannel) => [new CaseFileChannel(), inbox, ...channels],
        },
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
