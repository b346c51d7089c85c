import { Module } from '@nestjs/common';
import { Clock } from '#clock';
import { PartiesModule, PartyVault } from '#parties';
import { Cursors, Database } from '#persistence';
import { AccessLog } from './access-log.js';
import { Anchors } from './anchors.js';
import { AuditEvents } from './audit-events.js';
import { ChainVerifier } from './chain-verifier.js';
import { PointInTime } from './point-in-time.js';
import { PartyUnmasking } from './unmask.js';

@Module({
  imports: [PartiesModule],
  providers: [
    {
      provide: AccessLog,
      inject: [Database, Clock],
      useFactory: (db: Database, clock: Clock) => new AccessLog(db, clock),
    },
    { provide: Anchors, inject: [Database, Clock], useFactory: (db: Database, clock: Clock) => new Anchors(db, clock) },
    { provide: ChainVerifier, inject: [Database], useFactory: (db: Database) => new ChainVerifier(db) },
    { provide: PointInTime, inject: [Database], useFactory: (db: Database) => new PointInTime(db) },
    {
      provide: AuditEvents,
      inject: [Database, Cursors],
      useFactory: (db: Database, cursors: Cursors) => new AuditEvents(db, cursors),
    },
    {
      provide: PartyUnmasking,
      inject: [Database, PartyVault, AccessLog, Clock],
      useFactory: (db: Database, vault: PartyVault, log: AccessLog, clock: Clock) =>
        new PartyUnmasking(db, vault, log, clock),
    },
  ],
  exports: [AccessLog, Anchors, ChainVerifier, PointInTime, AuditEvents, PartyUnmasking],
})
export class AuditModule {}
