/**
 * The one rule for dates and instants that reach Concord from outside: request bodies, query strings, paths and
 * event payloads. `Date` and PostgreSQL each accept shapes the other does not (`20260302`, `2026-W10-1` and year
 * 0000 pass ISO 8601 checks yet give `Invalid Date` or a PostgreSQL range error), so the rule is written here
 * once, strictly, and every edge uses it.
 *
 * The years allowed are those the working-day calendar supports (`libs/deadlines/src/calendar.ts`: 1950–2199),
 * counted in China time as the calendar counts days: an instant Concord accepts can always be placed on the
 * calendar, stored by PostgreSQL and read back by `Date` unchanged.
 */

export const FIRST_YEAR = 1950;
export const LAST_YEAR = 2199;

const HOUR_MS = 3_600_000;
/** China Standard Time, UTC+8 all year: the calendar's days. */
const CHINA_OFFSET_MS = 8 * HOUR_MS;
/** 1950-01-01T00:00:00+08:00 and 2200-01-01T00:00:00+08:00: the instants the range runs from and up to. */
const EARLIEST = Date.UTC(FIRST_YEAR, 0, 1) - CHINA_OFFSET_MS;
const END = Date.UTC(LAST_YEAR + 1, 0, 1) - CHINA_OFFSET_MS;
/** The offsets in use anywhere: UTC−12:00 to UTC+14:00. */
const OFFSET_MINUTES = { min: -12 * 60, max: 14 * 60 };

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const INSTANT_FORMAT = 'an ISO 8601 date-time with an offset, e.g. 2026-03-02T09:00:00+08:00';
export const DATE_FORMAT = 'a date YYYY-MM-DD';
const RANGE = `from ${FIRST_YEAR}-01-01 to ${LAST_YEAR}-12-31 (China time)`;

/** Days since 1970-01-01 of a calendar date, or null when the date does not exist (2023-02-29, 2026-13-01). */
function dayNumber(year: number, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1) return null;
  const t = Date.UTC(year, month - 1, day);
  const back = new Date(t);
  // Date.UTC quietly carries 2026-02-30 into March; a date must exist as written.
  return back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day
    ? t / 86_400_000
    : null;
}

/**
 * Why `value` is not an instant Concord accepts, or null when it is one: an ISO 8601 date-time with a `Z` or
 * `±hh:mm` offset, whose date and time exist (no 2023-02-29, no 24:00), and whose moment falls in the
 * calendar's years, in China time.
 */
export function instantProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `must be ${INSTANT_FORMAT}`;
  const m = INSTANT.exec(value);
  if (!m) return `must be ${INSTANT_FORMAT}`;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Years far outside the range are refused before any arithmetic: Date.UTC reads 0–99 as 1900–1999.
  if (year < FIRST_YEAR - 1 || year > LAST_YEAR + 1) return `must be an instant ${RANGE}`;
  const days = dayNumber(year, month, day);
  if (days === null || hour > 23 || minute > 59 || second > 59) return 'must be a date and time that exist';
  const offsetMinutes = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  if (Number(m[11]) > 59 || offsetMinutes < OFFSET_MINUTES.min || offsetMinutes > OFFSET_MINUTES.max)
    return 'must have an offset from -12:00 to +14:00';
  const at = days * 86_400_000 + (hour * 60 + minute - offsetMinutes) * 60_000 + second * 1000;
  if (at < EARLIEST || at >= END) return `must be an instant ${RANGE}`;
  return null;
}

/** Why `value` is not a date Concord accepts, or null: `YYYY-MM-DD`, a date that exists, in the calendar's years. */
export function dateProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `must be ${DATE_FORMAT}`;
  const m = DATE.exec(value);
  if (!m) return `must be ${DATE_FORMAT}`;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < FIRST_YEAR || year > LAST_YEAR) return `must be a date ${RANGE.replace(' (China time)', '')}`;
  if (dayNumber(year, month, day) === null) return 'must be a date that exists';
  return null;
}

export const isInstant = (value: unknown): value is string => instantProblem(value) === null;
export const isCalendarDate = (value: unknown): value is string => dateProblem(value) === null;

/** The `Date` of an instant that passed {@link instantProblem}; anything else is a programming error. */
export function toInstant(value: string): Date {
  const problem = instantProblem(value);
  if (problem) throw new Error(`not an accepted instant (${problem})`);
  return new Date(value);
}

/** 00:00 China time on a date that passed {@link dateProblem}: the start of that calendar day. */
export function startOfChinaDay(date: string): Date {
  const problem = dateProblem(date);
  if (problem) throw new Error(`not an accepted date (${problem})`);
  return new Date(`${date}T00:00:00+08:00`);
}
