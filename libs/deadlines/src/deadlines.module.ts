import { Module } from '@nestjs/common';
import { Clock } from '#clock';
import { MetricsModule } from '#metrics';
import { CalendarRepository, Cursors, Database, PoliciesRepository, UnitsRepository } from '#persistence';
import { CalendarCoverageGauge } from './calendar-metrics.js';
import { CalendarService } from './calendar.service.js';
import { DeadlineQueries } from './deadline-queries.js';
import { PoliciesService } from './policies.service.js';
import { ClockRecomputation } from './calendar-recompute.js';

@Module({
  imports: [MetricsModule],
  providers: [
    {
      provide: DeadlineQueries,
      inject: [Database, Clock, Cursors],
      useFactory: (db: Database, clock: Clock, cursors: Cursors) => new DeadlineQueries(db, clock, cursors),
    },
    {
      provide: CalendarService,
      inject: [Database, CalendarRepository, Clock],
      useFactory: (db: Database, calendar: CalendarRepository, clock: Clock) =>
        new CalendarService(db, calendar, clock),
    },
    {
      provide: PoliciesService,
      inject: [Database, PoliciesRepository, UnitsRepository, Clock],
      useFactory: (db: Database, policies: PoliciesRepository, units: UnitsRepository, clock: Clock) =>
        new PoliciesService(db, policies, units, clock),
    },
    {
      provide: ClockRecomputation,
      inject: [Database, Clock],
      useFactory: (db: Database, clock: Clock) => new ClockRecomputation(db, clock),
    },
    CalendarCoverageGauge,
  ],
  exports: [DeadlineQueries, CalendarService, PoliciesService, ClockRecomputation],
})
export class DeadlinesModule {}
