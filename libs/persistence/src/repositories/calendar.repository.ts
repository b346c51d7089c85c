import type { Database } from '../database.js';
import { CalendarOverrideEntity } from '../entities/calendar-override.entity.js';
import { CalendarYearEntity } from '../entities/calendar-year.entity.js';

/** Any 64-bit number unique to the calendar: changes to it take turns under this transaction lock. */
const CALENDAR_LOCK = 7_262_616_301;

/** A recorded calendar change, its dates as `YYYY-MM-DD` (the changed ones in order). */
export interface CalendarChangeRow {
  id: string;
  kind: 'year_imported' | 'year_replaced' | 'override_set' | 'override_removed';
  year: number;
  day: string | null;
  summary: string;
  detail: Record<string, unknown>;
  changed_dates: string[];
  recorded_by: string;
  recorded_at: Date;
}

/** One year as the calendar page shows it: its imported schedule, the overrides inside it, its changes. */
export interface CalendarYearRow {
  year: {
    year: number;
    source: string;
    holidays: Array<{ date: string; name: string }>;
    workdays: Array<{ date: string; name: string }>;
    recorded_by: string;
    recorded_at: string;
  } | null;
  overrides: Array<{ date: string; kind: 'holiday' | 'workday'; name: string }>;
  changes: Array<Omit<CalendarChangeRow, 'recorded_at'> & { recorded_at: string }>;
}

const CHANGE_COLUMNS = `id, kind, year, to_char(day, 'YYYY-MM-DD') AS day, summary, detail,
  ARRAY(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(changed_dates) AS d ORDER BY d) AS changed_dates, recorded_by, recorded_at`;

/** The deployment's working-day calendar: overrides, imported years, and the record of changes. */
export class CalendarRepository {
  constructor(private readonly db: Database) {}

  /** Holds the calendar's lock until the transaction ends. */
  async lock(): Promise<void> {
    await this.db.query('SELECT pg_advisory_xact_lock($1)', [CALENDAR_LOCK]);
  }

  overrides(): Promise<CalendarOverrideEntity[]> {
    return this.db.orm((m) => m.find(CalendarOverrideEntity, { order: { day: 'ASC' } }));
  }

  findOverride(day: string): Promise<CalendarOverrideEntity | null> {
    return this.db.orm((m) => m.findOneBy(CalendarOverrideEntity, { day }));
  }

  async putOverride(override: CalendarOverrideEntity): Promise<void> {
    await this.db.orm((m) =>
      m
        .createQueryBuilder()
        .insert()
        .into(CalendarOverrideEntity)
        .values(override)
        .orUpdate(['kind', 'name', 'created_by', 'created_at'], ['day'])
        .execute(),
    );
  }

  async deleteOverride(day: string): Promise<void> {
    await this.db.orm((m) => m.delete(CalendarOverrideEntity, { day }));
  }

  /** The imported years, in order, without their schedules. */
  importedYears(): Promise<Array<Pick<CalendarYearEntity, 'year' | 'source' | 'recordedBy' | 'recordedAt'>>> {
    return this.db.orm((m) =>
      m.find(CalendarYearEntity, {
        select: { year: true, source: true, recordedBy: true, recordedAt: true },
        order: { year: 'ASC' },
      }),
    );
  }

  /** Every override (by date) and every imported year's schedule (by year): what the working calendar is built from. */
  async readAll(): Promise<{
    overrides: Array<{ date: string; kind: string; name: string }>;
    years: Array<Pick<CalendarYearEntity, 'year' | 'holidays' | 'workdays'>>;
  }> {
    const overrides = await this.overrides();
    const years = await this.db.orm((m) =>
      m.find(CalendarYearEntity, { select: { year: true, holidays: true, workdays: true }, order: { year: 'ASC' } }),
    );
    return {
      overrides: overrides.map((o) => ({ date: o.day, kind: o.kind, name: o.name })),
      years: years.map((y) => ({ year: y.year, holidays: y.holidays, workdays: y.workdays })),
    };
  }

  findYear(year: number): Promise<CalendarYearEntity | null> {
    return this.db.orm((m) => m.findOneBy(CalendarYearEntity, { year }));
  }

  async putYear(year: CalendarYearEntity): Promise<void> {
    await this.db.orm((m) =>
      m
        .createQueryBuilder()
        .insert()
        .into(CalendarYearEntity)
        .values(year)
        .orUpdate(['source', 'holidays', 'workdays', 'change_id', 'recorded_by', 'recorded_at'], ['year'])
        .execute(),
    );
  }

  /** One year's imported schedule, overrides and changes (in the order they were recorded), in one round trip. */
  async yearView(year: number): Promise<CalendarYearRow> {
    const [row] = await this.db.query<CalendarYearRow>(
      `SELECT
         (SELECT row_to_json(y) FROM (SELECT year, source, holidays, workdays, recorded_by, recorded_at FROM calendar_years WHERE year = $1) y) AS year,
         (SELECT coalesce(json_agg(json_build_object('date', to_char(day, 'YYYY-MM-DD'), 'kind', kind, 'name', name) ORDER BY day), '[]')
            FROM calendar_overrides WHERE day BETWEEN make_date($1, 1, 1) AND make_date($1, 12, 31)) AS overrides,
         (SELECT coalesce(json_agg(c ORDER BY c.recorded_at, c.id), '[]') FROM (SELECT ${CHANGE_COLUMNS} FROM calendar_changes WHERE year = $1) c) AS changes`,
      [year],
    );
    return row!;
  }

  /** Appends a change to the (append-only) record; the change as stored. */
  async insertChange(
    change: Omit<CalendarChangeRow, 'changed_dates'> & { changedDates: string[] },
  ): Promise<CalendarChangeRow> {
    const [row] = await this.db.query<CalendarChangeRow>(
      `INSERT INTO calendar_changes (id, kind, year, day, summary, detail, changed_dates, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::date[], $8, $9) RETURNING ${CHANGE_COLUMNS}`,
      [
        change.id,
        change.kind,
        change.year,
        change.day,
        change.summary,
        JSON.stringify(change.detail),
        change.changedDates,
        change.recorded_by,
        change.recorded_at,
      ],
    );
    return row!;
  }
}
