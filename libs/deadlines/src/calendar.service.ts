import type { Principal } from '../../auth/src/index.js';
import type { Clock } from '../../clock/src/index.js';
import { DomainError } from '../../domain/src/index.js';
import type { Database } from '../../persistence/src/index.js';
import type { DayInfo } from './calendar.js';
import { loadCalendar } from './deadline-book.js';

export interface StoredOverride {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
  createdBy: string;
  createdAt: string;
}

/**
 * The working-day calendar as this deployment sees it: the State Council's holidays and make-up days, with
 * the deployment's own overrides on top (a local holiday, a typhoon day). An override changes deadlines
 * computed after it; deadlines already set keep the derivation they were computed with.
 */
export class CalendarService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async days(from: string, to: string): Promise<{ days: DayInfo[]; coveredYears: number[] }> {
    if (to < from) throw DomainError.validation([{ field: 'to', message: 'must not be before from' }]);
    const calendar = await this.db.transaction((tx) => loadCalendar(tx));
    try {
      return { days: calendar.days(from, to), coveredYears: calendar.coveredYears() };
    } catch (error) {
      throw DomainError.validation([{ field: 'to', message: (error as Error).message }]);
    }
  }

  async overrides(): Promise<StoredOverride[]> {
    const rows = await this.db.query<{ date: string; kind: 'holiday' | 'workday'; name: string; created_by: string; created_at: Date }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS date, kind, name, created_by, created_at FROM calendar_overrides ORDER BY day`,
    );
    return rows.map((r) => ({ date: r.date, kind: r.kind, name: r.name, createdBy: r.created_by, createdAt: r.created_at.toISOString() }));
  }

  /** Sets (or replaces) the override of one date. */
  async set(date: string, kind: 'holiday' | 'workday', name: string, by: Principal): Promise<StoredOverride> {
    if (by.scope !== null) throw DomainError.forbidden('The calendar applies to the whole deployment: only an admin of every unit may change it.');
    const [row] = await this.db.query<{ created_at: Date }>(
      `INSERT INTO calendar_overrides (day, kind, name, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (day) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, created_by = EXCLUDED.created_by,
         created_at = EXCLUDED.created_at
       RETURNING created_at`,
      [date, kind, name, by.id, this.clock.now()],
    );
    return { date, kind, name, createdBy: by.id, createdAt: row!.created_at.toISOString() };
  }

  async remove(date: string, by: Principal): Promise<void> {
    if (by.scope !== null) throw DomainError.forbidden('The calendar applies to the whole deployment: only an admin of every unit may change it.');
    const rows = await this.db.query('DELETE FROM calendar_overrides WHERE day = $1 RETURNING day', [date]);
    if (!rows.length) throw DomainError.notFound(`An override for ${date}`);
  }
}
