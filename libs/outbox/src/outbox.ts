import type { Tx } from '#persistence';
import { uuidv7 } from '#persistence';
import type { JobName, QueueName } from '#queues';
import { currentRequestId, currentTraceparent } from '#telemetry';

/** An effect to run after commit: becomes a BullMQ job whose id is the outbox row's id (or `jobId`). */
export interface OutboxMessage {
  queue: QueueName;
  name: JobName;
  payload: Record<string, unknown>;
  /** A domain id that names the job instead (a deadline's job is keyed by the deadline). */
  jobId?: string;
  /** Run no earlier than this (a delayed job). */
  runAt?: Date;
}

/**
 * Writes the messages in the caller's transaction: they exist if and only if the transition committed. Each row
 * records the request it was written for (and its trace), which the relay hands on to the job.
 */
export async function writeOutbox(
  tx: Tx,
  caseId: string | null,
  messages: OutboxMessage[],
  now: Date,
): Promise<string[]> {
  if (messages.length === 0) return [];
  const ids = messages.map(() => uuidv7(now.getTime()));
  await tx.prepared(
    'outbox_insert',
    `INSERT INTO outbox (id, case_id, queue, name, payload, created_at, job_id, run_at, request_id, traceparent)
     SELECT id, $2::uuid, queue, name, payload, $6::timestamptz, job_id, run_at, $9, $10
     FROM unnest($1::uuid[], $3::text[], $4::text[], $5::jsonb[], $7::text[], $8::timestamptz[])
       AS m(id, queue, name, payload, job_id, run_at)`,
    [
      ids,
      caseId,
      messages.map((m) => m.queue),
      messages.map((m) => m.name),
      messages.map((m) => JSON.stringify(m.payload)),
      now,
      messages.map((m) => m.jobId ?? null),
      messages.map((m) => m.runAt ?? null),
      currentRequestId(),
      currentTraceparent(),
    ],
  );
  return ids;
}
