import { Module } from '@nestjs/common';
import { Clock } from '#clock';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { webhookEgress } from '#egress';
import { PartiesModule, PiiCipher } from '#parties';
import { Cursors, Database, DepartmentsRepository, UnitsRepository } from '#persistence';
import { DepartmentsService } from './departments.service.js';
import { UnitsService } from './units.service.js';

@Module({
  imports: [PartiesModule],
  providers: [
    {
      provide: UnitsService,
      inject: [Database, UnitsRepository, Clock, Cursors],
      useFactory: (db: Database, units: UnitsRepository, clock: Clock, cursors: Cursors) =>
        new UnitsService(db, units, clock, cursors),
    },
    {
      provide: DepartmentsService,
      inject: [Database, DepartmentsRepository, Clock, PiiCipher, CONCORD_CONFIG, Cursors],
      useFactory: (
        db: Database,
        departments: DepartmentsRepository,
        clock: Clock,
        cipher: PiiCipher,
        config: ConcordConfig,
        cursors: Cursors,
      ) => new DepartmentsService(db, departments, clock, cipher, webhookEgress(config), cursors),
    },
  ],
  exports: [UnitsService, DepartmentsService],
})
export class DirectoryModule {}
