import { Module } from '@nestjs/common';
import { Clock } from '#clock';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { PartiesModule, PartyVault } from '#parties';
import { Database } from '#persistence';
import { DeadlineBook } from '#deadlines';
import { CaseEngine } from './case-engine.js';

@Module({
  imports: [PartiesModule],
  providers: [
    {
      provide: CaseEngine,
      inject: [Database, Clock, PartyVault, CONCORD_CONFIG],
      useFactory: (db: Database, clock: Clock, parties: PartyVault, config: ConcordConfig) =>
        new CaseEngine(db, clock, parties, new DeadlineBook(), config.newCasesStartOn),
    },
  ],
  exports: [CaseEngine],
})
export class EngineModule {}
