/**
 * Makes deadlines come due during a fault run. The shortest legal clock is a working day, so a run cannot wait
 * for one: instead the scenario moves the due time of some pending deadline rows into the past everywhere it is
 * written — the row (`due_at`), its outbox row if not yet relayed (`run_at` and the job's `dueAt`), and its timer
 * in Redis (the job's `dueAt`, promoted to run now) — as if the engine had armed a clock that is already due.
 *
 * A row whose outbox row a relay holds at that moment is left alone (it is being enqueued with its old time).
 * A worker that read a row just before it moved can still write its old time into Redis (a reconciler between
 * its SELECT and its enqueue): `resync` puts such a timer right again. Both touch only rows moved here, and only
 * to undo this module's own edit; the deadline's firing is the worker's.
 */
import type { Queue } from 'bullmq';
import pg from 'pg';

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * Moves the pending deadlines of `caseIds` a few seconds into the past (warnings a little earlier than their
 * clock, in order). With a queue, their delayed jobs are rewritten and promoted too; without one (Redis is down
 * and its data gone), the reconciler restores them from the rows. Returns the ids of the rows moved.
 */
export async function makeDue(url: string, caseIds: string[], queue: Queue | null): Promise<string[]> {
  if (caseIds.length === 0) return [];
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  let rows: Array<{ id: string; due: string }>;
  try {
    await client.query('BEGIN');
    const pending = await client.query<{ id: string }>(
      `SELECT id FROM deadlines WHERE case_id = ANY($1::uuid[]) AND status = 'pending' FOR UPDATE SKIP LOCKED`,
      [caseIds],
    );
    const ids = pending.rows.map((r) => r.id);
    const unrelayed = await client.query<{ job_id: string }>(
      `SELECT job_id FROM outbox WHERE queue = 'deadlines' AND job_id = ANY($1::text[]) AND relayed_at IS NULL`,
      [ids],
    );
    const free = await client.query<{ job_id: string }>(
      `SELECT job_id FROM outbox WHERE queue = 'deadlines' AND job_id = ANY($1::text[]) AND relayed_at IS NULL FOR UPDATE SKIP LOCKED`,
      [ids],
    );
    const busy = new Set(unrelayed.rows.map((r) => r.job_id));
    for (const r of free.rows) busy.delete(r.job_id);
    const moved = await client.query<{ id: string; due: string }>(
      `UPDATE deadlines SET due_at = now() - interval '3 seconds' + coalesce(percent, 100) * interval '10 milliseconds'
        WHERE id = ANY($1::uuid[]) RETURNING id, to_char(due_at AT TIME ZONE 'UTC', ${ISO}) AS due`,
      [ids.filter((id) => !busy.has(id))],
    );
    await client.query(
      `UPDATE outbox o SET run_at = d.due_at, payload = jsonb_set(o.payload, '{dueAt}', to_jsonb(to_char(d.due_at AT TIME ZONE 'UTC', ${ISO})))
         FROM deadlines d WHERE d.id = ANY($1::uuid[]) AND o.queue = 'deadlines' AND o.job_id = d.id::text AND o.relayed_at IS NULL`,
      [moved.rows.map((r) => r.id)],
    );
    await client.query('COMMIT');
    rows = moved.rows;
  } finally {
    await client.end().catch(() => undefined);
  }
  if (queue) for (const row of rows) await retime(queue, row.id, row.due);
  return rows.map((r) => r.id);
}

/**
 * For rows moved by makeDue that are still pending: a timer that still carries the old time gets the new one
 * and runs now. Returns how many timers needed it.
 */
export async function resync(url: string, ids: string[], queue: Queue): Promise<number> {
  if (ids.length === 0) return 0;
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  let rows: Array<{ id: string; due: string }>;
  try {
    rows = (
      await client.query<{ id: string; due: string }>(
        `SELECT id, to_char(due_at AT TIME ZONE 'UTC', ${ISO}) AS due FROM deadlines WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
        [ids],
      )
    ).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
  let fixed = 0;
  for (const row of rows) if (await retime(queue, row.id, row.due)) fixed++;
  return fixed;
}

/** Gives a deadline's job the row's due time and, if it is waiting for a later time, runs it now. */
async function retime(queue: Queue, id: string, due: string): Promise<boolean> {
  const job = await queue.getJob(id);
  if (!job) return false; // not enqueued yet (its outbox row, or the reconciler, carries the row's time)
  let changed = false;
  if ((job.data as { dueAt?: string }).dueAt !== due) {
    await job.updateData({ ...job.data, dueAt: due });
    changed = true;
  }
  if ((await job.getState()) === 'delayed') {
    await job.promote().catch(() => undefined); // promoted meanwhile: fine
    changed = true;
  }
  return changed;
}
