import { Logger } from '@nestjs/common';
import type { Clock } from '#clock';
import { writeOutbox } from '#outbox';
import type { Database, Tx } from '#persistence';
import { JobName, QueueName } from '#queues';
import {
  calendarOf,
  CALENDAR_COLUMNS,
  clockRows,
  deadlineJob,
  type CalendarRows,
  type DeadlineRow,
} from './deadline-book.js';
import { recomputeDue, type Derivation } from './due-date.js';

export interface RecomputeReport {
  /** Pending clocks whose span touches a changed date, looked at under their case's lock. */
  examined: number;
  /** Superseded by a clock with another due time. */
  moved: number;
  /** Their due time stays as it was. */
  unchanged: number;
  /** Their stored derivation could not be counted again (logged); they keep their due time. */
  unreadable: number;
}

interface ClockRow {
  id: string;
  clock_id: string;
  key: string;
  kind: 'due' | 'warning';
  percent: number | null;
  status: string;
  state: string;
  armed_version: number;
  starts_at: string;
  due_at: string;
  derivation: Derivation;
  referral_id: string | null;
}

/** The change a run recomputes for: its id, its summary (the reason on each moved clock), its first and last changed date. */
export interface CalendarChangeRef {
  id: string;
  summary: string;
  first: string | null;
  last: string | null;
}

/**
 * Moves the pending clocks a calendar change affects. A clock counts working days (or rolls a calendar-day end
 * over rest days) only on the dates from its start date to its due date, so it is recomputed when that span
 * touches a date whose working status changed. Each case is handled in a transaction of its own, under its row
 * lock taken as the engine takes it (the case first, then its deadline rows), so a transition or a firing
 * deadline of the same case waits or has already happened; what is still pending then is recomputed on the
 * calendar as it stands now. A clock whose due time moves is superseded, as an extension supersedes one: its
 * pending rows become `superseded` and end, and a new clock (same start and rule, its extension kept) is armed
 * with its unsent warnings on the new span and its timers in the outbox. Its old timer then fires into a row
 * that is no longer pending and does nothing. A breached clock stays breached.
 *
 * Idempotent: a clock recomputed for this change is no longer pending, and its successor names the change, so
 * running the job again (a redelivery, a crash half-way) redoes nothing and misses nothing.
 */
export class ClockRecomputation {
  private readonly logger = new Logger(ClockRecomputation.name);

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly batchSize = 500,
  ) {}

  async run(calendarChangeId: string): Promise<RecomputeReport> {
    const report: RecomputeReport = { examined: 0, moved: 0, unchanged: 0, unreadable: 0 };
    const [change] = await this.db.query<CalendarChangeRef>(
      `SELECT id, summary, to_char((SELECT min(d) FROM unnest(changed_dates) d), 'YYYY-MM-DD') AS first,
              to_char((SELECT max(d) FROM unnest(changed_dates) d), 'YYYY-MM-DD') AS last
         FROM calendar_changes WHERE id = $1`,
      [calendarChangeId],
    );
    if (!change?.first || !change.last) return report;
    // Keyset over (due_at, id) on deadlines_open_due_idx: a successor written on the way has a new id and names
    // this change, so the walk never takes it up again.
    let after: [Date, string] = [new Date(0), '00000000-0000-0000-0000-000000000000'];
    for (;;) {
      const batch = await this.db.query<{ id: string; case_id: string; due_at: Date }>(
        `SELECT id, case_id, due_at FROM deadlines
          WHERE kind = 'due' AND ended_at IS NULL AND status = 'pending'
            AND due_at >= ($1::date)::timestamp AT TIME ZONE 'Asia/Shanghai'
            AND starts_at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
            AND (derivation -> 'recomputed' ->> 'calendarChangeId') IS DISTINCT FROM $3
            AND (due_at, id) > ($4, $5)
          ORDER BY due_at, id LIMIT $6`,
        [change.first, change.last, change.id, after[0], after[1], this.batchSize],
      );
      if (!batch.length) break;
      const last = batch[batch.length - 1]!;
      after = [last.due_at, last.id];
      const byCase = new Map<string, string[]>();
      for (const row of batch) byCase.set(row.case_id, [...(byCase.get(row.case_id) ?? []), row.id]);
      for (const [caseId, clockIds] of byCase) await this.recomputeCase(caseId, clockIds, change, report);
    }
    if (report.moved || report.unreadable) this.logger.log(`calendar change ${change.id}: ${JSON.stringify(report)}`);
    return report;
  }

  /** One case: its listed clocks, under its lock. Protected so that a test can stop a run half-way. */
  protected async recomputeCase(
    caseId: string,
    clockIds: string[],
    change: CalendarChangeRef,
    report: RecomputeReport,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const now = this.clock.now();
      // As the engine does: the case row first, then, by a statement of its own once the lock is held (so it
      // reads what committed before), the clocks' rows.
      const [locked] = await tx.query('SELECT id FROM cases WHERE id = $1 FOR NO KEY UPDATE', [caseId]);
      if (!locked) return;
      const [read] = await tx.query<CalendarRows & { rows: ClockRow[] }>(
        `WITH locked AS (
           SELECT id, clock_id, key, kind, percent, status, state, armed_version, starts_at, due_at, derivation, referral_id, created_at
             FROM deadlines WHERE case_id = $1 AND clock_id = ANY($2::uuid[]) AND ended_at IS NULL
              FOR NO KEY UPDATE)
         SELECT ${CALENDAR_COLUMNS}, (SELECT coalesce(json_agg(l ORDER BY l.created_at, l.id), '[]') FROM locked l) AS rows`,
        [caseId, clockIds],
      );
      const calendar = calendarOf(read!);
      const superseded: string[] = [];
      const rows: Array<DeadlineRow & { armedVersion: number }> = [];
      for (const clockId of clockIds) {
        const own = read!.rows.filter((r) => r.clock_id === clockId);
        const due = own.find((r) => r.kind === 'due');
        // Fired (breached), ended or superseded since it was listed: it stays as it is.
        if (!due || due.status !== 'pending' || due.derivation.recomputed?.calendarChangeId === change.id) continue;
        report.examined++;
        let next: ReturnType<typeof recomputeDue>;
        try {
          next = recomputeDue(calendar, due.derivation, {
            calendarChangeId: change.id,
            previousClockId: due.id,
            reason: change.summary,
          });
        } catch (error) {
          report.unreadable++;
          this.logger.warn(`clock ${due.id} of case ${caseId} keeps its due time: ${(error as Error).message}`);
          continue;
        }
        if (next.dueAt.getTime() === new Date(due.due_at).getTime()) {
          report.unchanged++;
          continue;
        }
        report.moved++;
        superseded.push(clockId);
        // Warnings already sent stay sent; those still pending are armed again on the new span.
        const unsent = own.filter((r) => r.kind === 'warning' && r.status === 'pending').map((r) => r.percent! / 100);
        const subject = {
          key: due.key,
          now,
          state: due.state,
          ...(due.referral_id ? { referralId: due.referral_id } : {}),
        };
        for (const row of clockRows(subject, new Date(due.starts_at), next.dueAt, next.derivation, unsent)) {
          rows.push({ ...row, armedVersion: due.armed_version });
        }
      }
      if (superseded.length) await supersede(tx, caseId, superseded, rows, now);
    });
  }
}

/** The old clocks' open rows end (pending ones as superseded); the new ones are written with their timers. */
async function supersede(
  tx: Tx,
  caseId: string,
  clockIds: string[],
  rows: Array<DeadlineRow & { armedVersion: number }>,
  now: Date,
) {
  await tx.query(
    `WITH ended AS (
       UPDATE deadlines SET status = CASE WHEN status = 'pending' THEN 'superseded' ELSE status END, ended_at = $3
        WHERE case_id = $1 AND clock_id = ANY($2::uuid[]) AND ended_at IS NULL)
     INSERT INTO deadlines (id, case_id, key, kind, percent, clock_id, state, armed_version, starts_at, due_at, status, derivation,
                            created_at, referral_id)
     SELECT r.id, $1, r.key, r.kind, r.percent, r.clock_id, r.state, r.armed_version, r.starts_at, r.due_at, 'pending', r.derivation, $3,
            r.referral_id
       FROM unnest($4::uuid[], $5::text[], $6::text[], $7::int[], $8::uuid[], $9::text[], $10::int[], $11::timestamptz[],
                   $12::timestamptz[], $13::jsonb[], $14::uuid[])
         AS r(id, key, kind, percent, clock_id, state, armed_version, starts_at, due_at, derivation, referral_id)`,
    [
      caseId,
      clockIds,
      now,
      rows.map((r) => r.id),
      rows.map((r) => r.key),
      rows.map((r) => r.kind),
      rows.map((r) => r.percent),
      rows.map((r) => r.clockId),
      rows.map((r) => r.state),
      rows.map((r) => r.armedVersion),
      rows.map((r) => r.startsAt),
      rows.map((r) => r.dueAt),
      rows.map((r) => JSON.stringify(r.derivation)),
      rows.map((r) => r.referralId ?? null),
    ],
  );
  await writeOutbox(
    tx,
    caseId,
    rows.map((r) => ({
      queue: QueueName.Deadlines,
      name: JobName.DeadlineFire,
      payload: deadlineJob(caseId, r),
      jobId: r.id,
      runAt: r.dueAt,
    })),
    now,
  );
}
