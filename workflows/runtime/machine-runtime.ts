import { getNextTransitions, type AnyMachineSnapshot, type AnyTransitionDefinition } from 'xstate';
import {
  DomainError,
  ErrorCode,
  statePath,
  type MachineWorkflow,
  type DeadlineSpec,
  type EventSpec,
  type MachineEvent,
  type StateMeta,
} from '#domain';

/** What `cases.snapshot` holds: enough to restore the machine exactly where it was. */
export interface StoredSnapshot {
  status: string;
  value: unknown;
  context: Record<string, unknown>;
}

export function restoreSnapshot(workflow: MachineWorkflow, stored: StoredSnapshot): AnyMachineSnapshot {
  return workflow.machine.resolveState({ value: stored.value as never, context: stored.context });
}

export function storeSnapshot(snapshot: AnyMachineSnapshot): StoredSnapshot {
  return { status: snapshot.status, value: snapshot.value, context: snapshot.context };
}

/**
 * Whether the case sits in a final state (`archive.closed`). Case machines keep their stages at the top level,
 * so XState's own `status` stays 'active' there; the final node is what tells.
 */
export function isFinal(snapshot: AnyMachineSnapshot): boolean {
  return (snapshot as unknown as { _nodes: Array<{ type: string }> })._nodes.some((node) => node.type === 'final');
}

/**
 * Client events the current state has a transition for. A guard may still refuse one of them, with a
 * reason (409 `rule_violated`).
 */
export function allowedEvents(
  workflow: MachineWorkflow,
  snapshot: AnyMachineSnapshot,
  roles?: readonly string[],
): string[] {
  if (isFinal(snapshot)) return [];
  const types = new Set<string>();
  for (const t of getNextTransitions(snapshot)) {
    const spec = workflow.events[t.eventType];
    if (spec?.source === 'client' && (roles === undefined || roles.some((r) => sendersOf(spec).includes(r))))
      types.add(t.eventType);
  }
  return [...types];
}

/**
 * Who sends a client event: the roles its spec names, else every role that works cases or referrals (as far as
 * the route admits it). A leader sends only the events that name the leader (TAKE_CHARGE, ASSIGN, UNASSIGN,
 * RECUSE).
 */
export const sendersOf = (spec: EventSpec): readonly string[] => spec.senders ?? DEFAULT_SENDERS;
const DEFAULT_SENDERS: readonly string[] = ['admin', 'intake', 'mediator', 'grid_worker', 'department'];

/** The clocks the active state configuration declares, by key, with the id of the state node declaring each. */
export function declaredClocks(snapshot: AnyMachineSnapshot): Map<string, { spec: DeadlineSpec; nodeId: string }> {
  const out = new Map<string, { spec: DeadlineSpec; nodeId: string }>();
  if (isFinal(snapshot)) return out;
  for (const [nodeId, meta] of Object.entries(snapshot.getMeta() as Record<string, StateMeta | undefined>)) {
    if (meta?.deadline) out.set(meta.deadline.key, { spec: meta.deadline, nodeId });
  }
  return out;
}

/**
 * Keys whose declaring state the event exits and enters again (a `reenter: true` transition exits its source
 * and everything below it): such a clock starts afresh, e.g. an escalation that climbs one more level.
 */
export function restartedClocks(
  workflow: MachineWorkflow,
  snapshot: AnyMachineSnapshot,
  event: MachineEvent,
  after: Map<string, { nodeId: string }>,
): Set<string> {
  const restarted = new Set<string>();
  for (const t of workflow.machine.getTransitionData(snapshot as never, event as never)) {
    if (!t.reenter) continue;
    for (const [key, { nodeId }] of after) {
      if (nodeId === t.source.id || nodeId.startsWith(`${t.source.id}.`)) restarted.add(key);
    }
  }
  return restarted;
}

/** Why the machine took no transition for `event`: not accepted here at all, or refused by a guard. */
export function explainRefusal(
  workflow: MachineWorkflow,
  snapshot: AnyMachineSnapshot,
  event: MachineEvent,
): DomainError {
  const state = statePath(snapshot.value);
  const allowed = allowedEvents(workflow, snapshot);
  const final = isFinal(snapshot);
  const candidates = final ? [] : getNextTransitions(snapshot).filter((t) => t.eventType === event.type);
  if (candidates.length === 0) {
    const where = final ? `not allowed: ${state} is final and cannot change` : `not allowed in state ${state}`;
    return new DomainError(ErrorCode.EventNotAllowed, `${event.type} is ${where}.`, { state, allowedEvents: allowed });
  }
  const refusing = [...new Set(candidates.flatMap((t) => failingGuards(workflow, t, snapshot.context, event)))];
  const reasons = refusing.map((name) => {
    const reason = workflow.guardReasons[name];
    return typeof reason === 'function'
      ? reason(snapshot.context, event)
      : (reason ?? `Rule ${name} refused the event.`);
  });
  return new DomainError(
    ErrorCode.RuleViolated,
    reasons.length ? reasons.join(' ') : `${event.type} is refused by a rule of state ${state}.`,
    { state, allowedEvents: allowed, rules: refusing },
  );
}

type GuardRef = string | { type: string; params?: unknown } | ((...args: unknown[]) => boolean);

/** Names of the guards of `transition` that refuse `event` (the children of an `and`, one by one). */
function failingGuards(
  workflow: MachineWorkflow,
  transition: AnyTransitionDefinition,
  context: unknown,
  event: MachineEvent,
): string[] {
  const guards = workflow.machine.implementations.guards as Record<string, (args: unknown, params: unknown) => boolean>;
  const visit = (guard: GuardRef | undefined): string[] => {
    if (!guard) return [];
    if (typeof guard === 'function') {
      const composite = guard as unknown as { name: string; guards?: GuardRef[] };
      if (composite.name === 'and' && composite.guards) return composite.guards.flatMap(visit);
      return [];
    }
    const ref = typeof guard === 'string' ? { type: guard } : guard;
    const impl = guards[ref.type];
    if (typeof impl !== 'function') return [];
    const params = typeof ref.params === 'function' ? ref.params({ context, event }) : ref.params;
    return impl({ context, event }, params) ? [] : [ref.type];
  };
  return visit(transition.guard as GuardRef | undefined);
}
