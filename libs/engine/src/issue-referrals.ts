import type { DeadlineBook, DeadlinePlan } from '#deadlines';
import { statePath, toInstant, type CaseFacts, type CaseWorkflow } from '#domain';
import type { Tx } from '#persistence';
import { referralsIssued, referralWorkflowOf, start, storeSnapshot, type ReferralContext } from '#workflows';
import type { CaseRow } from './case-record.js';
import type { NewDelivery, NewReferral } from './case-writes.js';
import type { ChainLink } from './chain.js';
import { delivery, pickActor, referralAmounts } from './effects.js';

export interface Issued {
  referrals: NewReferral[];
  deliveries: NewDelivery[];
  /** The new referrals' clocks (only rows and messages: nothing of the case's own changes). */
  deadlines: Pick<DeadlinePlan, 'rows' | 'messages'>;
}

export const NOTHING_ISSUED: Issued = { referrals: [], deliveries: [], deadlines: { rows: [], messages: [] } };

/**
 * REFER (or FORWARD): one referral per department, each starting its machine, on the version the case's machine
 * names, with its first clocks, in the event's own statement. A department with a webhook is told at once.
 */
export async function issueReferrals(
  tx: Tx,
  deadlines: DeadlineBook,
  row: CaseRow,
  link: ChainLink,
  caseWorkflow: CaseWorkflow,
  event: { type: string; payload: Record<string, unknown> },
  facts: CaseFacts,
  now: Date,
): Promise<Issued> {
  const { payload } = event;
  const workflow = referralWorkflowOf(caseWorkflow);
  const named = referralsIssued(payload, facts, event.type);
  // A version-2 REFER may set the reply time as an instant; the referral machines know only days.
  const dueAt = typeof payload.dueAt === 'string' ? toInstant(payload.dueAt) : null;
  await deadlines.checkReplyCeiling(
    tx,
    { category: row.category, unitCode: row.unit_code, now },
    {
      ...(dueAt ? { dueAt } : {}),
      ...(typeof payload.dueInWorkingDays === 'number' ? { dueInWorkingDays: payload.dueInWorkingDays } : {}),
    },
  );
  const hooked = new Set(
    (
      await tx.query<{ code: string }>(
        'SELECT code FROM departments WHERE code = ANY($1::text[]) AND webhook_url IS NOT NULL',
        [named.map((r) => r.input.departmentCode)],
      )
    ).map((d) => d.code),
  );
  const issued: Issued = { referrals: [], deliveries: [], deadlines: { rows: [], messages: [] } };
  for (const { id, input } of named) {
    const started = start(workflow, input);
    const state = statePath(started.next.value);
    issued.referrals.push({
      id,
      departmentCode: input.departmentCode,
      role: input.role,
      machineVersion: workflow.version,
      state,
      snapshot: storeSnapshot(started.next),
      instructions: input.instructions,
      dueInWorkingDays: input.dueInWorkingDays,
      dueAt,
      shareParties: input.shareParties,
    });
    const plan = await deadlines.plan(tx, {
      caseId: row.id,
      category: row.category,
      unitCode: row.unit_code,
      ...started.clocks,
      now,
      referral: { id, state },
      amounts: referralAmounts(started.next.context as ReferralContext),
    });
    issued.deadlines.rows.push(...plan.rows);
    issued.deadlines.messages.push(...plan.messages);
    if (hooked.has(input.departmentCode)) {
      issued.deliveries.push(
        delivery(
          {
            referralId: id,
            caseId: row.id,
            caseReference: row.reference,
            departmentCode: input.departmentCode,
            role: input.role,
            instructions: input.instructions,
            state,
            version: 1,
            urged: false,
            supervised: false,
            seq: row.version,
            event: {
              type: event.type,
              payload: link.chained.payload,
              at: now.toISOString(),
              actor: pickActor(link.chained.actor),
            },
          },
          now,
        ),
      );
    }
  }
  return issued;
}
