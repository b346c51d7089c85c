import type { ClockUnit } from '#domain';
import {
  chinaDateOf,
  endOfChinaDay,
  MAX_PERIOD,
  uncoveredYearsBetween,
  type DayInfo,
  type WorkingCalendar,
} from './calendar.js';

export interface DeadlineRule {
  key: string;
  amount: number;
  unit: ClockUnit;
  /** 'default', 'policy:<id>', or 'referral' (the referral set its own reply time) */
  source: string;
  /** A due time the request itself set (a version-2 REFER's `dueAt`): the clock ends then; amount and unit are unused. */
  dueAt?: string;
}

/** Everything an auditor needs to re-derive a due time by hand; stored with the deadline. */
export interface Derivation {
  timeZone: 'Asia/Shanghai';
  /** ISO instant */
  startsAt: string;
  /** its date in UTC+8 */
  startDate: string;
  rule: DeadlineRule;
  /** ISO instant */
  dueAt: string;
  dueDate: string;
  /** working days: the rest days passed over; calendar days: the rest days the end rolled over */
  skipped: Array<{ date: string; kind: string; name: string | null; source: string }>;
  /** calendar days only: the nominal end date when it fell on a rest day */
  rolledOverFrom?: string;
  /** hours only: that the span is elapsed time, with no calendar (nothing skipped, no roll-over) */
  counting?: typeof ELAPSED_HOURS | typeof REQUESTED_DUE;
  /** years the computation touched that had no holiday schedule, official or imported, when it ran (weekends only) */
  uncoveredYears?: number[];
  extension?: { days: number; reason: string; previousDueAt: string };
  /** A repeatable extension's later ones, in order, each from the end the one before it set. */
  laterExtensions?: Array<{ days: number; reason: string; previousDueAt: string }>;
  /**
   * Set when the clock started at an instant an event stated rather than when the event was recorded: the event,
   * its payload field (whose value is `startsAt`), and when Concord recorded it.
   */
  startedFrom?: { event: string; field: string; recordedAt: string };
  /**
   * A pausable clock's stops, in order. `to` is null while the clock is stopped; once it runs again `days` (the
   * calendar days from the stop's date to the restart's, in UTC+8) were added to its end, which then rolled over
   * a rest day like any calendar-day period (`skipped` and `rolledOverFrom` describe the end after the last).
   */
  pauses?: Pause[];
  /**
   * Set when a calendar change moved the clock after it was armed: the change (a `calendar_changes` row), the
   * clock it superseded and that clock's due time.
   */
  recomputed?: { calendarChangeId: string; previousClockId: string; previousDueAt: string; reason: string };
}

export const ELAPSED_HOURS = 'elapsed hours: rest days count, and the end does not roll over';
export const REQUESTED_DUE = 'the due time the request set: no calendar, no roll-over';
const HOUR_MS = 3_600_000;

/** One stop of a pausable clock: from when, until when (null while it lasts), why, and the days it added. */
export interface Pause {
  /** ISO instant */
  from: string;
  /** ISO instant; null while the clock is stopped */
  to: string | null;
  reason: string;
  /** Calendar days added to the clock's end, set when it runs again (a clock in days). */
  days?: number;
  /** Hours added to the clock's end, the stop's exact length (a clock in hours). */
  hours?: number;
}

/** The due time of a deadline that starts at `startsAt`, with the derivation to store beside it. */
export function computeDue(
  calendar: WorkingCalendar,
  startsAt: Date,
  rule: DeadlineRule,
): { dueAt: Date; derivation: Derivation } {
  checkRule(rule);
  const startDate = chinaDateOf(startsAt);
  const base = { timeZone: 'Asia/Shanghai' as const, startsAt: startsAt.toISOString(), startDate, rule: { ...rule } };
  if (rule.dueAt !== undefined) return requested(base, rule.dueAt);
  if (rule.unit === 'hours') return elapsed(base, new Date(startsAt.getTime() + rule.amount * HOUR_MS));
  if (rule.unit === 'working_days') {
    const { due, skipped } = calendar.addWorkingDays(startsAt, rule.amount);
    return finish(calendar, base, due, skipped, undefined);
  }
  const { due, nominalDate, rolledOver } = calendar.addCalendarDays(startsAt, rule.amount);
  return finish(calendar, base, due, rolledOver, rolledOver.length ? nominalDate : undefined);
}

/**
 * One extension (EXTEND_DEADLINE): `days` calendar days added to the current due DATE, rolled over a rest
 * day like any calendar-day period. The result keeps the original start and rule; its `skipped` and
 * `rolledOverFrom` describe the extended end, and `extension.previousDueAt` links to the derivation it
 * replaces. A derivation holds one extension, so a second is refused rather than hiding the first, unless the
 * clock's extension is `repeatable`: then each later one is kept, in order, in `laterExtensions`.
 * How many days an extension may add is the machine's rule (its `extension.maxDays`), not checked here.
 */
export function extendDue(
  calendar: WorkingCalendar,
  current: Derivation,
  days: number,
  reason: string,
  options: { repeatable?: boolean } = {},
): { dueAt: Date; derivation: Derivation } {
  if (current.extension && !options.repeatable)
    throw new Error(`Deadline ${current.rule.key} was already extended once (${current.extension.reason})`);
  if (!Number.isInteger(days) || days < 1 || days > MAX_PERIOD) {
    throw new Error(`An extension must be a whole number of days from 1 to ${MAX_PERIOD}, got ${String(days)}`);
  }
  if (typeof reason !== 'string' || !reason.trim()) throw new Error('An extension needs a reason');
  checkRule(current.rule);
  const previousDue = new Date(current.dueAt);
  // The derivation comes back from storage: refuse one whose instant and date disagree rather than guess.
  if (Number.isNaN(previousDue.getTime()) || chinaDateOf(previousDue) !== current.dueDate) {
    throw new Error(
      `Derivation of ${current.rule.key} is inconsistent: dueAt ${current.dueAt} is not on ${current.dueDate}`,
    );
  }
  const base = {
    timeZone: 'Asia/Shanghai' as const,
    startsAt: current.startsAt,
    startDate: current.startDate,
    rule: { ...current.rule },
  };
  const added = { days, reason: reason.trim(), previousDueAt: current.dueAt };
  const record = (derivation: Derivation) => {
    if (!current.extension) derivation.extension = added;
    else {
      derivation.extension = current.extension;
      derivation.laterExtensions = [...(current.laterExtensions ?? []), added];
    }
  };
  if (current.rule.unit === 'hours') {
    const result = elapsed(base, new Date(previousDue.getTime() + days * 24 * HOUR_MS));
    record(result.derivation);
    return result;
  }
  const { due, nominalDate, rolledOver } = calendar.addCalendarDays(previousDue, days);
  const result = finish(calendar, base, due, rolledOver, rolledOver.length ? nominalDate : undefined);
  record(result.derivation);
  return result;
}

/**
 * The same clock on a calendar that has changed since it was armed: the same start and rule (a policy's, or a
 * referral's own limit), and the same extension and pauses if it had them, counted again. The result names the change;
 * an earlier recomputation is replaced by this one (the previous clock's derivation keeps it).
 */
export function recomputeDue(
  calendar: WorkingCalendar,
  current: Derivation,
  change: { calendarChangeId: string; previousClockId: string; reason: string },
): { dueAt: Date; derivation: Derivation } {
  const startsAt = new Date(current.startsAt);
  if (Number.isNaN(startsAt.getTime()) || chinaDateOf(startsAt) !== current.startDate) {
    throw new Error(
      `Derivation of ${current.rule?.key} is inconsistent: startsAt ${current.startsAt} is not on ${current.startDate}`,
    );
  }
  let result = computeDue(calendar, startsAt, current.rule);
  for (const extension of [...(current.extension ? [current.extension] : []), ...(current.laterExtensions ?? [])])
    result = extendDue(calendar, result.derivation, extension.days, extension.reason, { repeatable: true });
  for (const pause of current.pauses ?? []) result = shiftByPause(calendar, result.derivation, pause);
  result.derivation.recomputed = { ...change, previousDueAt: current.dueAt };
  return result;
}

/** A pausable clock stops at `at`: the derivation records the stop; the due time is unknown until it runs again. */
export function pauseDerivation(current: Derivation, at: Date, reason: string): Derivation {
  const open = current.pauses?.at(-1);
  if (open && open.to === null) throw new Error(`Deadline ${current.rule.key} is already paused (since ${open.from})`);
  if (typeof reason !== 'string' || !reason.trim()) throw new Error('A pause needs a reason');
  return { ...current, pauses: [...(current.pauses ?? []), { from: instantOf(at), to: null, reason: reason.trim() }] };
}

/**
 * A paused clock runs again at `at`. The time it stood still is not counted (信访工作条例 art. 36 ¶2 for a hearing):
 * its end moves by the calendar days from the stop's date to this one's, from the nominal end (before any
 * roll-over), and then rolls over a rest day like any calendar-day period (民法典 art. 203). A clock stopped and
 * restarted on one date keeps its end.
 */
export function resumeDue(
  calendar: WorkingCalendar,
  current: Derivation,
  at: Date,
): { dueAt: Date; derivation: Derivation } {
  const pauses = current.pauses ?? [];
  const open = pauses.at(-1);
  if (!open || open.to !== null) throw new Error(`Deadline ${current.rule.key} is not paused`);
  const days = daysBetween(chinaDateOf(new Date(open.from)), chinaDateOf(at));
  const ms = at.getTime() - Date.parse(open.from);
  if (ms < 0) throw new Error(`Deadline ${current.rule.key} cannot run again before it stopped (${open.from})`);
  const closed: Pause =
    current.rule.unit === 'hours'
      ? { ...open, to: instantOf(at), hours: ms / HOUR_MS }
      : { ...open, to: instantOf(at), days };
  return shiftByPause(calendar, { ...current, pauses: pauses.slice(0, -1) }, closed);
}

/** Adds one finished pause to a derivation: its days past the nominal end, then the roll-over. */
function shiftByPause(
  calendar: WorkingCalendar,
  current: Derivation,
  pause: Pause,
): { dueAt: Date; derivation: Derivation } {
  if (pause.to === null) throw new Error(`Deadline ${current.rule.key}: a pause is open`);
  if (current.rule.unit === 'hours') {
    const { timeZone, startsAt, startDate, rule } = current;
    const result = elapsed(
      { timeZone, startsAt, startDate, rule },
      new Date(Date.parse(current.dueAt) + (pause.hours ?? 0) * HOUR_MS),
    );
    result.derivation = { ...current, ...result.derivation, pauses: [...(current.pauses ?? []), pause] };
    return result;
  }
  if (pause.days === undefined) throw new Error(`Deadline ${current.rule.key}: a pause has no days`);
  const nominalEnd = current.rolledOverFrom ?? current.dueDate;
  const { due, nominalDate, rolledOver } = calendar.addCalendarDays(endOfChinaDay(nominalEnd), pause.days);
  // The end is described afresh; everything else (the start, the rule, an extension) stays as it was.
  const kept: Partial<Derivation> = { ...current };
  for (const field of ['dueAt', 'dueDate', 'skipped', 'rolledOverFrom', 'uncoveredYears'] as const) delete kept[field];
  const { timeZone, startsAt, startDate, rule } = current;
  const base = { timeZone, startsAt, startDate, rule };
  const result = finish(calendar, base, due, rolledOver, rolledOver.length ? nominalDate : undefined);
  result.derivation = { ...kept, ...result.derivation, pauses: [...(current.pauses ?? []), pause] };
  return result;
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

function instantOf(at: Date): string {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new Error(`Invalid instant: ${String(at)}`);
  return at.toISOString();
}

/**
 * The instants of warnings at the given fractions of the span start → due (e.g. [0.5, 0.8]), rounded down
 * to the second. Fractions must be whole percents from 1 to 99: the percent is stored as an integer and
 * turned back into a fraction when a deadline is extended, so anything finer would silently change.
 */
export function warningTimes(startsAt: Date, dueAt: Date, fractions: number[]): Array<{ percent: number; at: Date }> {
  const start = instant(startsAt, 'startsAt');
  const span = instant(dueAt, 'dueAt') - start;
  if (span <= 0)
    throw new Error(`Warnings need dueAt after startsAt (${startsAt.toISOString()} → ${dueAt.toISOString()})`);
  return fractions.map((fraction) => {
    const percent = Math.round(fraction * 100);
    if (!Number.isFinite(fraction) || Math.abs(fraction * 100 - percent) > 1e-9 || percent < 1 || percent > 99) {
      throw new Error(`A warning fraction must be a whole percent between 0.01 and 0.99, got ${String(fraction)}`);
    }
    // Integer arithmetic: 0.58 * span in floating point can land a millisecond short of the true instant.
    const at = start + Math.floor((span * percent) / 100);
    return { percent, at: new Date(Math.floor(at / 1000) * 1000) };
  });
}

function finish(
  calendar: WorkingCalendar,
  base: Pick<Derivation, 'timeZone' | 'startsAt' | 'startDate' | 'rule'>,
  due: Date,
  skipped: DayInfo[],
  rolledOverFrom: string | undefined,
): { dueAt: Date; derivation: Derivation } {
  const dueDate = chinaDateOf(due);
  const derivation: Derivation = {
    ...base,
    dueAt: due.toISOString(),
    dueDate,
    skipped: skipped.map(({ date, kind, name, source }) => ({ date, kind, name, source })),
  };
  if (rolledOverFrom !== undefined) derivation.rolledOverFrom = rolledOverFrom;
  const uncovered = uncoveredYearsBetween(base.startDate, dueDate, calendar.coveredYears());
  if (uncovered.length) derivation.uncoveredYears = uncovered;
  return { dueAt: due, derivation };
}

function requested(
  base: Pick<Derivation, 'timeZone' | 'startsAt' | 'startDate' | 'rule'>,
  dueAt: string,
): { dueAt: Date; derivation: Derivation } {
  const due = new Date(dueAt);
  return {
    dueAt: due,
    derivation: { ...base, dueAt: due.toISOString(), dueDate: chinaDateOf(due), skipped: [], counting: REQUESTED_DUE },
  };
}

/** A span of elapsed time: no calendar, nothing skipped, no roll-over, and the derivation says so. */
function elapsed(
  base: Pick<Derivation, 'timeZone' | 'startsAt' | 'startDate' | 'rule'>,
  due: Date,
): { dueAt: Date; derivation: Derivation } {
  return {
    dueAt: due,
    derivation: { ...base, dueAt: due.toISOString(), dueDate: chinaDateOf(due), skipped: [], counting: ELAPSED_HOURS },
  };
}

function checkRule(rule: DeadlineRule): void {
  if (!rule || typeof rule.key !== 'string' || !rule.key) throw new Error('A deadline rule needs a key');
  if (rule.unit !== 'working_days' && rule.unit !== 'calendar_days' && rule.unit !== 'hours') {
    throw new Error(
      `Deadline rule ${rule.key}: unit must be working_days, calendar_days or hours, got ${String(rule.unit)}`,
    );
  }
  if (rule.dueAt !== undefined) {
    if (Number.isNaN(Date.parse(rule.dueAt))) throw new Error(`Deadline rule ${rule.key}: dueAt is not an instant`);
    return;
  }
  // The calendar checks an amount of days; an amount of hours is checked here, to the same bounds.
  if (rule.unit === 'hours' && (!Number.isInteger(rule.amount) || rule.amount < 1 || rule.amount > MAX_PERIOD)) {
    throw new Error(`Deadline rule ${rule.key}: hours must be a whole number from 1 to ${MAX_PERIOD}`);
  }
  if (typeof rule.source !== 'string' || !/^(default|referral|policy:.+)$/.test(rule.source)) {
    throw new Error(
      `Deadline rule ${rule.key}: source must be 'default', 'referral' or 'policy:<id>', got ${String(rule.source)}`,
    );
  }
  // The amount is checked by the calendar (an integer from 0 to MAX_PERIOD).
}

function instant(d: Date, what: string): number {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new Error(`Invalid ${what}: ${String(d)}`);
  return d.getTime();
}
