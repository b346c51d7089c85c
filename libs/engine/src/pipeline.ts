import type { Clock } from '#clock';
import type { DeadlineBook } from '#deadlines';
import {
  CANCELLING_OUTCOMES,
  DomainError,
  ErrorCode,
  statePath,
  type CaseFacts,
  type CaseWorkflow,
  type Effect,
} from '#domain';
import type { PartyInput, PartyVault, SealedParty } from '#parties';
import type { Tx } from '#persistence';
import { admit, decide, restoreSnapshot, sendersOf, type ReferralContext } from '#workflows';
import type { CaseRow } from './case-record.js';
import { updateCase } from './case-writes.js';
import { chain, type ChainLink } from './chain.js';
import { clockStarts } from './clock-starts.js';
import { courtReports } from './court-reports.js';
import type { SendEvent } from './commands.js';
import { deliveryJob, effectMessages, referralAmounts, referralDueAts } from './effects.js';
import { resolveFacts } from './facts.js';
import { issueReferrals, NOTHING_ISSUED } from './issue-referrals.js';
import { personNotices } from './person-notices.js';
import { moveCase, moveReferral, type Subject } from './subjects.js';

export interface EngineParts {
  clock: Clock;
  parties: PartyVault;
  deadlines: DeadlineBook;
}

/** An event for a subject, case or referral: what the pipeline needs of a `SendEvent` or a `ReferralCommand`. */
export type SubjectCommand = Omit<SendEvent, 'caseId'>;

/** What a transition wrote: the case row after it, its link in the chain, and the subject's state and version. */
export interface Moved {
  row: CaseRow;
  link: ChainLink;
  state: string;
  version: number;
  /** The effects the engine still carries out, after the write, as transitions of their own. */
  effects: Effect[];
  /** The case's owning unit before the transition (a case's event may move it). */
  unitBefore: string;
}

/**
 * One transition of a locked subject, in its caller's transaction: validate, resolve the facts the machine
 * declares for the event, decide, plan the clocks, and write it all in one statement. A refused event writes
 * nothing. Resolves to null only when the event fires a deadline row that is no longer pending.
 */
export async function transit(
  parts: EngineParts,
  tx: Tx,
  subject: Subject,
  command: SubjectCommand,
): Promise<Moved | null> {
  const now = parts.clock.now();
  const { case: locked, workflow, referral } = subject;
  if (command.firesDeadline && locked.deadline_status !== 'pending') return null;
  expectVersion(subject, command);
  command = { ...command, actor: actingAs(workflow, command) };
  const admitted = admit(workflow, command);
  if (!admitted.ok) throw admitted.refusal;
  let payload = admitted.event.payload;

  const facts: CaseFacts = {
    unit: { code: locked.unit_code, level: locked.unit_level, hasParent: locked.unit_parent !== null },
    ...(await resolveFacts(workflow.facts?.[command.type], {
      tx,
      caseId: locked.id,
      kind: locked.kind,
      type: command.type,
      payload,
      now,
      unitPath: locked.unit_path,
      actorId: command.actor.id,
      departmentCode: referral?.department_code,
      scope: command.scope,
      role: command.actor.role,
    })),
    ...command.systemFacts,
  };
  const handling = workflow.handling?.[command.type];
  // The event log never holds PII: an added party is logged by id and keyed digest.
  const added: SealedParty[] =
    handling === 'sealParty' ? parts.parties.seal([payload as unknown as PartyInput], now) : [];
  if (added[0]) payload = { ...added[0].ref };
  const decision = decide(workflow, restoreSnapshot(workflow, subject.snapshot), { ...admitted.event, payload }, facts);
  if (!decision.ok) throw decision.refusal;

  const state = statePath(decision.next.value);
  const version = subject.version + 1;
  const row: CaseRow = { ...locked, version: locked.version + 1, updated_at: now };
  if (!referral) moveCase(row, decision, locked.unit_parent);
  const link = chain(
    row,
    command.type,
    payload,
    facts,
    command.actor,
    now,
    locked.head_hash,
    referral && { referralId: referral.id, state },
  );
  // A referral's clocks start when its events are recorded; only a case's may start at a stated instant.
  const starts = referral
    ? undefined
    : await clockStarts(tx, locked, decision.clocks, { type: command.type, payload }, now);
  const clocks = await parts.deadlines.plan(tx, {
    caseId: row.id,
    category: row.category,
    unitCode: row.unit_code,
    ...decision.clocks,
    firedRowId: command.firesDeadline,
    starts,
    cancelling: referral
      ? state === 'cancelled'
      : row.outcome !== locked.outcome && row.outcome !== null && CANCELLING_OUTCOMES.includes(row.outcome),
    extension: handling === 'extendClock' ? (payload as { days: number; reason: string }) : undefined,
    pauses: clockEffects(decision.effects, command.type, payload),
    now,
    ...(referral && {
      referral: { id: referral.id, state },
      amounts: referralAmounts(decision.next.context as ReferralContext),
      dueAts: referralDueAts(referral.due_at),
    }),
  });
  const outbox = await effectMessages(
    tx,
    row,
    decision.effects,
    { type: command.type, payload, ...(referral && { referralId: referral.id }) },
    now,
  );
  const issued = decision.effects.some((e) => e.kind === 'referrals.issue')
    ? await issueReferrals(
        tx,
        parts.deadlines,
        row,
        link,
        workflow as CaseWorkflow,
        { type: command.type, payload },
        facts,
        now,
      )
    : NOTHING_ISSUED;
  const own = referral
    ? moveReferral(referral, row, decision, {
        type: command.type,
        payload,
        at: now,
        actor: command.actor,
        deadlineKey: command.systemFacts?.deadline?.key,
      })
    : undefined;
  const reported = referral ? [] : await courtReports(tx, row, decision.effects, command, now);
  const notices = personNotices(
    referral
      ? { assignee: referral.assignee_id, inCharge: null }
      : { assignee: locked.assignee_id, inCharge: locked.in_charge_id },
    referral
      ? { assignee: own!.change.assignee, inCharge: null }
      : { assignee: row.assignee_id, inCharge: row.in_charge_id },
    {
      caseId: row.id,
      seq: row.version,
      referralId: referral?.id ?? null,
      type: command.type,
      payload,
      actor: command.actor,
      deadlineKey: command.systemFacts?.deadline?.key,
    },
  );
  const deliveries = [...issued.deliveries, ...(own?.deliveries ?? []), ...reported];
  await updateCase(
    tx,
    {
      row,
      event: link,
      parties: added,
      now,
      outbox: [...clocks.messages, ...issued.deadlines.messages, ...outbox, ...notices, ...deliveries.map(deliveryJob)],
      deadlines: { ...clocks, rows: [...clocks.rows, ...issued.deadlines.rows] },
      issued: issued.referrals,
      deliveries,
      referral: own?.change,
    },
    locked.version,
  );
  return { row, link, state, version, effects: decision.effects, unitBefore: locked.unit_code };
}

/** The actor in the first of its roles that may send the event (its own role when none may, to be refused). */
function actingAs(workflow: Subject['workflow'], command: SubjectCommand): SubjectCommand['actor'] {
  const spec = workflow.events[command.type];
  const role = spec && command.roles?.find((r) => sendersOf(spec).includes(r));
  return role ? { ...command.actor, role } : command.actor;
}

/** A command that names the version it expects applies only to a subject still at that version (409 otherwise). */
export function expectVersion(subject: Subject, command: Pick<SubjectCommand, 'expectedVersion'>): void {
  if (command.expectedVersion !== undefined && command.expectedVersion !== subject.version) {
    throw new DomainError(
      ErrorCode.VersionConflict,
      `The ${subject.name} is at version ${subject.version}, not ${command.expectedVersion}.`,
      { currentVersion: subject.version },
    );
  }
}

/** The clocks the transition stops or restarts, and why: the event's `reason`, else the event itself. */
function clockEffects(effects: Effect[], type: string, payload: Record<string, unknown>) {
  const own = effects.filter(
    (e): e is Extract<Effect, { kind: 'clock.pause' | 'clock.resume' }> =>
      e.kind === 'clock.pause' || e.kind === 'clock.resume',
  );
  if (!own.length) return undefined;
  return { effects: own, reason: typeof payload.reason === 'string' && payload.reason.trim() ? payload.reason : type };
}
