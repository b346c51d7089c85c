import type { AnyStateMachine } from 'xstate';
import type {
  CaseKind,
  DelegationEnding,
  Outcome,
  ReferralRole,
  RiskLevel,
  Stage,
  UnitLevel,
  UserRole,
} from './codes.js';
import type { Schema } from './schema.js';

/**
 * How a clock counts: working days or calendar days on the working calendar (期间开始的日不计算在内, the end rolls
 * over a rest day), or elapsed hours from the start (no calendar: an emergency answered within hours).
 */
export const CLOCK_UNITS = ['working_days', 'calendar_days', 'hours'] as const;
export type ClockUnit = (typeof CLOCK_UNITS)[number];

/**
 * What a machine declares about a deadline in a state's `meta`. The engine turns it into a `deadlines` row
 * when the state is entered. A clock keeps running while the state configuration still declares the same
 * `key`, so sibling states can share one clock (e.g. the 30 days of a dispute's mediation).
 */
export interface DeadlineSpec {
  /** Policy key, `<kind>.<rule>`, e.g. `dispute.mediation`; admins override limits per key. */
  key: string;
  amount: number;
  unit: ClockUnit;
  /** Fractions of the limit at which a warning is sent, e.g. `[0.5, 0.8]`. */
  warnAt: number[];
  /** What happens on breach, in words, for the people reading the deadline. */
  onBreach: string;
  /**
   * How much one `EXTEND_DEADLINE` may add, when the deadline can be extended at all; `repeatable`: it may be
   * extended again and again (each time within `maxDays`), where the law sets no cap on the extensions.
   */
  extension?: { maxDays: number; unit: 'calendar_days'; repeatable?: boolean };
  /** The clock may be stopped and started again (`clock.pause`, `clock.resume` effects); its due time moves. */
  pausable?: boolean;
  /**
   * The payload field (an instant) of the event that arms the clock at which it starts, instead of the event's
   * own time: e.g. `deliveredAt`, when the petitioner received the answer. The engine refuses an instant in the
   * future or before the subject entered the state being left; an event without the field starts it now.
   */
  startsFrom?: string;
}

export interface StateMeta {
  deadline?: DeadlineSpec;
}

/** `client` events come over the API; `system` events only from Concord itself (deadlines, referrals). */
export type EventSource = 'client' | 'system';

export interface EventSpec {
  source: EventSource;
  payload: Schema<unknown>;
  description: string;
  /** The roles that may send a client event; any role the route admits when absent. */
  senders?: readonly UserRole[];
}

/**
 * Facts the engine looks up in PostgreSQL and hands to the machine with each event, so that guards stay pure
 * functions of (context, event). They are stored with the event, so a replay sees what the engine saw.
 */
export interface CaseFacts {
  /** The owning unit at the time of the event. */
  unit: { code: string; level: UnitLevel; hasParent: boolean };
  /** REFER: the departments named in the payload, with their responsibility lists, in payload order. */
  departments?: Array<{ code: string; role: ReferralRole; categories: string[] }>;
  /** REFER: the ids the engine gives the new referrals, one per department, in the same order. */
  referralIds?: string[];
  /** DEADLINE_ELAPSED / DEADLINE_WARNING: which clock fired. */
  deadline?: { id: string; key: string };
  /** DECLINE of a repeat petition: the earlier case it names, and whether its re-review (复核) was completed. */
  relatedCase?: { id: string; reReviewed: boolean };
  /** The keys of the running clocks the event asked about that were past due when it was recorded. */
  pastDue?: string[];
  /**
   * What the referrals an event issues ask of their department when its payload has no `instructions` of its own
   * (an accusation handed to the discipline-inspection body): stated by the engine, kept with the event.
   */
  instructions?: string;
  /**
   * Assignment events (CLAIM, ASSIGN, TAKE_CHARGE, RECUSE, ASSIGN_MEDIATOR from version 2): the person the event
   * is about, named in the payload or acting, found active, holding the role, and working where the case is.
   */
  person?: { id: string; name: string };
  /** UNASSIGN: the actor hands work out (admin, intake, leader), not only back (its own assignment). */
  dispatcher?: boolean;
}

/** The shape of every event a case machine receives. */
export interface MachineEvent<TType extends string = string, TPayload = unknown> {
  type: TType;
  payload: TPayload;
  facts: CaseFacts;
}

/**
 * Side effects a transition asks for. The machine names them (as `effect` actions with these params); the
 * engine carries them out in the same transaction, or writes them to the outbox for the worker.
 */
export type Effect =
  /** The owning unit becomes its parent unit (escalation). Ignored at the top of the hierarchy. */
  | { kind: 'unit.escalate' }
  /** The owning unit becomes the given unit (a petition's handling body). */
  | { kind: 'unit.assign'; unitCode: string }
  /** This case was merged into another: record the link on both. */
  | { kind: 'case.merge'; intoCaseId: string }
  /** Issue one referral per department (REFER). */
  | { kind: 'referrals.issue'; referralIds: string[] }
  /**
   * The case no longer waits for its referrals: a replied one closes, one still open is cancelled. Fired when
   * the case leaves the state that waits for them, however it leaves.
   */
  | { kind: 'referrals.settle' }
  /** A referral's answer goes into its case as a system event (the referral machine asks for it). */
  | { kind: 'case.send'; type: 'REFERRAL_REPLIED' | 'REFERRAL_REJECTED'; payload: Record<string, unknown> }
  /** Tell the case owner something needs attention (督办, 催办, a breach). */
  | { kind: 'notify'; topic: NotifyTopic; detail?: string }
  /** Tell the petitioner, through the notification channels, e.g. why the handling time was extended. */
  | { kind: 'petitioner.notify'; topic: PetitionerTopic; detail?: string }
  /**
   * Stop a pausable clock of the current state (a hearing during 复核 is not counted: 信访工作条例 art. 36 ¶2), or
   * start it again: its due time moves by the time it was stopped.
   */
  | { kind: 'clock.pause' | 'clock.resume'; key: string }
  /**
   * Tell the court that delegated the dispute (诉前委派) how its mediation ended, on its webhook: the mediator
   * reports back to the court (特邀调解规定 art. 26 ¶2) and, without agreement, returns the materials (art. 21 ¶1).
   */
  | { kind: 'court.report'; courtCode: string; delegationNumber: string; ending: DelegationEnding };

/** What Concord tells a petitioner itself (every other notice goes to the case owner). */
export const PETITIONER_TOPICS = ['handling_extended'] as const;
export type PetitionerTopic = (typeof PETITIONER_TOPICS)[number];

export const NOTIFY_TOPICS = [
  'supervised',
  'deadline_breached',
  'follow_up_unreached',
  'reopened',
  /** A referral's acknowledgement came due: the department is urged (催办). */
  'referral_urged',
  /** A referral's reply came due: the department is supervised (督办). */
  'referral_supervised',
] as const;
export type NotifyTopic = (typeof NOTIFY_TOPICS)[number];

/**
 * What a person's notice inbox (GET /me/notices) tells them about a case or referral they work or are in charge
 * of: a hand-over (assigned to them, taken from them, claimed by someone else), a leader taking personal charge
 * (领导包案), a clock's warning, a referral the department returned, and every notice the case owner gets.
 */
export const PERSON_TOPICS = [
  'assigned',
  'unassigned',
  'claimed_by_another',
  'taken_in_charge',
  'deadline_warning',
  'referral_returned',
  ...NOTIFY_TOPICS,
] as const;
export type PersonTopic = (typeof PERSON_TOPICS)[number];

/**
 * A notice for one person, as the engine writes it to the outbox (job `person.notify` on the notifications queue,
 * whose id is the outbox row's and so names the notice once, however often it is delivered).
 */
export interface PersonNoticeJob {
  userId: string;
  caseId: string;
  /** The case event that raised it. */
  seq: number;
  topic: PersonTopic;
  referralId: string | null;
  detail: string | null;
}

/** Fields every case machine keeps in its context; the engine copies them into columns for queries. */
export interface CaseContextBase {
  category: string | null;
  riskLevel: RiskLevel | null;
  outcome: Outcome | null;
  /** Marked for supervision (督办). */
  supervised: boolean;
  /**
   * The case is confidential (an accusation: 信访工作条例 art. 30): only admins and auditors within their scope,
   * and the department it was referred to, see it. Once set it stays set.
   */
  confidential?: boolean;
}

export interface CaseInput {
  category?: string | null;
}

/**
 * What the engine must look up before an event's guards can run, by kind: it resolves each kind the same way
 * whichever machine asks. A reference the payload makes to something that does not exist is a bad payload (422).
 */
export type FactNeed =
  /** REFER: the named departments (`departments`, else `departmentCode` as the lead) and new referral ids. */
  | { kind: 'referredDepartments' }
  /** Every department code at payload `field` (a code or an array of codes) exists. */
  | { kind: 'departmentsExist'; field: string }
  /** The unit at payload `unitField` exists and is within the actor's reach; a department at `departmentField` exists. */
  | { kind: 'unitWithinReach'; unitField: string; departmentField: string }
  /** The case at payload `field` exists, in scope, of the same kind, not archived, and is not this case. */
  | { kind: 'mergeTarget'; field: string }
  /**
   * When payload `field` is `value` (an ACCEPT of an accusation): the deployment's discipline-inspection department
   * as the one referred department, with its new referral id. None configured is a refusal (409).
   */
  | { kind: 'disciplineInspection'; field: string; value: string }
  /**
   * When payload `field` names a case (a repeat's earlier petition): it exists, in scope, is a petition and not
   * this case; `relatedCase` says whether its re-review (复核) was completed.
   */
  | { kind: 'relatedCase'; field: string }
  /** When payload `field` is true (ADD_PARTY of a representative): the case may have one more (art. 20 ¶3). */
  | { kind: 'representativeLimit'; field: string }
  /**
   * Which of the case's running clocks of `keys` are past due at the event (`pastDue`), whether or not their
   * breach has fired yet: a statutory window closes at its due time, not when the worker gets to it.
   */
  | { kind: 'clocksPastDue'; keys: string[] }
  /**
   * The person an assignment event is about: the user at payload `field`, else the acting person (a key is no
   * person). Active, holding one of `roles`, and working where the subject is: the case's unit within their unit's
   * subtree, or for a referral, staff of its department within their unit limit.
   */
  | { kind: 'person'; field?: string; roles: readonly UserRole[] }
  /** UNASSIGN: the acting person, if a person acts, and whether they may hand out work (`dispatcher`). */
  | { kind: 'dispatcher' };

/**
 * How the engine treats an event beyond running the machine: `sealParty` writes the payload's party sealed and
 * logs only its reference (no PII in the log); `extendClock` extends the running clock by the payload's days.
 */
export type EventHandling = 'sealParty' | 'extendClock';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each machine's reasons read its own context type
export type GuardReason = string | ((context: any, event: MachineEvent) => string);

/** A versioned machine with the contract the engine needs: a case kind's, or the referral machine. */
export interface MachineWorkflow<TMachine extends AnyStateMachine = AnyStateMachine> {
  version: number;
  machine: TMachine;
  /** Every event the machine accepts anywhere, with its payload schema. */
  events: Readonly<Record<string, EventSpec>>;
  /**
   * For each named guard that can refuse a client event, the sentence the client reads when it does; a
   * function may name the specifics (e.g. which department's responsibility list lacks the category).
   */
  guardReasons: Readonly<Record<string, GuardReason>>;
  /** What the subject is called in a refusal: `a dispute case`, `a referral`. */
  noun: string;
  /** Per event type, the facts its guards or its payload's references need (none when absent). */
  facts?: Readonly<Record<string, FactNeed | readonly FactNeed[]>>;
  /** Per event type, what the engine does with it besides the transition (nothing when absent). */
  handling?: Readonly<Record<string, EventHandling>>;
}

/** A versioned case machine. */
export interface CaseWorkflow<TMachine extends AnyStateMachine = AnyStateMachine> extends MachineWorkflow<TMachine> {
  kind: CaseKind;
  /** The prefix of its cases' references: `DSP-2026-000123`. */
  referencePrefix: string;
  /** The referral machine version its referrals are issued on (1 when absent). */
  referralVersion?: number;
}

/** What a referral machine starts from: the REFER that issued it, for this department. */
export interface ReferralInput {
  departmentCode: string;
  role: ReferralRole;
  instructions: string;
  dueInWorkingDays: number | null;
  shareParties: boolean;
  /**
   * A petition handed on (转送, 信访工作条例 art. 23 ¶3) rather than a department's part of a case: present (true)
   * only then, so referrals issued by REFER keep the inputs they always had.
   */
  transfer?: true;
}

/** `{ mediation: 'in_session' }` → `mediation.in_session`. */
export function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1) throw new Error(`case machines have no parallel states: ${JSON.stringify(value)}`);
  const [key, child] = entries[0]!;
  return `${key}.${statePath(child)}`;
}

export function stageOf(path: string): Stage {
  return path.split('.')[0] as Stage;
}
