import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AccessLog, AuditModule, PartyUnmasking } from '#audit';
import { AuthGuard, AuthModule } from '#auth';
import { CasesModule, PublicProgressQueries } from '#cases';
import { Clock } from '#clock';
import { CONCORD_CONFIG, ConfigModule, type ConcordConfig } from '#config';
import { DeadlinesModule } from '#deadlines';
import { DirectoryModule } from '#directory';
import { MetricsModule } from '#metrics';
import { ObservabilityModule } from '#observability';
import type { LogSettings, Tracing } from '#telemetry';
import { EngineModule } from '#engine';
import { IdempotencyRecords } from '#idempotency';
import { PartyVault, PiiCipher } from '#parties';
import { Cursors, Database, PersistenceModule } from '#persistence';
import { RedisModule } from '#queues';
import { DeliveriesService } from '#referrals';
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
import { MetricsController } from './metrics/metrics.controller.js';
import { ProgressController } from './public/progress.controller.js';
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
        AuthModule,
        DirectoryModule,
        CasesModule,
        DeadlinesModule,
        AuditModule,
        StatsModule,
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
        DeliveriesController,
        CasesController,
        ReferralsController,
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
        { provide: APP_GUARD, useClass: AuthGuard },
        {
          provide: IdempotencyRecords,
          inject: [Database, PiiCipher, Clock, CONCORD_CONFIG],
          useFactory: (db: Database, cipher: PiiCipher, clock: Clock, cfg: ConcordConfig) =>
            new IdempotencyRecords(db, cipher, clock, cfg.idempotencyTtlHours),
        },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        {
          provide: PublicProgressQueries,
          inject: [Database],
          useFactory: (db: Database) => new PublicProgressQueries(db),
        },
        {
          provide: PartyUnmasking,
          inject: [Database, PartyVault, AccessLog, Clock],
          useFactory: (db: Database, vault: PartyVault, log: AccessLog, clock: Clock) =>
            new PartyUnmasking(db, vault, log, clock),
        },
        {
          provide: DeliveriesService,
          inject: [Database, Clock, Cursors],
          useFactory: (db: Database, clock: Clock, cursors: Cursors) => new DeliveriesService(db, clock, cursors),
        },
      ],
    };
  }
}
