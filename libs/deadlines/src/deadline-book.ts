import type { DeadlineSpec } from '../../domain/src/index.js';
import type { OutboxMessage } from '../../outbox/src/outbox.js';
import { uuidv7, type Tx } from '../../persistence/src/index.js';
import { JobName, QueueName } from '../../queues/src/index.js';
import { WorkingCalendar } from './calendar.js';
import { computeDue, extendDue, warningTimes, type Derivation } from './due-date.js';
import { resolveRule } from './policy.js';

/** The clocks a state configuration declares, by key, with the state node that declares each. */
export type DeclaredClocks = Map<string, { spec: DeadlineSpec; nodeId: string }>;

export interface ClockChange {
  caseId: string;
  category: string | null;
  /** The owning unit after the transition: its policies set the new clocks. */
  unitCode: string;
  /** State and version after the transition. */
  state: string;
  version: number;
  before: DeclaredClocks;
  after: DeclaredClocks;
  /** Keys whose declaring state was exited and entered again: their clocks start afresh. */
  restarted: ReadonlySet<string>;
  /** The deadline row this event fired, if a deadline fired it. */
  firedRowId?: string;
  /** EXTEND_DEADLINE's payload. */
  extension?: { days: number; reason: string };
  now: Date;
}

interface OpenClock {
  id: string;
  key: string;
  status: string;
  starts_at: Date;
  derivation: Derivation;
}

/**
 * Keeps a case's `deadlines` rows in step with its state, inside the transition's transaction: entering a
 * state that declares a clock arms it (one row for the due time, one per warning) and asks the outbox for
 * its jobs; leaving the state ends it (pending rows are cancelled); an extension supersedes the clock.
 */
export class DeadlineBook {
  async apply(tx: Tx, change: ClockChange): Promise<OutboxMessage[]> {
    const { caseId, now } = change;
    if (change.firedRowId) {
      await tx.query(`UPDATE deadlines SET status = 'fired', fired_at = $2, fired_version = $3 WHERE id = $1 AND status = 'pending'`, [
        change.firedRowId,
        now,
        change.version,
      ]);
    }
    const ended = [...change.before.keys()].filter((key) => !change.after.has(key) || change.restarted.has(key));
    if (ended.length) {
      await tx.query(
        `UPDATE deadlines SET status = CASE WHEN status = 'pending' THEN 'cancelled' ELSE status END, ended_at = $3
          WHERE case_id = $1 AND key = ANY($2::text[]) AND ended_at IS NULL`,
        [caseId, ended, now],
      );
    }
    const started = [...change.after].filter(([key]) => !change.before.has(key) || change.restarted.has(key));
    if (!started.length && !change.extension) return [];

    const calendar = await loadCalendar(tx);
    const rows: DeadlineRow[] = [];
    for (const [, { spec }] of started) {
      const rule = await resolveRule(tx, spec, { category: change.category, unitCode: change.unitCode });
      const { dueAt, derivation } = computeDue(calendar, now, rule);
      rows.push(...clockRows(change, spec, now, dueAt, derivation, spec.warnAt));
    }
    if (change.extension) rows.push(...(await this.extend(tx, change, calendar)));
    if (!rows.length) return [];
    await tx.query(
      `INSERT INTO deadlines (id, case_id, key, kind, percent, clock_id, state, armed_version, starts_at, due_at, status, derivation, created_at)
       SELECT id, $2::uuid, key, kind, percent, clock_id, $3, $4::int, starts_at, due_at, 'pending', derivation, $5::timestamptz
         FROM unnest($1::uuid[], $6::text[], $7::text[], $8::int[], $9::uuid[], $10::timestamptz[], $11::timestamptz[], $12::jsonb[])
           AS r(id, key, kind, percent, clock_id, starts_at, due_at, derivation)`,
      [
        rows.map((r) => r.id), caseId, change.state, change.version, now,
        rows.map((r) => r.key), rows.map((r) => r.kind), rows.map((r) => r.percent), rows.map((r) => r.clockId),
        rows.map((r) => r.startsAt), rows.map((r) => r.dueAt), rows.map((r) => JSON.stringify(r.derivation)),
      ],
    );
    return rows.map((r) => ({
      queue: QueueName.Deadlines,
      name: JobName.DeadlineFire,
      payload: { deadlineId: r.id },
      jobId: r.id,
      runAt: r.dueAt,
    }));
  }

  /** EXTEND_DEADLINE: the extendable clock gets a new due time; its pending rows are superseded. */
  private async extend(tx: Tx, change: ClockChange, calendar: WorkingCalendar): Promise<DeadlineRow[]> {
    const extendable = [...change.after.values()].find((c) => c.spec.extension);
    if (!extendable) return [];
    const [clock] = await tx.query<OpenClock>(
      `SELECT id, key, status, starts_at, derivation FROM deadlines
        WHERE case_id = $1 AND key = $2 AND kind = 'due' AND ended_at IS NULL AND status IN ('pending', 'fired')
        ORDER BY created_at DESC LIMIT 1`,
      [change.caseId, extendable.spec.key],
    );
    if (!clock) return [];
    const unfired = await tx.query<{ percent: number }>(
      `UPDATE deadlines SET status = 'superseded', ended_at = $2
        WHERE clock_id = $1 AND status = 'pending' RETURNING percent`,
      [clock.id, change.now],
    );
    // A clock that already breached is over; the extension starts its successor from the same due date.
    await tx.query(`UPDATE deadlines SET ended_at = $2 WHERE clock_id = $1 AND ended_at IS NULL`, [clock.id, change.now]);
    const { dueAt, derivation } = extendDue(calendar, clock.derivation, change.extension!.days, change.extension!.reason);
    const warnAt = unfired.filter((w) => w.percent !== null).map((w) => w.percent / 100);
    return clockRows(change, extendable.spec, clock.starts_at, dueAt, derivation, warnAt);
  }
}

interface DeadlineRow {
  id: string;
  clockId: string;
  key: string;
  kind: 'due' | 'warning';
  percent: number | null;
  startsAt: Date;
  dueAt: Date;
  derivation: unknown;
}

function clockRows(change: ClockChange, spec: DeadlineSpec, startsAt: Date, dueAt: Date, derivation: Derivation, warnAt: number[]): DeadlineRow[] {
  const clockId = uuidv7(change.now.getTime());
  const due: DeadlineRow = { id: clockId, clockId, key: spec.key, kind: 'due', percent: null, startsAt, dueAt, derivation };
  const warnings = warningTimes(startsAt, dueAt, warnAt)
    .filter((w) => w.at > change.now)
    .map(
      (w): DeadlineRow => ({
        id: uuidv7(change.now.getTime()),
        clockId,
        key: spec.key,
        kind: 'warning',
        percent: w.percent,
        startsAt,
        dueAt: w.at,
        derivation: { warningOf: clockId, percent: w.percent, clockDueAt: dueAt.toISOString() },
      }),
    );
  return [due, ...warnings];
}

/** The calendar with this deployment's overrides, read in the caller's transaction. */
export async function loadCalendar(tx: Tx): Promise<WorkingCalendar> {
  const overrides = await tx.prepared<{ date: string; kind: 'holiday' | 'workday'; name: string }>(
    'calendar_overrides_all',
    `SELECT to_char(day, 'YYYY-MM-DD') AS date, kind, name FROM calendar_overrides ORDER BY day`,
    [],
  );
  return new WorkingCalendar(overrides);
}
