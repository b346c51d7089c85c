/** Countdowns to a due time, by the working-day calendar or by the clock. Pure: the page supplies the calendar. */

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The China date (UTC+8) of an instant: `2026-03-05`. */
export const chinaDate = (at: Date | string): string =>
  new Date(new Date(at).getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);

/**
 * An instant as the page shows it, in the reader's time zone: `2026/12/6 09:30:00`, or `—` for none. One formatter
 * serves every call: `toLocaleString` builds a new one each time, which a page of clocks and events paid for in
 * tens of milliseconds.
 */
const LOCAL_TIME = new Intl.DateTimeFormat('zh-CN', {
  hour12: false,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
export const when = (at: string | null | undefined): string => (at ? LOCAL_TIME.format(new Date(at)) : '—');

export type Urgency = 'overdue' | 'urgent' | 'soon' | 'ample';

export interface Countdown {
  urgency: Urgency;
  /** How much is left, in the clock's own unit. */
  amount: number;
  unit: 'working_days' | 'days' | 'hours';
}

/**
 * What is left until `dueAt`: working days after today up to the due date when the clock counts working days and
 * the calendar's days are known, calendar days otherwise, hours under a day.
 */
export function countdown(
  dueAt: string,
  now: Date,
  clockUnit: string | undefined,
  workdays: Map<string, boolean> | undefined,
): Countdown {
  const ms = new Date(dueAt).getTime() - now.getTime();
  if (ms <= 0) return { urgency: 'overdue', amount: 0, unit: 'hours' };
  const urgency = (days: number): Urgency => (days <= 1 ? 'urgent' : days <= 3 ? 'soon' : 'ample');
  if (ms < 86_400_000) return { urgency: 'urgent', amount: Math.max(1, Math.ceil(ms / 3_600_000)), unit: 'hours' };
  if (clockUnit === 'working_days' && workdays) {
    const today = chinaDate(now);
    const due = chinaDate(dueAt);
    let count = 0;
    let known = true;
    for (let d = nextDate(today); d <= due; d = nextDate(d)) {
      const workday = workdays.get(d);
      if (workday === undefined) known = false;
      if (workday) count += 1;
    }
    if (known) return { urgency: urgency(count), amount: count, unit: 'working_days' };
  }
  const days = Math.ceil(ms / 86_400_000);
  return { urgency: urgency(days), amount: days, unit: 'days' };
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
