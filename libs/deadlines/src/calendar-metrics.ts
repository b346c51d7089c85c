import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { Metrics } from '#metrics';
import { CalendarService } from './calendar.service.js';

/**
 * `concord_calendar_year_covered{year}`: 1 while the China year has a holiday schedule (shipped or imported), 0
 * while its working days count only weekends as rest days; for the current and the next year, read at each
 * scrape. Alert on 0 for the current year at once, and for the next year once its schedule is usually out
 * (the State Council publishes it in November or December).
 */
@Injectable()
export class CalendarCoverageGauge implements OnModuleInit {
  private readonly logger = new Logger(CalendarCoverageGauge.name);

  constructor(
    private readonly metrics: Metrics,
    private readonly calendar: CalendarService,
  ) {}

  onModuleInit(): void {
    const { calendar, logger } = this;
    new Gauge({
      name: 'concord_calendar_year_covered',
      help: '1 when the China year has a holiday schedule (official or imported), 0 when only weekends rest; current and next year',
      labelNames: ['year'],
      registers: [this.metrics.registry],
      async collect() {
        this.reset();
        try {
          for (const { year, coverage } of (await calendar.watch()).years)
            this.set({ year: String(year) }, coverage === 'missing' ? 0 : 1);
        } catch (error) {
          // PostgreSQL is down: the series is absent from this scrape (health says why), the rest still answers.
          logger.warn(`calendar coverage not read: ${(error as Error).message}`);
        }
      },
    });
  }
}
