import { DomainError, type Principal } from '#domain';
import type { Clock } from '#clock';
import { writeOutbox } from '#outbox';
import { uuidv7, type Database, type Tx } from '#persistence';
import { JobName, QueueName } from '#queues';
import {
  chinaYearOf,
  coverageOf,
  officialSchedule,
  officialYears,
  OFFICIAL_SOURCE,
  type DayInfo,
  type ImportedYear,
  type YearCoverage,
} from './calendar.js';
import { changedDates, checkYearSchedule, type YearSchedule } from './calendar-year.js';
import { calendarOf, CALENDAR_COLUMNS, loadCalendar, type CalendarRows } from './deadline-book.js';

export interface StoredOverride {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
  createdBy: string;
  createdAt: string;
}

/** A year as GET /calendar/years lists it. */
export interface YearSummary {
  year: number;
  coverage: YearCoverage;
  /** The notice an imported year was recorded from, or the shipped data's name; null when missing. */
  source: string | null;
  recordedBy: string | null;
  recordedAt: string | null;
}

/** One change to the working-day calendar, as `calendar_changes` records it. */
export interface CalendarChange {
  id: string;
  kind: 'year_imported' | 'year_replaced' | 'override_set' | 'override_removed';
  year: number;
  date: string | null;
  summary: string;
  detail: Record<string, unknown>;
  /** The dates whose working status changed: pending clocks whose span touches them are recomputed. */
  changedDates: string[];
  recordedBy: string;
  recordedAt: string;
}

export interface YearView extends YearSummary {
  holidays: Array<{ date: string; name: string }>;
  workdays: Array<{ date: string; name: string }>;
  /** This deployment's overrides in the year: they win over the schedule above. */
  overrides: Array<{ date: string; kind: 'holiday' | 'workday'; name: string }>;
  /** Every recorded change of the year, oldest first. */
  changes: CalendarChange[];
}

/** Whether the current and the next China year have a schedule, and what to say while one has not. */
export interface CoverageWatch {
  years: Array<{ year: number; coverage: YearCoverage }>;
  warnings: string[];
}

/** The first year GET /calendar/years lists: the first the shipped data covers. */
const FIRST_LISTED_YEAR = 2004;
// Every change to the calendar takes this transaction-scoped advisory lock, so two changes never compute what
// they changed from the same "before" (a pair of PUTs for one year, an override set while a year is imported).
const CALENDAR_LOCK = 7_262_616_301;

const FORBIDDEN = 'The calendar applies to the whole deployment: only an admin of every unit may change it.';

interface ChangeRow {
  id: string;
  kind: CalendarChange['kind'];
  year: number;
  day: string | null;
  summary: string;
  detail: Record<string, unknown>;
  changed_dates: string[];
  recorded_by: string;
  recorded_at: Date;
}

const CHANGE_COLUMNS = `id, kind, year, to_char(day, 'YYYY-MM-DD') AS day, summary, detail,
  ARRAY(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(changed_dates) AS d ORDER BY d) AS changed_dates, recorded_by, recorded_at`;

const toChange = (r: ChangeRow): CalendarChange => ({
  id: r.id,
  kind: r.kind,
  year: r.year,
  date: r.day,
  summary: r.summary,
  detail: r.detail,
  changedDates: r.changed_dates,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at.toISOString(),
});

/**
 * The working-day calendar as this deployment sees it: the State Council's holidays and make-up days as
 * shipped, a year's schedule an admin imported (for a year the shipped data lacks), and the deployment's own
 * overrides on top (a local holiday, a typhoon day). Every change is recorded in `calendar_changes`, and when it
 * changes whether some date is a working day, it queues the recomputation of the pending clocks it moves, in
 * the same transaction.
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
    const rows = await this.db.query<{
      date: string;
      kind: 'holiday' | 'workday';
      name: string;
      created_by: string;
      created_at: Date;
    }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS date, kind, name, created_by, created_at FROM calendar_overrides ORDER BY day`,
    );
    return rows.map((r) => ({
      date: r.date,
      kind: r.kind,
      name: r.name,
      createdBy: r.created_by,
      createdAt: r.created_at.toISOString(),
    }));
  }

  /** Sets (or replaces) the override of one date. Setting what is already there changes nothing. */
  async set(date: string, kind: 'holiday' | 'workday', name: string, by: Principal): Promise<StoredOverride> {
    if (by.scope !== null) throw DomainError.forbidden(FORBIDDEN);
    return this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const rows = await this.lockAndRead(tx);
      const previous = await this.override(tx, date);
      if (previous && previous.kind === kind && previous.name === name) return previous;
      await tx.query(
        `INSERT INTO calendar_overrides (day, kind, name, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (day) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, created_by = EXCLUDED.created_by,
           created_at = EXCLUDED.created_at`,
        [date, kind, name, by.id, now],
      );
      const after = { ...rows, overrides: [...rows.overrides.filter((o) => o.date !== date), { date, kind, name }] };
      const was = previous ? ` (was ${previous.kind} ${previous.name})` : '';
      await this.record(tx, rows, after, {
        kind: 'override_set',
        year: Number(date.slice(0, 4)),
        date,
        summary: `override of ${date} set: ${kind} ${name}${was}`,
        detail: { before: previous ? { kind: previous.kind, name: previous.name } : null, after: { kind, name } },
        by,
        now,
      });
      return { date, kind, name, createdBy: by.id, createdAt: now.toISOString() };
    });
  }

  async remove(date: string, by: Principal): Promise<void> {
    if (by.scope !== null) throw DomainError.forbidden(FORBIDDEN);
    await this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const rows = await this.lockAndRead(tx);
      const previous = await this.override(tx, date);
      if (!previous) throw DomainError.notFound(`An override for ${date}`);
      await tx.query('DELETE FROM calendar_overrides WHERE day = $1', [date]);
      const after = { ...rows, overrides: rows.overrides.filter((o) => o.date !== date) };
      await this.record(tx, rows, after, {
        kind: 'override_removed',
        year: Number(date.slice(0, 4)),
        date,
        summary: `override of ${date} removed (was ${previous.kind} ${previous.name})`,
        detail: { before: { kind: previous.kind, name: previous.name }, after: null },
        by,
        now,
      });
    });
  }

  /** Every year from 2004 to the next China year (and any later one with a schedule), with its coverage. */
  async years(): Promise<{ currentYear: number; years: YearSummary[]; warnings: string[] }> {
    const imported = await this.importedYears();
    const current = chinaYearOf(this.clock.now());
    const last = Math.max(current + 1, ...officialYears(), ...imported.keys());
    const years: YearSummary[] = [];
    for (let year = FIRST_LISTED_YEAR; year <= last; year++) years.push(summaryOf(year, imported.get(year)));
    return { currentYear: current, years, warnings: watchOf(current, imported.keys()).warnings };
  }

  /** One year: its schedule as Concord uses it, the overrides inside it, and every recorded change. */
  async year(year: number): Promise<YearView> {
    const [row] = await this.db.query<{
      year: (YearRow & Omit<ImportedYear, 'year'>) | null;
      overrides: YearView['overrides'];
      changes: Array<Omit<ChangeRow, 'recorded_at'> & { recorded_at: string }>;
    }>(
      `SELECT
         (SELECT row_to_json(y) FROM (SELECT year, source, holidays, workdays, recorded_by, recorded_at FROM calendar_years WHERE year = $1) y) AS year,
         (SELECT coalesce(json_agg(json_build_object('date', to_char(day, 'YYYY-MM-DD'), 'kind', kind, 'name', name) ORDER BY day), '[]')
            FROM calendar_overrides WHERE day BETWEEN make_date($1, 1, 1) AND make_date($1, 12, 31)) AS overrides,
         (SELECT coalesce(json_agg(c ORDER BY c.recorded_at, c.id), '[]') FROM (SELECT ${CHANGE_COLUMNS} FROM calendar_changes WHERE year = $1) c) AS changes`,
      [year],
    );
    const stored = row!.year ? { ...row!.year, recorded_at: new Date(row!.year.recorded_at) } : undefined;
    const summary = summaryOf(year, stored);
    const schedule =
      stored ?? (summary.coverage === 'official' ? officialSchedule(year) : { holidays: [], workdays: [] });
    return {
      ...summary,
      holidays: [...schedule.holidays],
      workdays: [...schedule.workdays],
      overrides: row!.overrides,
      changes: row!.changes.map((c) => toChange({ ...c, recorded_at: new Date(c.recorded_at) })),
    };
  }

  /**
   * Records a year's schedule (a first import, or a replacement). Putting the schedule that is already there
   * changes nothing and records nothing. Answers the year as GET shows it, with the change this made (if any).
   */
  async importYear(
    year: number,
    input: YearSchedule,
    by: Principal,
  ): Promise<YearView & { change: CalendarChange | null }> {
    if (by.scope !== null) throw DomainError.forbidden(FORBIDDEN);
    const errors = checkYearSchedule(year, input);
    if (errors.length) throw DomainError.validation(errors, `The ${year} schedule is invalid.`);
    const schedule = normalize(input);
    const change = await this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const rows = await this.lockAndRead(tx);
      const [previous] = await tx.query<{ source: string }>('SELECT source FROM calendar_years WHERE year = $1', [
        year,
      ]);
      const before = rows.years.find((y) => y.year === year);
      if (previous && before && previous.source === schedule.source && sameDays(before, schedule)) return null;
      const imported: ImportedYear = { year, holidays: schedule.holidays, workdays: schedule.workdays };
      const after = { ...rows, years: [...rows.years.filter((y) => y.year !== year), imported] };
      const recorded = await this.record(tx, rows, after, {
        kind: previous ? 'year_replaced' : 'year_imported',
        year,
        date: null,
        summary: `${year} schedule ${previous ? 'replaced' : 'imported'} (${schedule.source})`,
        detail: {
          before:
            previous && before
              ? { source: previous.source, holidays: before.holidays, workdays: before.workdays }
              : null,
          after: schedule,
        },
        by,
        now,
      });
      await tx.query(
        `INSERT INTO calendar_years (year, source, holidays, workdays, change_id, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (year) DO UPDATE SET source = EXCLUDED.source, holidays = EXCLUDED.holidays, workdays = EXCLUDED.workdays,
           change_id = EXCLUDED.change_id, recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at`,
        [
          year,
          schedule.source,
          JSON.stringify(schedule.holidays),
          JSON.stringify(schedule.workdays),
          recorded.id,
          by.id,
          now,
        ],
      );
      return recorded;
    });
    return { ...(await this.year(year)), change };
  }

  /** The current and the next China year's coverage, with a warning for each one missing. */
  async watch(): Promise<CoverageWatch> {
    return watchOf(chinaYearOf(this.clock.now()), (await this.importedYears()).keys());
  }

  /** The years imported into this deployment (they and the shipped ones are covered). */
  async importedYears(): Promise<Map<number, YearRow>> {
    const rows = await this.db.query<YearRow>(
      'SELECT year, source, recorded_by, recorded_at FROM calendar_years ORDER BY year',
    );
    return new Map(rows.map((r) => [r.year, r]));
  }

  private async lockAndRead(tx: Tx): Promise<CalendarRows> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [CALENDAR_LOCK]);
    const [rows] = await tx.query<CalendarRows>(`SELECT ${CALENDAR_COLUMNS}`);
    return rows!;
  }

  private async override(tx: Tx, date: string): Promise<StoredOverride | undefined> {
    const [row] = await tx.query<{ kind: 'holiday' | 'workday'; name: string; created_by: string; created_at: Date }>(
      'SELECT kind, name, created_by, created_at FROM calendar_overrides WHERE day = $1',
      [date],
    );
    return (
      row && {
        date,
        kind: row.kind,
        name: row.name,
        createdBy: row.created_by,
        createdAt: row.created_at.toISOString(),
      }
    );
  }

  /**
   * Appends the change to `calendar_changes` and, when some date's working status changed, queues the
   * recomputation of the clocks it moves: both commit with the change itself, or neither does.
   */
  private async record(
    tx: Tx,
    before: CalendarRows,
    after: CalendarRows,
    change: Pick<CalendarChange, 'kind' | 'year' | 'date' | 'summary' | 'detail'> & { by: Principal; now: Date },
  ): Promise<CalendarChange> {
    const [from, to] = change.date ? [change.date, change.date] : [`${change.year}-01-01`, `${change.year}-12-31`];
    const changed = changedDates(calendarOf(before), calendarOf(after), from, to);
    const id = uuidv7(change.now.getTime());
    const [row] = await tx.query<ChangeRow>(
      `INSERT INTO calendar_changes (id, kind, year, day, summary, detail, changed_dates, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::date[], $8, $9) RETURNING ${CHANGE_COLUMNS}`,
      [
        id,
        change.kind,
        change.year,
        change.date,
        change.summary,
        JSON.stringify(change.detail),
        changed,
        change.by.id,
        change.now,
      ],
    );
    if (changed.length) {
      await writeOutbox(
        tx,
        null,
        [{ queue: QueueName.Calendar, name: JobName.CalendarRecompute, payload: { calendarChangeId: id } }],
        change.now,
      );
    }
    return toChange(row!);
  }
}

interface YearRow {
  year: number;
  source: string;
  recorded_by: string;
  recorded_at: Date;
}

function summaryOf(year: number, imported: YearRow | undefined): YearSummary {
  const coverage = coverageOf(year, imported ? [year] : []);
  return {
    year,
    coverage,
    source: imported?.source ?? (coverage === 'official' ? OFFICIAL_SOURCE : null),
    recordedBy: imported?.recorded_by ?? null,
    recordedAt: imported ? new Date(imported.recorded_at).toISOString() : null,
  };
}

function watchOf(current: number, imported: Iterable<number>): CoverageWatch {
  const importedYears = [...imported];
  const years = [current, current + 1].map((year) => ({ year, coverage: coverageOf(year, importedYears) }));
  const warnings = years
    .filter((y) => y.coverage === 'missing')
    .map(
      (y) =>
        `No holiday schedule for ${y.year}: its working days count only weekends as rest days. ` +
        `Import the State Council's ${y.year} schedule with PUT /api/v1/calendar/years/${y.year}.`,
    );
  return { years, warnings };
}

function normalize(input: YearSchedule): YearSchedule {
  const days = (list: YearSchedule['holidays']) =>
    list.map((d) => ({ date: d.date, name: d.name.trim() })).sort((a, b) => a.date.localeCompare(b.date));
  return { source: input.source.trim(), holidays: days(input.holidays), workdays: days(input.workdays) };
}

const sameDays = (a: Omit<ImportedYear, 'year'>, b: Omit<ImportedYear, 'year'>) =>
  JSON.stringify([a.holidays, a.workdays]) === JSON.stringify([b.holidays, b.workdays]);
