import { DomainError, seesCase, stageOf, statePath, type Actor, type MachineWorkflow, type UnitLevel } from '#domain';
import type { Tx } from '#persistence';
import {
  referralWorkflowFor,
  storeSnapshot,
  workflowFor,
  type Decision,
  type ReferralContext,
  type StoredSnapshot,
} from '#workflows';
import { CASE_COLUMNS, type CaseRow } from './case-record.js';
import type { NewDelivery, ReferralChange } from './case-writes.js';
import type { ReferralCommand, SendEvent } from './commands.js';
import { copyContextColumns, delivery, moveOwnership } from './effects.js';

export interface LockedCase extends CaseRow {
  unit_level: UnitLevel;
  unit_parent: string | null;
  unit_path: string;
  /** The status of the deadline row the event fires, read under the case lock. */
  deadline_status: string | null;
}

export interface ReferralRow {
  id: string;
  case_id: string;
  department_code: string;
  role: string;
  machine_version: number;
  state: string;
  version: number;
  snapshot: StoredSnapshot;
  instructions: string;
  /** The reply's due time the REFER set, if it set one as an instant. */
  due_at: Date | null;
  has_webhook: boolean;
  /** The department's person working it (version 2 on). */
  assignee_id: string | null;
}

/**
 * What an event applies to, locked: a case, or one referral of a case. Either way the case row is locked (a
 * referral's events join its case's hash chain) and the case's own version moves with every event.
 */
export interface Subject {
  /** How a version conflict names it. */
  name: 'case' | 'referral';
  case: LockedCase;
  /** Set when the subject is a referral. */
  referral?: ReferralRow;
  workflow: MachineWorkflow;
  snapshot: StoredSnapshot;
  /** The subject's own version, which `expectedVersion` is compared with. */
  version: number;
}

/** The case an event is sent to, locked; not found when the actor does not see it (seesCase). */
export async function loadCase(tx: Tx, command: SendEvent): Promise<Subject> {
  const locked = await lockCase(tx, command.caseId, command.firesDeadline);
  const reader = { role: command.actor.role, scope: command.scope };
  if (!locked || !seesCase(reader, { path: locked.unit_path, confidential: locked.confidential })) {
    throw DomainError.notFound(`Case ${command.caseId}`);
  }
  return {
    name: 'case',
    case: locked,
    workflow: workflowFor(locked.kind, locked.machine_version),
    snapshot: locked.snapshot,
    version: locked.version,
  };
}

/**
 * The referral a command acts on, locked after its case. Another department's referral, or one whose case is
 * outside the actor's scope, is reported exactly like one that does not exist.
 */
export async function loadReferral(tx: Tx, command: ReferralCommand): Promise<Subject> {
  const notFound = () => DomainError.notFound(`Referral ${command.referralId}`);
  const [owner] = await tx.prepared<{ case_id: string; department_code: string }>(
    'referral_owner',
    'SELECT case_id, department_code FROM referrals WHERE id = $1',
    [command.referralId],
  );
  if (!owner || (command.departmentCode !== null && owner.department_code !== command.departmentCode)) throw notFound();
  const locked = await lockCase(tx, owner.case_id, command.firesDeadline);
  // The case's unit is read under its lock, so an escalation that just moved it out of scope counts.
  if (!locked || (command.scope !== null && !locked.unit_path.startsWith(command.scope))) throw notFound();
  const [referral] = await tx.prepared<ReferralRow>(
    'referral_lock',
    `SELECT r.id, r.case_id, r.department_code, r.role, r.machine_version, r.state, r.version, r.snapshot, r.instructions,
            r.due_at, d.webhook_url IS NOT NULL AS has_webhook, r.assignee_id
       FROM referrals r JOIN departments d ON d.code = r.department_code
      WHERE r.id = $1 FOR NO KEY UPDATE OF r`,
    [command.referralId],
  );
  if (!referral) throw notFound();
  return {
    name: 'referral',
    case: locked,
    referral,
    workflow: referralWorkflowFor(referral.machine_version),
    snapshot: referral.snapshot,
    version: referral.version,
  };
}

/** A case's own event moves the case row: its state, snapshot, context columns and owning unit. */
export function moveCase(row: CaseRow, decision: Pick<Decision, 'next' | 'effects'>, parentUnit: string | null): void {
  const state = statePath(decision.next.value);
  Object.assign(row, { state, stage: stageOf(state), snapshot: storeSnapshot(decision.next) });
  copyContextColumns(row, decision.next);
  moveOwnership(row, decision.effects, parentUnit);
}

/**
 * A referral's event moves the referral row (the case row only takes the event into its chain), and is
 * announced to the department when it has a webhook.
 */
export function moveReferral(
  referral: ReferralRow,
  row: CaseRow,
  decision: Decision,
  event: { type: string; payload: unknown; at: Date; actor: Actor; deadlineKey: string | undefined },
): { change: ReferralChange; deliveries: NewDelivery[] } {
  const state = statePath(decision.next.value);
  const version = referral.version + 1;
  const context = decision.next.context as ReferralContext;
  const change: ReferralChange = {
    id: referral.id,
    state,
    version,
    snapshot: storeSnapshot(decision.next),
    urged: context.urged,
    supervised: context.supervised,
    answered: state === 'replied' || state === 'rejected',
    resolved: context.resolved,
    assignee: (context as Partial<{ assignee: string | null }>).assignee ?? null,
  };
  if (!referral.has_webhook) return { change, deliveries: [] };
  const data = {
    referralId: referral.id,
    caseId: row.id,
    caseReference: row.reference,
    departmentCode: referral.department_code,
    role: referral.role,
    instructions: referral.instructions,
    state,
    version,
    urged: context.urged,
    supervised: context.supervised,
    seq: row.version,
    event: {
      type: event.type,
      payload: event.payload,
      at: event.at.toISOString(),
      actor: { role: event.actor.role, name: event.actor.name },
    },
  };
  return { change, deliveries: [delivery(data, event.at, event.deadlineKey)] };
}

/** The case row, locked, with its unit and (when an event fires one) the status of a deadline row. */
async function lockCase(tx: Tx, caseId: string, firesDeadline: string | undefined): Promise<LockedCase | undefined> {
  // Rows are always locked case first, then referral, then deadlines. When the lock had to wait for another
  // transition, PostgreSQL rechecks only the case row, against the snapshot the statement started with: so the
  // unit is read in subqueries, not a join (a join with the old unit's row drops the case once an escalation
  // moved it), and the fired deadline's status is read by a statement of its own once the lock is held (in
  // the locking statement it would still say pending after the transition that ended the clock committed).
  const [locked] = await tx.prepared<LockedCase>(
    'case_lock',
    `SELECT ${CASE_COLUMNS},
            (SELECT level FROM units WHERE code = c.unit_code) AS unit_level,
            (SELECT parent_code FROM units WHERE code = c.unit_code) AS unit_parent,
            (SELECT path FROM units WHERE code = c.unit_code) AS unit_path,
            NULL::text AS deadline_status
       FROM cases c
      WHERE c.id = $1 FOR NO KEY UPDATE OF c`,
    [caseId],
  );
  if (locked && firesDeadline) {
    const [deadline] = await tx.prepared<{ status: string }>(
      'case_lock_deadline',
      'SELECT status FROM deadlines WHERE id = $1 AND case_id = $2',
      [firesDeadline, caseId],
    );
    locked.deadline_status = deadline?.status ?? null;
  }
  return locked;
}
