import { createActor, initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { getAdjacencyMap, getStateNodes, toDirectedGraph, type DirectedGraphNode } from 'xstate/graph';
import {
  statePath,
  validate,
  type CaseInput,
  type MachineWorkflow,
  type Effect,
  type MachineEvent,
  type StateMeta,
} from '#domain';

/** Walking a workflow with `xstate/graph`, and the checks the machine specs run on every step of the walk. */

export interface Step {
  from: AnyMachineSnapshot;
  event: MachineEvent;
  to: AnyMachineSnapshot;
}

/**
 * Structural equality that a JSON round trip must preserve: `undefined` members, `Date`s or class instances
 * in the context would not survive one, and compare unequal here.
 */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const [ka, kb] = [Object.keys(a), Object.keys(b)];
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && same(a[k as never], b[k as never]));
}
const sameSnapshot = (a: AnyMachineSnapshot, b: AnyMachineSnapshot) =>
  same(
    { value: a.value, context: a.context, status: a.status },
    { value: b.value, context: b.context, status: b.status },
  );
const edgeName = (e: ReturnType<typeof transitionEdges>[number]) =>
  `${e.source.id} --${e.label.text}${e.transition.guard ? ' [guarded]' : ''}--> ${e.target.id}`;

export const effectsOf = (actions: Array<{ type: string; params?: unknown }>): Effect[] =>
  actions.filter((a) => a.type === 'effect').map((a) => a.params as Effect);

/** The snapshot as the engine stores it (JSON) and restores it. */
export const roundTrip = (machine: AnyStateMachine, snapshot: AnyMachineSnapshot): AnyMachineSnapshot => {
  const json = JSON.parse(JSON.stringify(snapshot)) as { value: never; context: Record<string, unknown> };
  return machine.resolveState({ value: json.value, context: json.context });
};

export const declaredKeys = (snapshot: AnyMachineSnapshot): string[] =>
  Object.values(snapshot.getMeta() as Record<string, StateMeta | undefined>).flatMap((m) =>
    m?.deadline ? [m.deadline.key] : [],
  );

/** `machine.transition` with one reusable actor scope: xstate's `transition()` builds an actor on every call. */
function stepper(machine: AnyStateMachine) {
  const self = createActor(machine);
  const noop = () => {};
  const scope = {
    self,
    system: self.system,
    id: '',
    sessionId: '',
    logger: noop,
    defer: noop,
    stopChild: noop,
    emit: noop,
    actionExecutor: noop,
  };
  return (snapshot: AnyMachineSnapshot, event: MachineEvent) =>
    machine.transition(snapshot, event as never, scope as never) as AnyMachineSnapshot;
}

/** Every transition of the machine, one per (source × event × guarded branch × target). */
export function transitionEdges(machine: AnyStateMachine) {
  const flatten = (node: DirectedGraphNode): DirectedGraphNode['edges'] => [
    ...node.edges,
    ...node.children.flatMap(flatten),
  ];
  return flatten(toDirectedGraph(machine));
}

/**
 * A snapshot's key in the walk: its value and context, where who works the case (version 2's assignee, leader in
 * charge and recusals: shared/assignment.ts) counts only as whether someone is assigned. The assignment events change
 * nothing else, and every combination of people would multiply the walk; workflows/assignment.spec.ts drives
 * each combination by hand instead.
 */
function serializeWalked({ value, context }: AnyMachineSnapshot): string {
  const people = context as { assignee?: unknown };
  if (!('recused' in (context ?? {}))) return JSON.stringify({ value, context });
  return JSON.stringify({
    value,
    context: {
      ...context,
      assignee: people.assignee != null,
      inCharge: undefined,
      recused: undefined,
    },
  });
}

/**
 * The graph of `workflow` walked with `events` from a new case (`xstate/graph`'s adjacency map): every snapshot
 * reached and every step between two of them. Snapshots are told apart by value and context (serializeWalked).
 */
export function walkGraph(workflow: MachineWorkflow, events: MachineEvent[], input: CaseInput | object) {
  // Events no active state node mentions would only loop back unchanged; skip them.
  const filterEvents = (snapshot: AnyMachineSnapshot, event: MachineEvent) =>
    snapshot._nodes.some((node) => node.transitions.has(event.type));
  const options = {
    events: events as never[],
    input,
    filterEvents: filterEvents as never,
    serializeState: serializeWalked as never,
  };
  const adjacency = getAdjacencyMap(workflow.machine, options) as unknown as Record<
    string,
    { state: AnyMachineSnapshot; transitions: Record<string, { event: MachineEvent; state: AnyMachineSnapshot }> }
  >;
  const steps: Step[] = [];
  for (const { state: from, transitions } of Object.values(adjacency)) {
    for (const { event, state: to } of Object.values(transitions)) steps.push({ from, event, to });
  }
  // Every vertex of the map is reachable from a new case, and every step of every path is one of its edges.
  return { steps, snapshots: Object.values(adjacency).map((v) => v.state) };
}

/**
 * Walks `workflow` with `events` from a new case and reports every way it falls short of the contract; each
 * list is empty for a sound machine. Snapshots are told apart by value and context (serializeWalked), so a guard that
 * depends on context is walked with every context that can reach it.
 */
export function audit(
  workflow: MachineWorkflow,
  events: MachineEvent[],
  input: CaseInput | object = { category: null },
) {
  const { machine } = workflow;
  const { steps, snapshots } = walkGraph(workflow, events, input);
  const reached = new Set(snapshots.flatMap((s) => s._nodes.map((n) => n.id)));
  const taken = new Set<unknown>();
  const roundTripFailures = new Set<string>();
  const refusalsWithoutReason: string[] = [];
  const foreignDeadlines: string[] = [];
  const unhandledDeadlines = new Set<string>();
  const warningMismatches = new Set<string>();
  const next = stepper(machine);
  const restoredFrom = new Map<AnyMachineSnapshot, AnyMachineSnapshot>();
  for (const { from, event, to } of steps) {
    const where = `${JSON.stringify(from.value)} + ${event.type}`;
    const chosen = machine.getTransitionData(from, event);
    chosen.forEach((t) => taken.add(t));
    let restored = restoredFrom.get(from);
    if (!restored) restoredFrom.set(from, (restored = roundTrip(machine, from)));
    if (!sameSnapshot(restored, from) || !sameSnapshot(next(restored, event), to)) roundTripFailures.add(where);
    const keys = declaredKeys(from);
    if (event.type === 'DEADLINE_ELAPSED') {
      const key = event.facts.deadline!.key;
      if (chosen.length && !keys.includes(key)) foreignDeadlines.push(`${where} (${key})`);
      if (!chosen.length && keys.includes(key)) unhandledDeadlines.add(`${where} (${key})`);
    }
    if (event.type === 'DEADLINE_WARNING' && chosen.length > 0 !== keys.length > 0) warningMismatches.add(where);
    if (!chosen.length && workflow.events[event.type]?.source === 'client') {
      const guards = refusingGuards(workflow, from, event);
      if (!guards.length || guards.some((g) => !workflow.guardReasons[g])) {
        refusalsWithoutReason.push(`${where}: ${guards.join(', ') || 'no named guard'}`);
      }
    }
  }
  // filterEvents skips the deadline events of a state that runs a clock but never mentions them.
  for (const s of snapshots.filter((s) => declaredKeys(s).length > 0)) {
    const mentions = (type: string) => s._nodes.some((n) => n.transitions.has(type));
    if (!mentions('DEADLINE_WARNING')) warningMismatches.add(JSON.stringify(s.value));
    if (!mentions('DEADLINE_ELAPSED')) unhandledDeadlines.add(JSON.stringify(s.value));
  }

  return {
    steps,
    snapshots,
    unreachedStates: atomicStateIds(machine).filter((id) => !reached.has(id)),
    untakenTransitions: transitionEdges(machine)
      .filter((e) => !taken.has(e.transition))
      .map(edgeName),
    roundTripFailures: [...roundTripFailures],
    refusalsWithoutReason: [...new Set(refusalsWithoutReason)],
    foreignDeadlines: [...new Set(foreignDeadlines)],
    unhandledDeadlines: [...unhandledDeadlines],
    warningMismatches: [...warningMismatches],
  };
}

/** Static checks of a workflow's declarations against its machine. */
export function declarations(workflow: MachineWorkflow, samples: MachineEvent[]) {
  const nodes = [workflow.machine.root, ...getStateNodes(workflow.machine)];
  const handled = new Set(nodes.flatMap((n) => [...n.transitions.keys()]));
  const declared = Object.keys(workflow.events);
  const guards = Object.keys(workflow.machine.implementations.guards);
  return {
    undeclaredEvents: [...handled].filter((t) => !declared.includes(t)),
    unhandledEvents: declared.filter((t) => !handled.has(t)),
    eventsWithoutSample: declared.filter((t) => !samples.some((e) => e.type === t)),
    invalidSamples: samples
      .filter((e) => !workflow.events[e.type] || !validate(workflow.events[e.type]!.payload, e.payload).ok)
      .map((e) => `${e.type} ${JSON.stringify(e.payload)}`),
    deadlines: nodes.flatMap((n) => {
      const spec = (n.meta as StateMeta | undefined)?.deadline;
      return spec ? [{ node: n.id, ...spec }] : [];
    }),
    reasonsForUnknownGuards: Object.keys(workflow.guardReasons).filter((g) => !guards.includes(g)),
  };
}

export const atomicStateIds = (machine: AnyStateMachine) =>
  getStateNodes(machine)
    .filter((n) => n.type === 'atomic' || n.type === 'final')
    .map((n) => n.id);

// ---- Driving a case by hand ------------------------------------------------------------------------------

/** Starts a case and feeds it `events`, each of which must be accepted. */
export function run(workflow: MachineWorkflow, events: MachineEvent[], input: CaseInput | object = { category: null }) {
  let [snapshot, actions] = initialTransition(workflow.machine, input) as [AnyMachineSnapshot, Array<{ type: string }>];
  for (const event of events) {
    if (refuses(workflow, snapshot, event))
      throw new Error(`${event.type} refused in ${JSON.stringify(snapshot.value)}`);
    [snapshot, actions] = transition(workflow.machine, snapshot, event as never) as [
      AnyMachineSnapshot,
      typeof actions,
    ];
  }
  return {
    snapshot,
    state: statePath(snapshot.value),
    context: snapshot.context as Record<string, unknown>,
    /** The effects of the last event. */
    effects: effectsOf(actions),
    refuses: (event: MachineEvent) => refuses(workflow, snapshot, event),
    refusedBy: (event: MachineEvent) => refusingGuards(workflow, snapshot, event),
  };
}

export const refuses = (workflow: MachineWorkflow, snapshot: AnyMachineSnapshot, event: MachineEvent) =>
  workflow.machine.getTransitionData(snapshot, event).length === 0;

type GuardRef = string | { type: string; params?: unknown };

/** The named guards that refuse `event` in `snapshot` (an `and` is looked into, child by child). */
export function refusingGuards(workflow: MachineWorkflow, snapshot: AnyMachineSnapshot, event: MachineEvent): string[] {
  const impls = workflow.machine.implementations.guards as Record<string, (args: unknown, params: unknown) => boolean>;
  const visit = (guard: unknown): string[] => {
    if (!guard) return [];
    if (typeof guard === 'function') return ((guard as { guards?: unknown[] }).guards ?? []).flatMap(visit);
    const ref = typeof guard === 'string' ? { type: guard, params: undefined } : (guard as Exclude<GuardRef, string>);
    return impls[ref.type]!({ context: snapshot.context, event }, ref.params) ? [] : [ref.type];
  };
  const candidates = snapshot._nodes.flatMap((node) => node.transitions.get(event.type) ?? []);
  return [...new Set(candidates.flatMap((t) => visit(t.guard)))];
}

/**
 * The checks every case machine must pass, from a walk of its whole graph with `sampleEvents`: every state
 * reached, every transition taken, every snapshot surviving a JSON round trip, every refusal explained, and
 * each state handling exactly the deadlines it declares.
 */
export function describeGraphWalk(
  workflow: MachineWorkflow & { kind?: string },
  sampleEvents: MachineEvent[],
  options: { name?: string; input?: object } = {},
): void {
  describe(`${options.name ?? workflow.kind} machine, walked with xstate/graph from the sample events`, () => {
    let report: ReturnType<typeof audit>;
    beforeAll(() => {
      report = audit(workflow, sampleEvents, options.input);
    }, 60_000);

    it('reaches every state', () => {
      expect(report.unreachedStates).toEqual([]);
      expect(report.snapshots.length).toBeGreaterThan(atomicStateIds(workflow.machine).length);
    });

    it('takes every transition: each source, event, guarded branch and target', () => {
      expect(report.untakenTransitions).toEqual([]);
    });

    it('restores every snapshot from JSON to the same snapshot, which takes the same next step', () => {
      expect(report.roundTripFailures).toEqual([]);
    });

    it('explains every refusal of a client event with a guard reason', () => {
      expect(report.refusalsWithoutReason).toEqual([]);
    });

    it('handles, in each state, exactly the deadlines that state declares', () => {
      expect(report.foreignDeadlines).toEqual([]);
      expect(report.unhandledDeadlines).toEqual([]);
      expect(report.warningMismatches).toEqual([]);
    });
  });
}
