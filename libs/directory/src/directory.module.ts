import { Global, Module } from '@nestjs/common';
import { Clock } from '../../clock/src/index.js';
import { CONCORD_CONFIG, type ConcordConfig } from '../../config/src/index.js';
import { webhookEgress } from '../../egress/src/index.js';
import { PiiCipher } from '../../parties/src/index.js';
import { Database } from '../../persistence/src/index.js';
import { DepartmentsService } from './departments.service.js';
import { UnitsService } from './units.service.js';

@Global()
@Module({
  providers: [
    { provide: UnitsService, inject: [Database, Clock], useFactory: (db: Database, clock: Clock) => new UnitsService(db, clock) },
    {
      provide: DepartmentsService,
      inject: [Database, Clock, PiiCipher, CONCORD_CONFIG],
      useFactory: (db: Database, clock: Clock, cipher: PiiCipher, config: ConcordConfig) =>
        new DepartmentsService(db, clock, cipher, webhookEgress(config)),
    },
  ],
  exports: [UnitsService, DepartmentsService],
})
export class DirectoryModule {}
