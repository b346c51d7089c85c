import { Global, Module } from '@nestjs/common';
import { Clock } from '../../clock/src/index.js';
import { Database } from '../../persistence/src/index.js';
import { ApiKeysService } from './api-keys.service.js';

@Global()
@Module({
  providers: [
    { provide: ApiKeysService, inject: [Database, Clock], useFactory: (db: Database, clock: Clock) => new ApiKeysService(db, clock) },
  ],
  exports: [ApiKeysService],
})
export class AuthModule {}
