import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditModule } from '#audit';
import { AuthModule, SessionsService } from '#auth';
import { CasesModule } from '#cases';
import type { Clock } from '#clock';
import { CONCORD_CONFIG, ConfigModule, type ConcordConfig } from '#config';
import { DeadlinesModule } from '#deadlines';
import { DirectoryModule } from '#directory';
import { MetricsModule } from '#metrics';
import { NoticeHub, NoticesModule, NoticesService } from '#notifications';
import { ObservabilityModule } from '#observability';
import type { LogSettings, Tracing } from '#telemetry';
import { EngineModule } from '#engine';
import { IdempotencyModule } from '#idempotency';
import { PartiesModule } from '#parties';
import { PersistenceModule } from '#persistence';
import { RedisModule } from '#queues';
import { ReferralsModule } from '#referrals';
import { StatsModule } from '#stats';
import { AdminController } from './admin/admin.controller.js';
import { ApiKeysController } from './admin/api-keys.controller.js';
import { DeliveriesController } from './admin/deliveries.controller.js';
import { AuditController } from './audit/audit.controller.js';
import { SecurityLogController } from './audit/security-log.controller.js';
import { UnmaskController } from './audit/unmask.controller.js';
import { VerifyController } from './audit/verify.controller.js';
import { CasesController } from './cases/cases.controller.js';
import { IdempotencyInterceptor } from './common/idempotency.interceptor.js';
import { DeadlinesController } from './deadlines/deadlines.controller.js';
import { HealthController } from './health/health.controller.js';
import { ApiIndexController } from './home/api-index.controller.js';
import { MachinesController } from './machines/machines.controller.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { ProgressController } from './public/progress.controller.js';
import { OidcController } from './people/oidc.controller.js';
import { NoticesController } from './people/notices.controller.js';
import { SessionController } from './people/session.controller.js';
import { UsersController } from './people/users.controller.js';
import { WorkQueueController } from './people/work-queue.controller.js';
import { ReferralsController } from './referrals/referrals.controller.js';
import { StatsController } from './stats/stats.controller.js';

@Module({})
export class ApiModule {
  /**
   * `telemetry.log`: how to log (default: JSON lines on stdout at `CONCORD_LOG_LEVEL`); `telemetry.tracing`: the
   * tracing SDK `main` started, stopped with the application.
   */
  static forRoot(
    config: ConcordConfig,
    clock?: Clock,
    telemetry: { log?: LogSettings; tracing?: Tracing | null } = {},
  ): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config, clock),
        PersistenceModule,
        RedisModule,
        EngineModule,
        PartiesModule,
        AuthModule,
        DirectoryModule,
        CasesModule,
        DeadlinesModule,
        AuditModule,
        StatsModule,
        ReferralsModule,
        IdempotencyModule,
        NoticesModule,
        MetricsModule,
        ObservabilityModule.forRoot({
          service: 'api',
          log: telemetry.log ?? { level: config.logLevel ?? 'info' },
          queueGauges: false,
          tracing: telemetry.tracing,
        }),
      ],
      controllers: [
        AdminController,
        ApiKeysController,
        UsersController,
        SessionController,
        OidcController,
        NoticesController,
        WorkQueueController,
        DeliveriesController,
        CasesController,
        ReferralsController,
        MachinesController,
        DeadlinesController,
        AuditController,
        VerifyController,
        UnmaskController,
        SecurityLogController,
        StatsController,
        ProgressController,
        HealthController,
        MetricsController,
        ApiIndexController,
      ],
      providers: [
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        {
          // The notice streams of this process, on its own Redis subscriber connection.
          provide: NoticeHub,
          inject: [CONCORD_CONFIG, NoticesService, SessionsService],
          useFactory: (c: ConcordConfig, notices: NoticesService, sessions: SessionsService) =>
            new NoticeHub(
              {
                redisUrl: c.redisUrl,
                queuePrefix: c.queuePrefix,
                heartbeatMs: (c.noticeHeartbeatSeconds ?? 25) * 1000,
              },
              notices,
              (ids) => sessions.liveSessions(ids),
            ),
        },
      ],
    };
  }
}
