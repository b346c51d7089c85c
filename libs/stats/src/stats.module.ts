import { Module } from '@nestjs/common';
import { Clock } from '#clock';
import { Database, UnitsRepository } from '#persistence';
import { KpiRepository } from './kpis.repository.js';
import { KpiQueries } from './kpis.js';
import { SeriesQueries } from './series.js';

@Module({
  providers: [
    { provide: KpiRepository, inject: [Database], useFactory: (db: Database) => new KpiRepository(db) },
    {
      provide: KpiQueries,
      inject: [KpiRepository, UnitsRepository, Clock],
      useFactory: (kpis: KpiRepository, units: UnitsRepository, clock: Clock) => new KpiQueries(kpis, units, clock),
    },
    {
      provide: SeriesQueries,
      inject: [KpiRepository, UnitsRepository, Clock],
      useFactory: (kpis: KpiRepository, units: UnitsRepository, clock: Clock) => new SeriesQueries(kpis, units, clock),
    },
  ],
  exports: [KpiQueries, SeriesQueries],
})
export class StatsModule {}
