import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Clock } from '#clock';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import {
  ApiKeysRepository,
  Cursors,
  Database,
  DepartmentsRepository,
  SecurityLogRepository,
  UnitsRepository,
} from '#persistence';
import { ApiKeysService } from './api-keys.service.js';
import { AuthGuard } from './auth.guard.js';
import { KeyCache } from './key-cache.js';
import { KeyRevocationListener } from './key-revocations.js';
import { OidcService } from './oidc.service.js';
import { SecurityLog } from './security-log.js';
import { SessionsService } from './sessions.service.js';
import { UsersService } from './users.service.js';

@Module({
  providers: [
    // Every route is authenticated unless marked @Public().
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: KeyCache, useFactory: () => new KeyCache() },
    {
      provide: KeyRevocationListener,
      inject: [CONCORD_CONFIG, KeyCache],
      useFactory: (config: ConcordConfig, cache: KeyCache) => new KeyRevocationListener(config.databaseUrl, cache),
    },
    {
      provide: SecurityLog,
      inject: [Database, SecurityLogRepository, Clock, Cursors],
      useFactory: (db: Database, log: SecurityLogRepository, clock: Clock, cursors: Cursors) =>
        new SecurityLog(db, log, clock, cursors),
    },
    {
      provide: ApiKeysService,
      inject: [
        Database,
        ApiKeysRepository,
        UnitsRepository,
        DepartmentsRepository,
        Clock,
        KeyCache,
        SecurityLog,
        Cursors,
      ],
      useFactory: (
        db: Database,
        keys: ApiKeysRepository,
        units: UnitsRepository,
        departments: DepartmentsRepository,
        clock: Clock,
        cache: KeyCache,
        log: SecurityLog,
        cursors: Cursors,
      ) => new ApiKeysService(db, keys, units, departments, clock, cache, log, cursors),
    },
    {
      provide: SessionsService,
      inject: [Database, Clock, CONCORD_CONFIG, SecurityLog],
      useFactory: (db: Database, clock: Clock, config: ConcordConfig, log: SecurityLog) =>
        new SessionsService(db, clock, config, log),
    },
    {
      provide: OidcService,
      inject: [Database, Clock, CONCORD_CONFIG, SessionsService, SecurityLog],
      useFactory: (db: Database, clock: Clock, config: ConcordConfig, sessions: SessionsService, log: SecurityLog) =>
        new OidcService(db, clock, config, sessions, log),
    },
    {
      provide: UsersService,
      inject: [Database, Clock, SecurityLog, Cursors],
      useFactory: (db: Database, clock: Clock, log: SecurityLog, cursors: Cursors) =>
        new UsersService(db, clock, log, cursors),
    },
  ],
  exports: [ApiKeysService, KeyCache, KeyRevocationListener, OidcService, SecurityLog, SessionsService, UsersService],
})
export class AuthModule {}
