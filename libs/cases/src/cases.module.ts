import { Global, Module } from '@nestjs/common';
import { Clock } from '../../clock/src/index.js';
import { PartyVault } from '../../parties/src/index.js';
import { Database } from '../../persistence/src/index.js';
import { CaseQueries } from './case-queries.js';
import { ReferralQueries } from './referral-queries.js';

@Global()
@Module({
  providers: [
    {
      provide: CaseQueries,
      inject: [Database, PartyVault, Clock],
      useFactory: (db: Database, vault: PartyVault, clock: Clock) => new CaseQueries(db, vault, clock),
    },
    {
      provide: ReferralQueries,
      inject: [Database, PartyVault, Clock],
      useFactory: (db: Database, vault: PartyVault, clock: Clock) => new ReferralQueries(db, vault, clock),
    },
  ],
  exports: [CaseQueries, ReferralQueries],
})
export class CasesModule {}
