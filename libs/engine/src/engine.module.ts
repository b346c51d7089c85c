import { Module } from '@nestjs/common';
import { Clock } from '#clock';
import { PartiesModule, PartyVault } from '#parties';
import { Database } from '#persistence';
import { DeadlineBook } from '#deadlines';
import { CaseEngine } from './case-engine.js';

@Module({
  imports: [PartiesModule],
  providers: [
    {
      provide: CaseEngine,
      inject: [Database, Clock, PartyVault],
      useFactory: (db: Database, clock: Clock, parties: PartyVault) =>
        new CaseEngine(db, clock, parties, new DeadlineBook()),
    },
  ],
  exports: [CaseEngine],
})
export class EngineModule {}
