import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AccessLog, AuditModule } from '../../../libs/audit/src/index.js';
import { PartyUnmasking } from '../../../libs/audit/src/unmask.js';
import { AuthGuard, AuthModule } from '../../../libs/auth/src/index.js';
import { CasesModule } from '../../../libs/cases/src/index.js';
import { PublicProgressQueries } from '../../../libs/cases/src/public-progress.js';
import { Clock } from '../../../libs/clock/src/index.js';
import { CONCORD_CONFIG, ConfigModule, type ConcordConfig } from '../../../libs/config/src/index.js';
import { DeadlinesModule } from '../../../libs/deadlines/src/index.js';
import { DirectoryModule } from '../../../libs/directory/src/index.js';
import { MetricsModule } from '../../../libs/metrics/src/index.js';
import { EngineModule } from '../../../libs/engine/src/index.js';
import { IdempotencyRecords } from '../../../libs/idempotency/src/index.js';
import { PartyVault, PiiCipher } from '../../../libs/parties/src/index.js';
import { Cursors, Database, PersistenceModule } from '../../../libs/persistence/src/index.js';
import { RedisModule } from '../../../libs/queues/src/index.js';
import { DeliveriesService } from '../../../libs/referrals/src/index.js';
import { StatsModule } from '../../../libs/stats/src/index.js';
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
  static forRoot(config: ConcordConfig, clock?: Clock): DynamicModule {
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
        { provide: PublicProgressQueries, inject: [Database], useFactory: (db: Database) => new PublicProgressQueries(db) },
        {
          provide: PartyUnmasking,
          inject: [Database, PartyVault, AccessLog, Clock],
          useFactory: (db: Database, vault: PartyVault, log: AccessLog, clock: Clock) => new PartyUnmasking(db, vault, log, clock),
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
