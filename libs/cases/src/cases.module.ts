import { Global, Module } from '@nestjs/common';
import { Clock } from '#clock';
import { PartyVault } from '#parties';
import { Cursors, Database } from '#persistence';
import { CaseQueries } from './case-queries.js';
import { ReferralQueries } from './referral-queries.js';

@Global()
@Module({
  providers: [
    {
      provide: CaseQueries,
      inject: [Database, PartyVault, Clock, Cursors],
      useFactory: (db: Database, vault: PartyVault, clock: Clock, cursors: Cursors) =>
        new CaseQueries(db, vault, clock, cursors),
    },
    {
      provide: ReferralQueries,
      inject: [Database, PartyVault, Clock, Cursors],
      useFactory: (db: Database, vault: PartyVault, clock: Clock, cursors: Cursors) =>
        new ReferralQueries(db, vault, clock, cursors),
    },
  ],
  exports: [CaseQueries, ReferralQueries],
})
export class CasesModule {}
