import { Global, Module } from '@nestjs/common';
import { Clock } from '../../clock/src/index.js';
import { CONCORD_CONFIG, type ConcordConfig } from '../../config/src/index.js';
import { Database } from '../../persistence/src/index.js';
import { ApiKeysService } from './api-keys.service.js';
import { KeyCache } from './key-cache.js';
import { KeyRevocationListener } from './key-revocations.js';
import { SecurityLog } from './security-log.js';

@Global()
@Module({
  providers: [
    { provide: KeyCache, useFactory: () => new KeyCache() },
    {
      provide: KeyRevocationListener,
      inject: [CONCORD_CONFIG, KeyCache],
      useFactory: (config: ConcordConfig, cache: KeyCache) => new KeyRevocationListener(config.databaseUrl, cache),
    },
    { provide: SecurityLog, inject: [Database, Clock], useFactory: (db: Database, clock: Clock) => new SecurityLog(db, clock) },
    {
      provide: ApiKeysService,
      inject: [Database, Clock, KeyCache, SecurityLog],
      useFactory: (db: Database, clock: Clock, cache: KeyCache, log: SecurityLog) => new ApiKeysService(db, clock, cache, log),
    },
  ],
  exports: [ApiKeysService, KeyCache, KeyRevocationListener, SecurityLog],
})
export class AuthModule {}
