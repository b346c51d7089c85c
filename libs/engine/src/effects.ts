import type { AnyMachineSnapshot } from 'xstate';
import type { Actor, CaseContextBase, Effect } from '#domain';
import type { OutboxMessage } from '#outbox';
import { uuidv7, type Tx } from '#persistence';
import { JobName, QueueName } from '#queues';
import type { ReferralContext } from '#workflows';
import type { CaseRow } from './case-record.js';
import type { NewDelivery } from './case-writes.js';
import { cloudEventBody, cloudEventType, type ReferralEventData } from './referral-events.js';

/** Links go in with the transaction; everything else becomes outbox rows, with a `case.event` for subscribers. */
export async function effectMessages(
  tx: Tx,
  row: CaseRow,
  effects: Effect[],
  origin: { type: string; payload: Record<string, unknown>; referralId?: string },
  now: Date,
): Promise<OutboxMessage[]> {
  const referralId = origin.referralId ?? null;
  const messages: OutboxMessage[] = [
    {
      queue: QueueName.Notifications,
      name: JobName.CaseEvent,
      payload: {
        caseId: row.id,
        seq: row.version,
        type: origin.type,
        state: row.state,
        unitCode: row.unit_code,
        referralId,
      },
    },
  ];
  for (const effect of effects) {
    switch (effect.kind) {
      case 'unit.escalate':
      case 'unit.assign':
        break; // applied by moveOwnership before the event was chained
      case 'case.merge':
        await tx.query(
          `INSERT INTO case_links (case_id, linked_case_id, relation, seq, created_at) VALUES ($1, $2, 'merged_into', $3, $4)`,
          [row.id, effect.intoCaseId, row.version, now],
        );
        break;
      case 'referrals.issue':
      case 'referrals.settle':
      case 'case.send':
        break; // carried out by the engine itself, in this transaction
      case 'clock.pause':
      case 'clock.resume':
        break; // in the transition's deadline plan
      case 'court.report':
        break; // a delivery, written with the transition (court-reports.ts)
      case 'notify':
        messages.push({
          queue: QueueName.Notifications,
          name: JobName.Notify,
          payload: {
            caseId: row.id,
            seq: row.version,
            topic: effect.topic,
            detail: effect.detail ?? null,
            unitCode: row.unit_code,
            referralId,
          },
        });
        break;
      case 'petitioner.notify':
        // Addressed to the case's petitioner, never by name or number: a channel that reaches them (SMS) looks
        // the applicants up in the party vault by the case id. A job name of its own keeps it apart from the
        // notices to staff.
        messages.push({
          queue: QueueName.Notifications,
          name: JobName.PetitionerNotify,
          payload: {
            caseId: row.id,
            seq: row.version,
            topic: effect.topic,
            detail: effect.detail ?? null,
            unitCode: row.unit_code,
          },
        });
        break;
      default:
        throw new Error(`unknown effect ${(effect as { kind: string }).kind}`);
    }
  }
  return messages;
}

/** Ownership changes first, so the chained event records the unit that owns the case after it. */
export function moveOwnership(row: CaseRow, effects: Effect[], parentUnit: string | null): void {
  for (const effect of effects) {
    if (effect.kind === 'unit.escalate' && parentUnit) row.unit_code = parentUnit;
    if (effect.kind === 'unit.assign') row.unit_code = effect.unitCode;
  }
}

/** The context fields every case machine keeps go into columns, for queries. */
export function copyContextColumns(row: CaseRow, snapshot: AnyMachineSnapshot): void {
  const context = snapshot.context as CaseContextBase;
  row.category = context.category;
  row.risk_level = context.riskLevel;
  row.outcome = context.outcome;
  row.supervised = context.supervised;
  row.confidential = row.confidential || context.confidential === true;
  // Version 2 on: who works the case (shared/assignment.ts). Version 1 has no assignment.
  const people = snapshot.context as Partial<{ assignee: string | null; inCharge: string | null }>;
  row.assignee_id = people.assignee ?? null;
  row.in_charge_id = people.inCharge ?? null;
}

/** A referral's own reply limit (`dueInWorkingDays`) overrides the policy for its reply clock. */
export function referralAmounts(context: ReferralContext) {
  return context.dueInWorkingDays
    ? new Map([['referral.reply', { amount: context.dueInWorkingDays, unit: 'working_days' as const }]])
    : undefined;
}

/** A referral's own reply time (`dueAt`, set by a version-2 REFER) ends its reply clock then. */
export const referralDueAts = (dueAt: Date | null) => (dueAt ? new Map([['referral.reply', dueAt]]) : undefined);

export function pickActor(actor: unknown): Pick<Actor, 'role' | 'name'> {
  const { role, name } = actor as Actor;
  return { role, name };
}

/** A referral event announced to its department's webhook. */
export function delivery(data: ReferralEventData, now: Date, deadlineKey?: string): NewDelivery {
  const id = uuidv7(now.getTime());
  const body = cloudEventBody(id, data, deadlineKey);
  return {
    id,
    referralId: data.referralId,
    departmentCode: data.departmentCode,
    type: cloudEventType(data.event.type, deadlineKey),
    body,
  };
}

/** The job that POSTs a delivery; its id is the outbox row's, so a replay (a new row) is a new job. */
export const deliveryJob = (d: { id: string }, generation = 0): OutboxMessage => ({
  queue: QueueName.Referrals,
  name: JobName.ReferralDeliver,
  payload: { deliveryId: d.id, generation },
});
