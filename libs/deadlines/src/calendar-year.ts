import type { FieldError } from '#domain';
import { isWeekend, MAX_YEAR, MIN_YEAR, type WorkingCalendar } from './calendar.js';

/** A year's schedule as an admin records it: the notice it comes from, its holidays and its make-up working days. */
export interface YearSchedule {
  source: string;
  holidays: Array<{ date: string; name: string }>;
  workdays: Array<{ date: string; name: string }>;
}

// A State Council notice lists 25–35 rest days (weekends inside a holiday included) and 3–8 make-up days; the
// bounds leave room for an unusual year and refuse a list that cannot be one year's schedule.
export const MAX_YEAR_HOLIDAYS = 60;
export const MAX_YEAR_WORKDAYS = 20;
export const MAX_DAY_NAME = 100;
export const MAX_SOURCE = 200;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function realDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  if (!m) return false;
  const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return t.getUTCFullYear() === Number(m[1]) && t.getUTCMonth() === Number(m[2]) - 1 && t.getUTCDate() === Number(m[3]);
}

/** Whether `year` is one the calendar computes with. */
export const isSupportedYear = (year: number) => Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR;

/**
 * Everything wrong with a year's schedule, one error per field: every date real and inside the year, none
 * listed twice or in both lists, names of 1–100 characters, bounded counts, and make-up working days only on a
 * Saturday or Sunday (on a weekday one would change nothing, so it is a mistake in the input). Empty when valid.
 */
export function checkYearSchedule(year: number, schedule: YearSchedule): FieldError[] {
  // Every date would be "not in" a year that cannot be: say only what is wrong.
  if (!isSupportedYear(year)) return [{ field: 'year', message: `must be a year from ${MIN_YEAR} to ${MAX_YEAR}` }];
  const errors: FieldError[] = [];
  if (typeof schedule.source !== 'string' || !schedule.source.trim() || schedule.source.length > MAX_SOURCE) {
    errors.push({
      field: 'source',
      message: `must name the notice the schedule comes from, 1 to ${MAX_SOURCE} characters`,
    });
  }
  const seen = new Map<string, string>();
  const lists = [
    ['holidays', schedule.holidays, 1, MAX_YEAR_HOLIDAYS],
    ['workdays', schedule.workdays, 0, MAX_YEAR_WORKDAYS],
  ] as const;
  for (const [field, list, min, max] of lists) {
    if (!Array.isArray(list) || list.length < min || list.length > max) {
      errors.push({ field, message: `must list from ${min} to ${max} days` });
      continue;
    }
    list.forEach((day, i) => {
      const at = `${field}[${i}]`;
      if (!realDate(day?.date)) {
        errors.push({ field: `${at}.date`, message: 'must be a real date YYYY-MM-DD' });
      } else if (!day.date.startsWith(`${year}-`)) {
        errors.push({ field: `${at}.date`, message: `${day.date} is not in ${year}` });
      } else if (seen.has(day.date)) {
        const first = seen.get(day.date)!;
        errors.push({
          field: `${at}.date`,
          message: first.startsWith(field)
            ? `${day.date} is listed twice (also ${first})`
            : `${day.date} cannot be both a holiday and a working day (also ${first})`,
        });
      } else {
        seen.set(day.date, at);
        if (field === 'workdays' && !isWeekend(day.date)) {
          errors.push({
            field: `${at}.date`,
            message: `${day.date} is a weekday: a make-up working day (调休上班) falls on a Saturday or Sunday, and a weekday is a working day already`,
          });
        }
      }
      if (typeof day?.name !== 'string' || !day.name.trim() || day.name.length > MAX_DAY_NAME) {
        errors.push({ field: `${at}.name`, message: `must be 1 to ${MAX_DAY_NAME} characters` });
      }
    });
  }
  return errors;
}

/** The dates of [from, to] (China dates, both included) that are working days in one calendar and not in the other. */
export function changedDates(before: WorkingCalendar, after: WorkingCalendar, from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    if (before.day(date).workday !== after.day(date).workday) out.push(date);
  }
  return out;
}
