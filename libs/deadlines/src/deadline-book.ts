import { DomainError, type DeadlineSpec } from '#domain';
import type { OutboxMessage } from '#outbox';
import { uuidv7, type Tx } from '#persistence';
import { JobName, QueueName } from '#queues';
import { WorkingCalendar, type CalendarOverride, type ImportedYear } from './calendar.js';
import { POLICY_SETTINGS, REPLY_CEILING } from './policy.js';
import {
  computeDue,
  extendDue,
  pauseDerivation,
  resumeDue,
  warningTimes,
  type DeadlineRule,
  type Derivation,
} from './due-date.js';

/** The clocks a state configuration declares, by key, with the state node that declares each. */
export type DeclaredClocks = Map<string, { spec: DeadlineSpec; nodeId: string }>;

export interface ClockChange {
  caseId: string;
  category: string | null;
  /** The owning unit after the transition: its policies set the new clocks. */
  unitCode: string;
  before: DeclaredClocks;
  after: DeclaredClocks;
  /** Keys whose declaring state was exited and entered again: their clocks start afresh. */
  restarted: ReadonlySet<string>;
  /** The deadline row this event fired, if a deadline fired it. */
  firedRowId?: string;
  /**
   * Clocks that start at an instant the event stated (their spec's `startsFrom`), by key, already checked by the
   * engine; the others start `now`.
   */
  starts?: ReadonlyMap<string, ClockStart>;
  /** EXTEND_DEADLINE's payload. */
  extension?: { days: number; reason: string };
  /** The machine stops or restarts pausable clocks (`clock.pause`, `clock.resume` effects), for `reason`. */
  pauses?: { effects: Array<{ kind: 'clock.pause' | 'clock.resume'; key: string }>; reason: string };
  now: Date;
  /** The clocks are a referral's: its rows carry its id and state. */
  referral?: { id: string; state: string };
  /**
   * The transition abandons the subject (a case withdrawn or merged, a referral cancelled): the clocks it ends are
   * cancelled rather than met.
   */
  cancelling?: boolean;
  /** Due times a referral's REFER set (`dueAt`), by key; they win over everything else. */
  dueAts?: ReadonlyMap<string, Date>;
  /** Limits a referral sets for itself (`dueInWorkingDays`), by key; they win over policies. */
  amounts?: ReadonlyMap<string, { amount: number; unit: DeadlineSpec['unit'] }>;
}

/** Where a clock starts when an event states it: the instant, the event and its payload field. */
export interface ClockStart {
  at: Date;
  event: string;
  field: string;
}

export interface DeadlineRow {
  id: string;
  clockId: string;
  key: string;
  kind: 'due' | 'warning';
  percent: number | null;
  startsAt: Date;
  dueAt: Date;
  derivation: unknown;
  /** The referral whose clock this is; absent for the case's own. */
  referralId?: string;
  /** The state that armed it, when it is not the case's (a referral's). */
  state?: string;
}

/** What a transition does to the case's deadlines; the engine writes it with the rest of the transition. */
export interface DeadlinePlan {
  /** Marked fired. */
  firedRowId: string | null;
  /** Clocks of these keys end: pending rows are met, or lapsed when their time had passed unfired. */
  endedKeys: string[];
  /** The ended clocks are cancelled instead (withdrawal, merge, a cancelled referral). */
  cancelled: boolean;
  /** An extended or restarted clock: its pending (or paused) rows are superseded, and all of it ends. */
  supersededClockId: string | null;
  /** A clock that stops: its pending rows are paused, and its due row's derivation records the stop. */
  paused: { clockId: string; derivation: Derivation } | null;
  /** New rows: the clocks started, with their warnings. */
  rows: DeadlineRow[];
  /** Their jobs, keyed by deadline id and delayed until due. */
  messages: OutboxMessage[];
}

export const NO_DEADLINE_CHANGE: DeadlinePlan = {
  firedRowId: null,
  endedKeys: [],
  cancelled: false,
  supersededClockId: null,
  paused: null,
  rows: [],
  messages: [],
};

/** What a deadline's job carries: enough to fire it without reading the row first. */
export type DeadlineJob = {
  deadlineId: string;
  caseId: string;
  clockId: string;
  key: string;
  kind: 'due' | 'warning';
  percent: number | null;
  dueAt: string;
  /** Set when the clock is a referral's: the event goes to the referral. */
  referralId?: string | null;
};

/**
 * Keeps a case's `deadlines` rows in step with its state: entering a state that declares a clock arms it (one
 * row for the due time, one per warning, each with a delayed job); leaving the state ends it (pending rows are
 * met, or cancelled when the case is withdrawn or merged); an extension supersedes the clock with a later one. It plans; the engine writes the plan in the
 * transition's own statement. At most one read: the calendar (overrides and imported years) and the policies, only
 * when a clock starts.
 */
export class DeadlineBook {
  async plan(tx: Tx, change: ClockChange): Promise<DeadlinePlan> {
    const endedKeys = [...change.before.keys()].filter((key) => !change.after.has(key) || change.restarted.has(key));
    const started = [...change.after.values()].filter(
      ({ spec }) => !change.before.has(spec.key) || change.restarted.has(spec.key),
    );
    const extendable = change.extension ? [...change.after.values()].find((c) => c.spec.extension) : undefined;
    const plan: DeadlinePlan = {
      ...NO_DEADLINE_CHANGE,
      firedRowId: change.firedRowId ?? null,
      endedKeys,
      cancelled: change.cancelling ?? false,
      rows: [],
      messages: [],
    };
    const pauses = change.pauses?.effects ?? [];
    if (!started.length && !extendable && !pauses.length) return plan;

    const { calendar, policies } = await this.readRules(
      tx,
      change,
      started.map((c) => c.spec.key),
    );
    for (const { spec } of started) {
      const policy = policies.get(spec.key);
      const own = change.amounts?.get(spec.key);
      const fixed = change.dueAts?.get(spec.key);
      const rule: DeadlineRule = fixed
        ? { key: spec.key, amount: spec.amount, unit: spec.unit, source: 'referral', dueAt: fixed.toISOString() }
        : own
          ? { key: spec.key, amount: own.amount, unit: own.unit, source: 'referral' }
          : policy
            ? { key: spec.key, amount: policy.amount, unit: policy.unit, source: `policy:${policy.id}` }
            : { key: spec.key, amount: spec.amount, unit: spec.unit, source: 'default' };
      const start = change.starts?.get(spec.key);
      const startsAt = start?.at ?? change.now;
      const { dueAt, derivation } = computeDue(calendar, startsAt, rule);
      if (start)
        derivation.startedFrom = { event: start.event, field: start.field, recordedAt: change.now.toISOString() };
      // A due time set by the request may already have passed when the clock starts: it is due at once, unwarned.
      const warnAt = dueAt > startsAt ? spec.warnAt : [];
      plan.rows.push(...clockRows(subjectOf(change, spec.key), startsAt, dueAt, derivation, warnAt));
    }
    if (extendable) {
      const extended = await this.extend(tx, change, calendar, extendable.spec);
      if (extended) {
        plan.supersededClockId = extended.clockId;
        plan.rows.push(...extended.rows);
      }
    }
    for (const effect of pauses) {
      const declared = change.after.get(effect.key);
      // The machine's own guards keep a stop and its restart in order; anything else is a defect of the machine.
      if (!declared?.spec.pausable)
        throw new Error(`${effect.kind}: no pausable clock ${effect.key} is declared after the transition`);
      const rows = await this.openClock(tx, change, effect.key);
      const clock = rows.find((r) => r.kind === 'due');
      // A hearing held after the time ran out stops nothing: the breach stands, and so does its record.
      if (clock?.status === 'fired') continue;
      if (effect.kind === 'clock.pause') {
        if (clock?.status !== 'pending') throw new Error(`clock.pause: clock ${effect.key} is not running`);
        plan.paused = {
          clockId: clock.id,
          derivation: pauseDerivation(clock.derivation, change.now, change.pauses!.reason),
        };
      } else {
        if (clock?.status !== 'paused') throw new Error(`clock.resume: clock ${effect.key} is not paused`);
        // As an extension: a successor due later, with the warnings that were stopped re-armed on its span.
        const { dueAt, derivation } = resumeDue(calendar, clock.derivation, change.now);
        const stopped = rows.filter((r) => r.kind === 'warning' && r.status === 'paused').map((r) => r.percent! / 100);
        plan.supersededClockId = clock.id;
        plan.rows.push(...clockRows(subjectOf(change, effect.key), clock.starts_at, dueAt, derivation, stopped));
      }
    }
    plan.messages = plan.rows.map((r) => ({
      queue: QueueName.Deadlines,
      name: JobName.DeadlineFire,
      payload: deadlineJob(change.caseId, r),
      jobId: r.id,
      runAt: r.dueAt,
    }));
    return plan;
  }

  /**
   * Refuses (422) a REFER whose reply would be due after the ceiling (`referral.reply_ceiling`: the most specific
   * policy for the case, else 60 working days), both counted from `now`; or whose `dueAt` is not in the future.
   */
  async checkReplyCeiling(
    tx: Tx,
    scope: Pick<ClockChange, 'category' | 'unitCode' | 'now'>,
    request: { dueInWorkingDays?: number; dueAt?: Date },
  ): Promise<void> {
    if (request.dueInWorkingDays === undefined && request.dueAt === undefined) return;
    const field = request.dueAt ? 'dueAt' : 'dueInWorkingDays';
    if (request.dueAt && request.dueAt <= scope.now)
      throw DomainError.validation([{ field: `payload.${field}`, message: 'must be in the future' }]);
    const { calendar, policies } = await this.readRules(tx, scope, [REPLY_CEILING]);
    const policy = policies.get(REPLY_CEILING);
    const limit = policy ?? { ...POLICY_SETTINGS[REPLY_CEILING]!, id: null };
    const ceiling = computeDue(calendar, scope.now, {
      key: REPLY_CEILING,
      amount: limit.amount,
      unit: limit.unit,
      source: policy ? `policy:${policy.id}` : 'default',
    }).dueAt;
    const due =
      request.dueAt ??
      computeDue(calendar, scope.now, {
        key: 'referral.reply',
        amount: request.dueInWorkingDays!,
        unit: 'working_days',
        source: 'referral',
      }).dueAt;
    if (due > ceiling) {
      const unit = limit.unit.replace('_', ' ');
      const which = policy ? `the policy ${REPLY_CEILING} of this case` : `the default ${REPLY_CEILING}`;
      throw DomainError.validation([
        {
          field: `payload.${field}`,
          message: `may not end after ${ceiling.toISOString()}: the ceiling is ${limit.amount} ${unit} from the REFER (${which})`,
        },
      ]);
    }
  }

  /** This deployment's calendar, and the most specific policy of each key for the case, in one round trip. */
  private async readRules(tx: Tx, change: Pick<ClockChange, 'category' | 'unitCode'>, keys: string[]) {
    const [row] = await tx.prepared<
      CalendarRows & { policies: Array<{ key: string; id: string; amount: number; unit: DeadlineSpec['unit'] }> }
    >(
      'deadline_rules',
      `SELECT ${CALENDAR_COLUMNS},
         (SELECT coalesce(json_agg(p), '[]') FROM (
            -- The nearest unit wins; within one unit, a policy for the case's category beats one for all.
            SELECT DISTINCT ON (p.key) p.key, p.id, p.amount, p.unit
              FROM deadline_policies p
              LEFT JOIN units pu ON pu.code = p.unit_code
              JOIN units cu ON cu.code = $3
             WHERE p.key = ANY($1::text[])
               AND (p.category IS NULL OR p.category = $2)
               AND (p.unit_code IS NULL OR starts_with(cu.path, pu.path))
             ORDER BY p.key, length(pu.path) DESC NULLS LAST, (p.category IS NOT NULL) DESC) p) AS policies`,
      [keys, change.category, change.unitCode],
    );
    return { calendar: calendarOf(row!), policies: new Map(row!.policies.map((p) => [p.key, p])) };
  }

  /** The rows of the subject's running (or paused) clock `key`: its due row and its warnings. */
  private openClock(tx: Tx, change: ClockChange, key: string) {
    return tx.query<{
      id: string;
      kind: string;
      percent: number | null;
      status: string;
      starts_at: Date;
      derivation: Derivation;
    }>(
      `SELECT d.id, d.kind, d.percent, d.status, d.starts_at, d.derivation FROM deadlines d
        WHERE d.clock_id = (SELECT id FROM deadlines WHERE case_id = $1 AND key = $2 AND kind = 'due' AND ended_at IS NULL
                               AND referral_id IS NOT DISTINCT FROM $3::uuid
                             ORDER BY created_at DESC LIMIT 1)`,
      [change.caseId, key, change.referral?.id ?? null],
    );
  }

  /** EXTEND_DEADLINE: the extendable clock's successor, due `days` later; the clock itself is superseded. */
  private async extend(tx: Tx, change: ClockChange, calendar: WorkingCalendar, spec: DeadlineSpec) {
    const rows = await this.openClock(tx, change, spec.key);
    const clock = rows.find((r) => r.kind === 'due');
    if (!clock) return null;
    const { dueAt, derivation } = extendDue(
      calendar,
      clock.derivation,
      change.extension!.days,
      change.extension!.reason,
      { repeatable: spec.extension?.repeatable === true },
    );
    // Warnings that had not been sent yet are re-armed on the longer span; those sent stay sent.
    const unsent = rows.filter((r) => r.kind === 'warning' && r.status === 'pending').map((r) => r.percent! / 100);
    return {
      clockId: clock.id,
      rows: clockRows(subjectOf(change, spec.key), clock.starts_at, dueAt, derivation, unsent),
    };
  }
}

/** Whose clock a row is, and when it is written: a case's own, or a referral's (its id and state). */
export interface ClockSubject {
  key: string;
  now: Date;
  referralId?: string;
  state?: string;
}

const subjectOf = (change: ClockChange, key: string): ClockSubject =>
  change.referral
    ? { key, now: change.now, referralId: change.referral.id, state: change.referral.state }
    : { key, now: change.now };

/**
 * The rows of a clock that starts at `startsAt` and is due at `dueAt`: the due row, whose id is the clock's id,
 * and one row per warning still ahead of `now`.
 */
export function clockRows(
  subject: ClockSubject,
  startsAt: Date,
  dueAt: Date,
  derivation: Derivation,
  warnAt: number[],
): DeadlineRow[] {
  const { key, now } = subject;
  const clockId = uuidv7(now.getTime());
  const of = {
    ...(subject.referralId ? { referralId: subject.referralId } : {}),
    ...(subject.state ? { state: subject.state } : {}),
  };
  const due: DeadlineRow = {
    id: clockId,
    clockId,
    key,
    kind: 'due',
    percent: null,
    startsAt,
    dueAt,
    derivation,
    ...of,
  };
  const warnings = warningTimes(startsAt, dueAt, warnAt)
    .filter((w) => w.at > now)
    .map((w): DeadlineRow => ({
      id: uuidv7(now.getTime()),
      clockId,
      key,
      kind: 'warning',
      percent: w.percent,
      startsAt,
      dueAt: w.at,
      derivation: { warningOf: clockId, percent: w.percent, clockDueAt: dueAt.toISOString() },
      ...of,
    }));
  return [due, ...warnings];
}

export function deadlineJob(
  caseId: string,
  row: Pick<DeadlineRow, 'id' | 'clockId' | 'key' | 'kind' | 'percent' | 'dueAt' | 'referralId'>,
): DeadlineJob {
  return {
    deadlineId: row.id,
    caseId,
    clockId: row.clockId,
    key: row.key,
    kind: row.kind,
    percent: row.percent,
    dueAt: row.dueAt.toISOString(),
    ...(row.referralId ? { referralId: row.referralId } : {}),
  };
}

/** The job of a deadline row, read from PostgreSQL (for the reconciler, and jobs that carry only the id). */
export async function loadDeadlineJobs(db: { query: Tx['query'] }, ids: string[]): Promise<DeadlineJob[]> {
  const rows = await db.query<DeadlineJobRow>(
    `SELECT ${DEADLINE_JOB_COLUMNS} FROM deadlines WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return rows.map(jobOfRow);
}

/** The columns a deadline's job is made from. */
export const DEADLINE_JOB_COLUMNS = 'id, case_id, clock_id, key, kind, percent, due_at, referral_id';

export interface DeadlineJobRow {
  id: string;
  case_id: string;
  clock_id: string;
  key: string;
  kind: 'due' | 'warning';
  percent: number | null;
  due_at: Date;
  referral_id: string | null;
}

export const jobOfRow = (r: DeadlineJobRow): DeadlineJob =>
  deadlineJob(r.case_id, {
    id: r.id,
    clockId: r.clock_id,
    key: r.key,
    kind: r.kind,
    percent: r.percent,
    dueAt: r.due_at,
    referralId: r.referral_id ?? undefined,
  });

/** What CALENDAR_COLUMNS read: the overrides and the imported years, as JSON. */
export interface CalendarRows {
  overrides: CalendarOverride[];
  years: ImportedYear[];
}

/** The select-list items that read this deployment's calendar in one statement. */
export const CALENDAR_COLUMNS = `
  (SELECT coalesce(json_agg(json_build_object('date', to_char(day, 'YYYY-MM-DD'), 'kind', kind, 'name', name) ORDER BY day), '[]')
     FROM calendar_overrides) AS overrides,
  (SELECT coalesce(json_agg(json_build_object('year', year, 'holidays', holidays, 'workdays', workdays) ORDER BY year), '[]')
     FROM calendar_years) AS years`;

export const calendarOf = (rows: CalendarRows) => new WorkingCalendar(rows.overrides, rows.years);

/** The calendar with this deployment's overrides and imported years, read in the caller's transaction. */
export async function loadCalendar(tx: Pick<Tx, 'prepared'>): Promise<WorkingCalendar> {
  const [row] = await tx.prepared<CalendarRows>('calendar_all', `SELECT ${CALENDAR_COLUMNS}`, []);
  return calendarOf(row!);
}
