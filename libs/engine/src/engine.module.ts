import { Global, Module } from '@nestjs/common';
import { Clock } from '#clock';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { PartyVault, PiiCipher } from '#parties';
import { Database } from '#persistence';
import { DeadlineBook } from '#deadlines';
import { CaseEngine } from './case-engine.js';

@Global()
@Module({
  providers: [
    {
      provide: PiiCipher,
      inject: [CONCORD_CONFIG],
      useFactory: (config: ConcordConfig) => new PiiCipher(config.dataKey),
    },
    { provide: PartyVault, inject: [PiiCipher], useFactory: (cipher: PiiCipher) => new PartyVault(cipher) },
    {
      provide: CaseEngine,
      inject: [Database, Clock, PartyVault],
      useFactory: (db: Database, clock: Clock, parties: PartyVault) =>
        new CaseEngine(db, clock, parties, new DeadlineBook()),
    },
  ],
  exports: [PiiCipher, PartyVault, CaseEngine],
})
export class EngineModule {}
