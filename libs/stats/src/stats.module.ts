import { Module } from '@nestjs/common';
import { Clock } from '#clock';
import { Database, UnitsRepository } from '#persistence';
import { KpiRepository } from './kpis.repository.js';
import { KpiQueries } from './kpis.js';

@Module({
  providers: [
    { provide: KpiRepository, inject: [Database], useFactory: (db: Database) => new KpiRepository(db) },
    {
      provide: KpiQueries,
      inject: [KpiRepository, UnitsRepository, Clock],
      useFactory: (kpis: KpiRepository, units: UnitsRepository, clock: Clock) => new KpiQueries(kpis, units, clock),
    },
  ],
  exports: [KpiQueries],
})
export class StatsModule {}
