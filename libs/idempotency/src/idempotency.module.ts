import { Module } from '@nestjs/common';
import { Clock } from '#clock';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { PartiesModule, PiiCipher } from '#parties';
import { Database } from '#persistence';
import { IdempotencyRecords } from './idempotency-records.js';

/** The records of requests made with an `Idempotency-Key`: the API replays them, the worker purges them. */
@Module({
  imports: [PartiesModule],
  providers: [
    {
      provide: IdempotencyRecords,
      inject: [Database, PiiCipher, Clock, CONCORD_CONFIG],
      useFactory: (db: Database, cipher: PiiCipher, clock: Clock, config: ConcordConfig) =>
        new IdempotencyRecords(db, cipher, clock, config.idempotencyTtlHours),
    },
  ],
  exports: [IdempotencyRecords],
})
export class IdempotencyModule {}
