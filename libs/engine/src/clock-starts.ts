import type { ClockStart, DeclaredClocks } from '#deadlines';
import { DomainError, instantProblem, toInstant } from '#domain';
import type { Tx } from '#persistence';
import type { CaseRow } from './case-record.js';

/**
 * The clocks a transition starts at an instant its payload states (a spec's `startsFrom`: when the answer was
 * delivered, when the court accepted), checked: the instant may not be in the future, nor before the case was
 * registered, nor before the case entered the state the event leaves (an answer is not delivered before it was
 * issued, nor a court's acceptance before the application). Each refusal is a 422 on the payload field. Reads
 * PostgreSQL only when such a clock starts and the payload carries its field; without it the clock starts now.
 */
export async function clockStarts(
  tx: Tx,
  locked: Pick<CaseRow, 'id' | 'state' | 'created_at'>,
  clocks: { before: DeclaredClocks; after: DeclaredClocks; restarted: ReadonlySet<string> },
  event: { type: string; payload: Record<string, unknown> },
  now: Date,
): Promise<Map<string, ClockStart> | undefined> {
  const starts = new Map<string, ClockStart>();
  for (const { spec } of clocks.after.values()) {
    const field = spec.startsFrom;
    if (!field || (clocks.before.has(spec.key) && !clocks.restarted.has(spec.key))) continue;
    const value = event.payload[field];
    if (value === undefined) continue;
    const problem = typeof value === 'string' ? instantProblem(value) : 'must be an instant';
    if (problem) throw refused(field, problem);
    const at = toInstant(value as string);
    if (at > now) throw refused(field, `may not be in the future (now ${now.toISOString()})`);
    if (at < locked.created_at)
      throw refused(field, `may not be before the case was registered (${locked.created_at.toISOString()})`);
    const entered = await stateEnteredAt(tx, locked);
    if (entered && at < entered)
      throw refused(field, `may not be before the case entered ${locked.state} (${entered.toISOString()})`);
    starts.set(spec.key, { at, event: event.type, field });
  }
  return starts.size ? starts : undefined;
}

/** When the case entered the state it is in: the first event of the run of events that left it there. */
async function stateEnteredAt(tx: Tx, locked: Pick<CaseRow, 'id' | 'state'>): Promise<Date | null> {
  const [row] = await tx.query<{ at: Date | null }>(
    `SELECT min(e.at) AS at FROM case_events e
      WHERE e.case_id = $1 AND e.referral_id IS NULL
        AND e.seq > coalesce((SELECT max(seq) FROM case_events
                               WHERE case_id = $1 AND referral_id IS NULL AND state <> $2), 0)`,
    [locked.id, locked.state],
  );
  return row?.at ?? null;
}

const refused = (field: string, message: string) =>
  DomainError.validation(
    [{ field: `payload.${field}`, message }],
    `The ${field} is not an instant this clock can start at.`,
  );
