import type { Actor, CaseFacts, CaseKind, Channel, UserRole } from '#domain';
import type { PartyInput } from '#parties';
import type { CaseRecord } from './case-record.js';

export interface OpenCase {
  kind: CaseKind;
  channel: Channel;
  unitCode: string;
  summary: string;
  description: string;
  category?: string | null;
  occurredAt?: string | null;
  parties: PartyInput[];
  actor: Actor;
  /** The actor's unit path prefix (`/D1/S2/`); null = every unit. */
  scope: string | null;
  /** The machine version to start on, when not the one new cases start on (tests, imports of older cases). */
  machineVersion?: number;
}

export interface SendEvent {
  caseId: string;
  type: string;
  payload?: unknown;
  /** When given, the event applies only if the case is still at this version (409 otherwise). */
  expectedVersion?: number;
  actor: Actor;
  /**
   * The roles a person may act in here, in order, when they hold several: the event is sent in the first that
   * may send it (a leader who is also a mediator takes charge as the leader). Absent: the actor's own role.
   */
  roles?: readonly UserRole[];
  scope: string | null;
  /** Facts only Concord itself can state (which deadline fired). */
  systemFacts?: Pick<CaseFacts, 'deadline'>;
  /** The deadline row this event fires: the event applies only while that row is still pending. */
  firesDeadline?: string;
}

/** An event for a referral: from its department over the API, or from Concord (deadlines, its case). */
export interface ReferralCommand {
  referralId: string;
  type: string;
  payload?: unknown;
  /** When given, the event applies only if the referral is still at this version (409 otherwise). */
  expectedVersion?: number;
  actor: Actor;
  /** The acting department: another department's referral is not found. Null for Concord itself. */
  departmentCode: string | null;
  /**
   * The acting key's unit path prefix: a referral of a case owned outside it is not found. Null for an
   * unscoped key and for Concord itself.
   */
  scope: string | null;
  systemFacts?: Pick<CaseFacts, 'deadline'>;
  firesDeadline?: string;
}

export interface ReferralTransition {
  referralId: string;
  caseId: string;
  state: string;
  version: number;
  event: Transition['event'];
}

export type FireOutcome =
  { outcome: 'fired' } | { outcome: 'ignored'; reason: string } | { outcome: 'not-due'; dueAt: Date };

export interface Transition {
  case: CaseRecord;
  event: { seq: number; type: string; at: Date; hash: string };
}
