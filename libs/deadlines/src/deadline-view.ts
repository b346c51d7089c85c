import { chinaDateOf, officialYears, uncoveredYearsBetween } from './calendar.js';
import { STATUTORY_LIMITS } from './policy.js';

/** How a clock stands: still running or stopped, fired (breached), or ended (met, lapsed, cancelled, superseded). */
export const CLOCK_STATUSES = ['pending', 'paused', 'breached', 'met', 'lapsed', 'cancelled', 'superseded'] as const;
export type ClockStatus = (typeof CLOCK_STATUSES)[number];
/** A warning's: as its clock's, but `sent` where the clock's would be `breached`. */
export const WARNING_STATUSES = ['pending', 'paused', 'sent', 'met', 'lapsed', 'cancelled', 'superseded'] as const;
export type WarningStatus = (typeof WARNING_STATUSES)[number];

/** A deadline row as `json_agg` hands it back. */
export interface DeadlineJsonRow {
  id: string;
  key: string;
  kind: 'due' | 'warning';
  percent: number | null;
  clock_id: string;
  state: string;
  starts_at: string;
  due_at: string;
  status: 'pending' | 'paused' | 'fired' | 'met' | 'lapsed' | 'cancelled' | 'superseded';
  derivation: Record<string, unknown>;
  fired_at: string | null;
  ended_at: string | null;
}

/** A clock as a case answer lists it: when it is due, whether it breached, its warnings, and why it falls when it does. */
export interface DeadlineView {
  id: string;
  key: string;
  /** The state that armed it. */
  state: string;
  startsAt: string;
  dueAt: string;
  /**
   * `met`: its state was left before it came due; `lapsed`: left after its due time, before the breach fired;
   * `cancelled`: the case was withdrawn or merged, or the referral cancelled; `paused`: stopped by the machine (its
   * due time moves when it runs again). Clocks ended before `met` existed read `cancelled` either way.
   */
  status: ClockStatus;
  /** Still belongs to the case's current state (not left, not superseded); a paused clock is open. */
  open: boolean;
  overdue: boolean;
  breachedAt: string | null;
  warnings: Array<{
    percent: number;
    at: string;
    status: WarningStatus;
    sentAt: string | null;
  }>;
  /**
   * The years the running clock's span (start date to due date) reaches that no holiday schedule covers now,
   * official or imported: there it counts only weekends as rest days, so its due time may be wrong. Read from
   * the calendar as it is now (the derivation keeps what it was when the clock was computed); empty once the
   * year is imported, and for a clock that has ended.
   */
  uncoveredYears: number[];
  /**
   * The statute and article that set this clock's limit (the ceiling a policy may shorten, never lengthen), or null
   * where no statute sets one and the limit is Concord's default or a deployment's policy (STATUTORY_LIMITS).
   */
  statute: (typeof STATUTORY_LIMITS)[string] | null;
}

const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

/** A select-list item: the years imported into this deployment, as a JSON array. */
export const IMPORTED_YEARS_COLUMN = `(SELECT coalesce(json_agg(year ORDER BY year), '[]') FROM calendar_years) AS imported_years`;

/** The years a schedule covers, given those imported into this deployment. */
export const coveredYearsWith = (imported: readonly number[]): number[] => [...officialYears(), ...imported];

/** The years from `startsAt`'s China date to `dueAt`'s that `covered` lacks. */
export const uncoveredSpan = (startsAt: Date | string, dueAt: Date | string, covered: readonly number[]): number[] =>
  uncoveredYearsBetween(chinaDateOf(new Date(startsAt)), chinaDateOf(new Date(dueAt)), covered);

/** `covered`: the years with a holiday schedule now (coveredYearsWith the imported ones). */
export function toDeadlineViews(rows: DeadlineJsonRow[], now: Date, covered: readonly number[]): DeadlineView[] {
  const clocks = rows.filter((r) => r.kind === 'due');
  return clocks.map((clock) => ({
    id: clock.id,
    key: clock.key,
    state: clock.state,
    startsAt: iso(clock.starts_at)!,
    dueAt: iso(clock.due_at)!,
    status: clock.status === 'fired' ? 'breached' : clock.status,
    open: clock.ended_at === null,
    overdue: clock.status === 'pending' && clock.ended_at === null && new Date(clock.due_at).getTime() < now.getTime(),
    breachedAt: iso(clock.fired_at),
    warnings: rows
      .filter((r) => r.kind === 'warning' && r.clock_id === clock.id)
      .map((w) => ({
        percent: w.percent!,
        at: iso(w.due_at)!,
        status: w.status === 'fired' ? 'sent' : w.status,
        sentAt: iso(w.fired_at),
      })),
    derivation: clock.derivation,
    uncoveredYears: clock.ended_at === null ? uncoveredSpan(clock.starts_at, clock.due_at, covered) : [],
    statute: STATUTORY_LIMITS[clock.key] ?? null,
  }));
}
