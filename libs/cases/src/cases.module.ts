import { Global, Module } from '@nestjs/common';
import { PartyVault } from '../../parties/src/index.js';
import { Database } from '../../persistence/src/index.js';
import { CaseQueries } from './case-queries.js';

@Global()
@Module({
  providers: [{ provide: CaseQueries, inject: [Database, PartyVault], useFactory: (db: Database, vault: PartyVault) => new CaseQueries(db, vault) }],
  exports: [CaseQueries],
})
export class CasesModule {}
