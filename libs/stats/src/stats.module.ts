import { Module } from '@nestjs/common';
import { Clock } from '#clock';
import { Database } from '#persistence';
import { KpiQueries } from './kpis.js';

@Module({
  providers: [
    {
      provide: KpiQueries,
      inject: [Database, Clock],
      useFactory: (db: Database, clock: Clock) => new KpiQueries(db, clock),
    },
  ],
  exports: [KpiQueries],
})
export class StatsModule {}
