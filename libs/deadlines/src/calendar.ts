// The State Council schedule is read from chinese-days' pre-built table, not through its functions: those
// (v1.5.7) build their table and read dates in the process's local time zone, so on a host west of UTC
// (e.g. a laptop set to America/New_York) they shift every holiday by a day. This file only does UTC
// arithmetic on China dates, so no answer depends on the host's TZ.
import official from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

/** Whether a China date is a working day, and what decided it. */
export interface DayInfo {
  date: string;
  workday: boolean;
  /** `makeup_workday`: a working day on a date that would otherwise be a rest day (调休上班). */
  kind: 'workday' | 'weekend' | 'holiday' | 'makeup_workday';
  /** The holiday's name (e.g. `春节`, also on its make-up working days), or the override's name. */
  name: string | null;
  source: 'override' | 'official' | 'weekday';
}

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
const MIN_YEAR = 1950;
const MAX_YEAR = 2199;

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

/**
 * The working-day calendar: deployment overrides > the official schedule (holidays and 调休 make-up
 * days) > the weekday rule (Saturday and Sunday rest). Dates are China dates, `YYYY-MM-DD`.
 */
export class WorkingCalendar {
  private readonly overrides = new Map<string, CalendarOverride>();

  constructor(overrides: readonly CalendarOverride[] = []) {
    for (const o of overrides) {
      parseDate(o.date);
      if (o.kind !== 'holiday' && o.kind !== 'workday') throw new Error(`Calendar override ${o.date}: kind must be 'holiday' or 'workday', got ${String(o.kind)}`);
      if (typeof o.name !== 'string' || !o.name.trim()) throw new Error(`Calendar override ${o.date}: a name is required`);
      // Two rows for one date would make the answer depend on their order.
      if (this.overrides.has(o.date)) throw new Error(`Calendar override ${o.date} is declared twice`);
      this.overrides.set(o.date, { date: o.date, kind: o.kind, name: o.name.trim() });
    }
  }

  /** Years with official data; dates in other years fall back to the weekday rule (and overrides). */
  coveredYears(): number[] {
    return officialYears();
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
    if (b - a + 1 > MAX_LISTED_DAYS) throw new Error(`days(): at most ${MAX_LISTED_DAYS} days may be listed, asked for ${b - a + 1}`);
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

  private info(dayNumber: number): DayInfo {
    const date = format(dayNumber);
    const base = officialOrWeekday(dayNumber, date);
    const o = this.overrides.get(date);
    if (!o) return base;
    const kind = o.kind === 'holiday' ? 'holiday' : base.workday ? 'workday' : 'makeup_workday';
    return { date, workday: o.kind === 'workday', kind, name: o.name, source: 'override' };
  }
}

function officialOrWeekday(dayNumber: number, date: string): DayInfo {
  // A make-up day is checked first, as chinese-days' own isWorkday does.
  const makeup = MAKEUP_WORKDAYS[date];
  if (makeup !== undefined) return { date, workday: true, kind: 'makeup_workday', name: holidayName(makeup), source: 'official' };
  const holiday = HOLIDAYS[date];
  if (holiday !== undefined) return { date, workday: false, kind: 'holiday', name: holidayName(holiday), source: 'official' };
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
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== dayOfMonth) throw new Error(`Invalid date ${date}: no such day`);
  checkYear(year, date);
  return t / DAY_MS;
}

function dayNumberOf(instant: Date): number {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) throw new Error(`Invalid instant: ${String(instant)}`);
  const dayNumber = Math.floor((instant.getTime() + OFFSET_MS) / DAY_MS);
  checkYear(new Date(dayNumber * DAY_MS).getUTCFullYear(), instant.toISOString());
  return dayNumber;
}

function toDayNumber(date: string | Date): number {
  return date instanceof Date ? dayNumberOf(date) : parseDate(date);
}

function checkYear(year: number, shown: string): void {
  if (year < MIN_YEAR || year > MAX_YEAR) throw new Error(`Date ${shown} is outside the supported years ${MIN_YEAR}–${MAX_YEAR}`);
}

function format(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

function endOfDay(dayNumber: number): Date {
  return new Date((dayNumber + 1) * DAY_MS - OFFSET_MS - 1);
}
