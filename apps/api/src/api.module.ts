import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuditModule } from '../../../libs/audit/src/index.js';
import { AuthGuard, AuthModule } from '../../../libs/auth/src/index.js';
import { CasesModule } from '../../../libs/cases/src/index.js';
import { Clock } from '../../../libs/clock/src/index.js';
import { ConfigModule, type ConcordConfig } from '../../../libs/config/src/index.js';
import { DeadlinesModule } from '../../../libs/deadlines/src/index.js';
import { DirectoryModule } from '../../../libs/directory/src/index.js';
import { EngineModule } from '../../../libs/engine/src/index.js';
import { Database, PersistenceModule } from '../../../libs/persistence/src/index.js';
import { RedisModule } from '../../../libs/queues/src/index.js';
import { DeliveriesService } from '../../../libs/referrals/src/index.js';
import { AdminController } from './admin/admin.controller.js';
import { DeliveriesController } from './admin/deliveries.controller.js';
import { CasesController } from './cases/cases.controller.js';
import { DeadlinesController } from './deadlines/deadlines.controller.js';
import { IdempotencyInterceptor } from './common/idempotency.interceptor.js';
import { HealthController } from './health/health.controller.js';
import { ReferralsController } from './referrals/referrals.controller.js';

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
      ],
      controllers: [AdminController, CasesController, DeadlinesController, HealthController, ReferralsController, DeliveriesController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: DeliveriesService, inject: [Database, Clock], useFactory: (db: Database, clock: Clock) => new DeliveriesService(db, clock) },
      ],
    };
  }
}
