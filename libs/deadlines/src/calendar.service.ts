import { DomainError, type Principal } from '#domain';
import type { Clock } from '#clock';
import { writeOutbox } from '#outbox';
import {
  CalendarOverrideEntity,
  CalendarYearEntity,
  uuidv7,
  type CalendarChangeRow,
  type CalendarRepository,
  type Database,
  type Tx,
} from '#persistence';
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
import { calendarOf, loadCalendar, type CalendarRows } from './deadline-book.js';

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
const FORBIDDEN = 'The calendar applies to the whole deployment: only an admin of every unit may change it.';

const toChange = (r: CalendarChangeRow): CalendarChange => ({
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
    private readonly calendar: CalendarRepository,
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
    return (await this.calendar.overrides()).map(toStoredOverride);
  }

  /** Sets (or replaces) the override of one date. Setting what is already there changes nothing. */
  async set(date: string, kind: 'holiday' | 'workday', name: string, by: Principal): Promise<StoredOverride> {
    if (by.scope !== null) throw DomainError.forbidden(FORBIDDEN);
    return this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const rows = await this.lockAndRead();
      const previous = await this.override(date);
      if (previous && previous.kind === kind && previous.name === name) return previous;
      await this.calendar.putOverride(
        Object.assign(new CalendarOverrideEntity(), { day: date, kind, name, createdBy: by.id, createdAt: now }),
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
      const rows = await this.lockAndRead();
      const previous = await this.override(date);
      if (!previous) throw DomainError.notFound(`An override for ${date}`);
      await this.calendar.deleteOverride(date);
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
    const row = await this.calendar.yearView(year);
    const stored = row.year ? { ...row.year, recorded_at: new Date(row.year.recorded_at) } : undefined;
    const summary = summaryOf(year, stored);
    const schedule =
      stored ?? (summary.coverage === 'official' ? officialSchedule(year) : { holidays: [], workdays: [] });
    return {
      ...summary,
      holidays: [...schedule.holidays],
      workdays: [...schedule.workdays],
      overrides: row.overrides,
      changes: row.changes.map((c) => toChange({ ...c, recorded_at: new Date(c.recorded_at) })),
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
      const rows = await this.lockAndRead();
      const previous = await this.calendar.findYear(year);
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
      await this.calendar.putYear(
        Object.assign(new CalendarYearEntity(), {
          year,
          source: schedule.source,
          holidays: schedule.holidays,
          workdays: schedule.workdays,
          changeId: recorded.id,
          recordedBy: by.id,
          recordedAt: now,
        }),
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
    const rows = await this.calendar.importedYears();
    return new Map(
      rows.map((r) => [
        r.year,
        { year: r.year, source: r.source, recorded_by: r.recordedBy, recorded_at: r.recordedAt },
      ]),
    );
  }

  private async lockAndRead(): Promise<CalendarRows> {
    await this.calendar.lock();
    return (await this.calendar.readAll()) as CalendarRows;
  }

  private async override(date: string): Promise<StoredOverride | undefined> {
    const row = await this.calendar.findOverride(date);
    return row ? toStoredOverride(row) : undefined;
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
    const row = await this.calendar.insertChange({
      id,
      kind: change.kind,
      year: change.year,
      day: change.date,
      summary: change.summary,
      detail: change.detail,
      changedDates: changed,
      recorded_by: change.by.id,
      recorded_at: change.now,
    });
    if (changed.length) {
      await writeOutbox(
        tx,
        null,
        [{ queue: QueueName.Calendar, name: JobName.CalendarRecompute, payload: { calendarChangeId: id } }],
        change.now,
      );
    }
    return toChange(row);
  }
}

const toStoredOverride = (r: CalendarOverrideEntity): StoredOverride => ({
  date: r.day,
  kind: r.kind as StoredOverride['kind'],
  name: r.name,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
});

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
