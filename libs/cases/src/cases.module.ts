import { Module } from '@nestjs/common';
import { Clock } from '#clock';
import { PartiesModule, PartyVault } from '#parties';
import { Cursors, Database } from '#persistence';
import { CaseQueries } from './case-queries.js';
import { CaseReadsRepository } from './case-reads.repository.js';
import { PublicProgressQueries } from './public-progress.js';
import { ReferralQueries } from './referral-queries.js';
import { ReferralReadsRepository } from './referral-reads.repository.js';
import { WorkQueueQueries } from './work-queue.js';
import { WorkQueueRepository } from './work-queue.repository.js';

@Module({
  imports: [PartiesModule],
  providers: [
    {
      provide: ReferralReadsRepository,
      inject: [Database],
      useFactory: (db: Database) => new ReferralReadsRepository(db),
    },
    { provide: CaseReadsRepository, inject: [Database], useFactory: (db: Database) => new CaseReadsRepository(db) },
    {
      provide: PublicProgressQueries,
      inject: [CaseReadsRepository],
      useFactory: (reads: CaseReadsRepository) => new PublicProgressQueries(reads),
    },
    {
      provide: CaseQueries,
      inject: [CaseReadsRepository, PartyVault, Clock, Cursors],
      useFactory: (reads: CaseReadsRepository, vault: PartyVault, clock: Clock, cursors: Cursors) =>
        new CaseQueries(reads, vault, clock, cursors),
    },
    {
      provide: ReferralQueries,
      inject: [ReferralReadsRepository, PartyVault, Clock, Cursors],
      useFactory: (reads: ReferralReadsRepository, vault: PartyVault, clock: Clock, cursors: Cursors) =>
        new ReferralQueries(reads, vault, clock, cursors),
    },
    {
      provide: WorkQueueQueries,
      inject: [Database, Clock, Cursors],
      useFactory: (db: Database, clock: Clock, cursors: Cursors) =>
        new WorkQueueQueries(new WorkQueueRepository(db), clock, cursors),
    },
  ],
  exports: [CaseQueries, ReferralQueries, PublicProgressQueries, WorkQueueQueries],
})
export class CasesModule {}
