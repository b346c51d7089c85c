import { Global, Module } from '@nestjs/common';
import { Clock } from '#clock';
import { Database } from '#persistence';
import { AccessLog } from './access-log.js';

@Global()
@Module({
  providers: [
    {
      provide: AccessLog,
      inject: [Database, Clock],
      useFactory: (db: Database, clock: Clock) => new AccessLog(db, clock),
    },
  ],
  exports: [AccessLog],
})
export class AuditModule {}
