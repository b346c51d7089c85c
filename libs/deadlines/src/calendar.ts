// The State Council schedule is read from chinese-days' pre-built table, not through its functions: those
// (v1.5.7) build their table and read dates in the process's local time zone, so on a host west of UTC
// (e.g. a laptop set to America/New_York) they shift every holiday by a day. This file only does UTC
// arithmetic on China dates, so no answer depends on the host's TZ.
import official from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import officialPackage from 'chinese-days/package.json' with { type: 'json' };

/** Whether a China date is a working day, and what decided it. */
export interface DayInfo {
  date: string;
  workday: boolean;
  /** `makeup_workday`: a working day on a date that would otherwise be a rest day (调休上班). */
  kind: 'workday' | 'weekend' | 'holiday' | 'makeup_workday';
  /** The holiday's name (e.g. `春节`, also on its make-up working days), or the override's name. */
  name: string | null;
  /** `imported`: from a year's schedule an admin recorded (`PUT /calendar/years/:year`). */
  source: 'override' | 'imported' | 'official' | 'weekday';
}

/**
 * One year's State Council schedule, recorded by an admin because the shipped data does not have it (or has
 * it wrong): its holidays and its make-up working days (调休上班). It replaces the official data of that year.
 */
export interface ImportedYear {
  year: number;
  holidays: ReadonlyArray<{ date: string; name: string }>;
  workdays: ReadonlyArray<{ date: string; name: string }>;
}

/** Where a year's holidays come from: chinese-days, a recorded import, or nowhere (weekends only). */
export type YearCoverage = 'official' | 'imported' | 'missing';

/** A per-deployment correction to the official schedule (e.g. a local flood day); it beats everything. */
export interface CalendarOverride {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
}

export interface WorkingDaysResult {
  due: Date;
  /** The n counted working days, in order. */
  workingDays: string[];
  /** Rest days passed over between the start date and the due date. */
  skipped: DayInfo[];
}

export interface CalendarDaysResult {
  due: Date;
  /** Start date + n, before any roll-over. */
  nominalDate: string;
  /** The rest days the end rolled over (民法典 art. 203), empty if none. */
  rolledOver: DayInfo[];
}

/** China Standard Time: UTC+08:00 all year (no DST since 1991), so a fixed offset is exact. */
const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
export const MAX_PERIOD = 3650;
export const MAX_LISTED_DAYS = 400;
// Far enough for any real case; refuses typos such as 0202 or 20266 early with a clear message.
export const MIN_YEAR = 1950;
export const MAX_YEAR = 2199;

/** Where the official schedule comes from, as a year's `source` shows it. */
export const OFFICIAL_SOURCE = `chinese-days ${officialPackage.version}`;

const HOLIDAYS: Readonly<Record<string, string>> = official.holidays;
const MAKEUP_WORKDAYS: Readonly<Record<string, string>> = official.workdays;
const COVERED_YEARS: readonly number[] = [...new Set(Object.keys(HOLIDAYS).map((d) => Number(d.slice(0, 4))))].sort(
  (a, b) => a - b,
);

/** The China date (UTC+8) of an instant. */
export function chinaDateOf(instant: Date): string {
  return format(dayNumberOf(instant));
}

/** The last millisecond of a China date: 23:59:59.999+08:00. */
export function endOfChinaDay(date: string): Date {
  return endOfDay(parseDate(date));
}

/** Years for which chinese-days carries the State Council schedule. */
export function officialYears(): number[] {
  return [...COVERED_YEARS];
}

/** Whether a China date is a Saturday or a Sunday. */
export function isWeekend(date: string): boolean {
  const weekday = new Date(parseDate(date) * DAY_MS).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** The China year (UTC+8) of an instant. */
export function chinaYearOf(instant: Date): number {
  return Number(chinaDateOf(instant).slice(0, 4));
}

/** A year's coverage, given the years imported into this deployment: an import wins over the shipped data. */
export function coverageOf(year: number, imported: Iterable<number>): YearCoverage {
  if ([...imported].includes(year)) return 'imported';
  return COVERED_YEARS.includes(year) ? 'official' : 'missing';
}

/** The years from the start date's to the due date's (both included) that no schedule covers. */
export function uncoveredYearsBetween(fromDate: string, toDate: string, covered: Iterable<number>): number[] {
  const known = new Set(covered);
  const years: number[] = [];
  for (let y = Number(fromDate.slice(0, 4)); y <= Number(toDate.slice(0, 4)); y++) if (!known.has(y)) years.push(y);
  return years;
}

/** The official schedule chinese-days ships for one year, names in Chinese. */
export function officialSchedule(year: number): Omit<ImportedYear, 'year'> {
  const of = (table: Readonly<Record<string, string>>) =>
    Object.entries(table)
      .filter(([date]) => date.startsWith(`${year}-`))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([date, raw]) => ({ date, name: holidayName(raw) }));
  return { holidays: of(HOLIDAYS), workdays: of(MAKEUP_WORKDAYS) };
}

/**
 * The working-day calendar: deployment overrides > a year's imported schedule > the official schedule
 * (holidays and 调休 make-up days, as chinese-days ships it) > the weekday rule (Saturday and Sunday rest).
 * Dates are China dates, `YYYY-MM-DD`. It holds no I/O: overrides and imported years come in as data.
 */
export class WorkingCalendar {
  private readonly overrides = new Map<string, CalendarOverride>();
  private readonly importedYears = new Set<number>();
  /** The imported days, by date: a holiday (rest) or a make-up working day. */
  private readonly imported = new Map<string, { workday: boolean; name: string }>();

  constructor(overrides: readonly CalendarOverride[] = [], years: readonly ImportedYear[] = []) {
    for (const y of years) this.addYear(y);
    for (const o of overrides) {
      parseDate(o.date);
      if (o.kind !== 'holiday' && o.kind !== 'workday')
        throw new Error(`Calendar override ${o.date}: kind must be 'holiday' or 'workday', got ${String(o.kind)}`);
      if (typeof o.name !== 'string' || !o.name.trim())
        throw new Error(`Calendar override ${o.date}: a name is required`);
      // Two rows for one date would make the answer depend on their order.
      if (this.overrides.has(o.date)) throw new Error(`Calendar override ${o.date} is declared twice`);
      this.overrides.set(o.date, { date: o.date, kind: o.kind, name: o.name.trim() });
    }
  }

  /** Years with a schedule, official or imported; dates in other years fall back to the weekday rule (and overrides). */
  coveredYears(): number[] {
    return [...new Set([...COVERED_YEARS, ...this.importedYears])].sort((a, b) => a - b);
  }

  /** Where the given year's holidays come from. */
  coverage(year: number): YearCoverage {
    return coverageOf(year, this.importedYears);
  }

  /** One date (`YYYY-MM-DD`, or an instant: its China date). */
  day(date: string | Date): DayInfo {
    return this.info(toDayNumber(date));
  }

  /** Every date from `from` to `to`, both included; at most 400 days. */
  days(from: string | Date, to: string | Date): DayInfo[] {
    const a = toDayNumber(from);
    const b = toDayNumber(to);
    if (b < a) throw new Error(`days(): ${format(a)} is after ${format(b)}`);
    if (b - a + 1 > MAX_LISTED_DAYS)
      throw new Error(`days(): at most ${MAX_LISTED_DAYS} days may be listed, asked for ${b - a + 1}`);
    const out: DayInfo[] = [];
    for (let d = a; d <= b; d++) out.push(this.info(d));
    return out;
  }

  /**
   * The period of n working days from `start`: the start date itself is not counted (期间开始的日不计算在内);
   * it ends at the end of the n-th working day after it. n = 0 means "by the end of today if today is a
   * working day, else by the end of the next working day"; then a rest start date is itself in `skipped`.
   */
  addWorkingDays(start: Date, n: number): WorkingDaysResult {
    checkCount(n, 'working days');
    let d = dayNumberOf(start);
    const workingDays: string[] = [];
    const skipped: DayInfo[] = [];
    if (n === 0) {
      for (let info = this.info(d); !info.workday; info = this.info(++d)) skipped.push(info);
      return { due: endOfDay(d), workingDays, skipped };
    }
    while (workingDays.length < n) {
      const info = this.info(++d);
      if (info.workday) workingDays.push(info.date);
      else skipped.push(info);
    }
    return { due: endOfDay(d), workingDays, skipped };
  }

  /**
   * The period of n calendar days from `start`: it ends with start date + n; when that date is a rest day
   * (a holiday, or a weekend not made a working day) it ends with the next working day (民法典 art. 203).
   */
  addCalendarDays(start: Date, n: number): CalendarDaysResult {
    checkCount(n, 'calendar days');
    const nominal = dayNumberOf(start) + n;
    const rolledOver: DayInfo[] = [];
    let d = nominal;
    for (let info = this.info(d); !info.workday; info = this.info(++d)) rolledOver.push(info);
    return { due: endOfDay(d), nominalDate: format(nominal), rolledOver };
  }

  /** The number of working days d with date(from) < d ≤ date(to); 0 when `to` is not after `from`. */
  workingDaysBetween(from: Date, to: Date): number {
    const a = dayNumberOf(from);
    const b = dayNumberOf(to);
    let count = 0;
    for (let d = a + 1; d <= b; d++) if (this.info(d).workday) count++;
    return count;
  }

  private addYear(y: ImportedYear): void {
    if (!Number.isInteger(y.year)) throw new Error(`Imported calendar year ${String(y.year)} is not a year`);
    checkYear(y.year, String(y.year));
    if (this.importedYears.has(y.year)) throw new Error(`Calendar year ${y.year} is imported twice`);
    this.importedYears.add(y.year);
    for (const [list, workday] of [
      [y.holidays, false],
      [y.workdays, true],
    ] as const) {
      for (const d of list) {
        parseDate(d.date);
        if (!d.date.startsWith(`${y.year}-`)) throw new Error(`Calendar year ${y.year}: ${d.date} is not in that year`);
        if (typeof d.name !== 'string' || !d.name.trim())
          throw new Error(`Calendar year ${y.year}, ${d.date}: a name is required`);
        if (this.imported.has(d.date)) throw new Error(`Calendar year ${y.year}: ${d.date} is listed twice`);
        this.imported.set(d.date, { workday, name: d.name.trim() });
      }
    }
  }

  private info(dayNumber: number): DayInfo {
    const date = format(dayNumber);
    const base = this.importedYears.has(Number(date.slice(0, 4)))
      ? this.importedOrWeekday(dayNumber, date)
      : officialOrWeekday(dayNumber, date);
    const o = this.overrides.get(date);
    if (!o) return base;
    const kind = o.kind === 'holiday' ? 'holiday' : base.workday ? 'workday' : 'makeup_workday';
    return { date, workday: o.kind === 'workday', kind, name: o.name, source: 'override' };
  }

  /** An imported year replaces the official data of that year whole: a date it does not list follows the weekday rule. */
  private importedOrWeekday(dayNumber: number, date: string): DayInfo {
    const listed = this.imported.get(date);
    if (!listed) return weekdayRule(dayNumber, date);
    return listed.workday
      ? { date, workday: true, kind: 'makeup_workday', name: listed.name, source: 'imported' }
      : { date, workday: false, kind: 'holiday', name: listed.name, source: 'imported' };
  }
}

function officialOrWeekday(dayNumber: number, date: string): DayInfo {
  // A make-up day is checked first, as chinese-days' own isWorkday does.
  const makeup = MAKEUP_WORKDAYS[date];
  if (makeup !== undefined)
    return { date, workday: true, kind: 'makeup_workday', name: holidayName(makeup), source: 'official' };
  const holiday = HOLIDAYS[date];
  if (holiday !== undefined)
    return { date, workday: false, kind: 'holiday', name: holidayName(holiday), source: 'official' };
  return weekdayRule(dayNumber, date);
}

function weekdayRule(dayNumber: number, date: string): DayInfo {
  const weekday = new Date(dayNumber * DAY_MS).getUTCDay();
  const weekend = weekday === 0 || weekday === 6;
  return { date, workday: !weekend, kind: weekend ? 'weekend' : 'workday', name: null, source: 'weekday' };
}

/** chinese-days names a holiday `English,中文,days` (e.g. `Spring Festival,春节,4`); keep the Chinese. */
function holidayName(raw: string): string {
  const parts = raw.split(',');
  return (parts[1] ?? parts[0]).trim();
}

function checkCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n > MAX_PERIOD) {
    throw new Error(`The number of ${what} must be an integer from 0 to ${MAX_PERIOD}, got ${String(n)}`);
  }
}

/** Days since 1970-01-01 of a China date. */
function parseDate(date: string): number {
  const m = typeof date === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
  if (!m) throw new Error(`Invalid date ${JSON.stringify(date)}: expected YYYY-MM-DD`);
  const [year, month, dayOfMonth] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(year, month - 1, dayOfMonth);
  const back = new Date(t);
  // Date.UTC quietly turns 2026-02-30 into 2026-03-02; a legal date must exist as written.
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== dayOfMonth)
    throw new Error(`Invalid date ${date}: no such day`);
  checkYear(year, date);
  return t / DAY_MS;
}

function dayNumberOf(instant: Date): number {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime()))
    throw new Error(`Invalid instant: ${String(instant)}`);
  const dayNumber = Math.floor((instant.getTime() + OFFSET_MS) / DAY_MS);
  checkYear(new Date(dayNumber * DAY_MS).getUTCFullYear(), instant.toISOString());
  return dayNumber;
}

function toDayNumber(date: string | Date): number {
  return date instanceof Date ? dayNumberOf(date) : parseDate(date);
}

function checkYear(year: number, shown: string): void {
  if (year < MIN_YEAR || year > MAX_YEAR)
    throw new Error(`Date ${shown} is outside the supported years ${MIN_YEAR}–${MAX_YEAR}`);
}

function format(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

function endOfDay(dayNumber: number): Date {
  return new Date((dayNumber + 1) * DAY_MS - OFFSET_MS - 1);
}
