import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import type { Effect, MachineEvent, MachineWorkflow } from '#domain';
import { restoreSnapshot, storeSnapshot, type StoredSnapshot } from '../runtime/machine-runtime.js';
import { effectsOf, walkGraph } from './graph-audit.js';

/**
 * Event histories of a machine version, as cases on it record them: every path a walk of its graph finds, kept
 * as a tree (each step names the step before it, so a history is the chain of steps up to the root), with the
 * snapshot and the effects each event produced. Replaying the histories through today's code must reproduce
 * them exactly: that is what keeps a released version's running cases where they were.
 */
export interface RecordedHistories {
  input: object;
  /** The snapshot a new case starts in, and the effects of starting it. */
  start: { snapshot: number; effects: Effect[] };
  /** Every distinct event and snapshot once; steps refer to them by index. */
  events: MachineEvent[];
  snapshots: StoredSnapshot[];
  /** `after` is the index of the step this one follows, -1 for the start. */
  steps: Array<{ after: number; event: number; snapshot: number; effects: Effect[] }>;
}

/** A step of a history that today's machine takes differently, or refuses. */
export interface ReplayMismatch {
  /** The events from the start up to and including the one that differs. */
  history: string[];
  what: 'refused' | 'snapshot' | 'effects';
  expected: unknown;
  actual: unknown;
}

/**
 * Walks `workflow` with `samples` from `input` and records, for every distinct way the machine can take an event
 * (the state it is in, the transitions it takes, the state it ends in and the effects it asks for), the shortest
 * history that ends with it. Histories that share a beginning share its steps.
 */
export function recordHistories(workflow: MachineWorkflow, samples: MachineEvent[], input: object): RecordedHistories {
  const { machine } = workflow;
  const [initial, initialActions] = initialTransition(machine, input) as [AnyMachineSnapshot, Actions];
  const outgoing = new Map<string, MachineEvent[]>();
  for (const { from, event } of walkGraph(workflow, samples, input).steps) {
    const key = canonical(storeSnapshot(from));
    outgoing.set(key, [...(outgoing.get(key) ?? []), event]);
  }
  // Breadth first: the first edge to reach a snapshot is on its shortest history, and the first edge that shows
  // a way of taking an event is the end of that way's shortest history.
  interface Edge {
    parent: Edge | null;
    event: MachineEvent;
    to: StoredSnapshot;
    effects: Effect[];
  }
  const reaching = new Map<string, Edge | null>([[canonical(storeSnapshot(initial)), null]]);
  const shown = new Set<string>();
  const ends: Edge[] = [];
  const queue: Array<{ key: string; snapshot: AnyMachineSnapshot }> = [
    { key: canonical(storeSnapshot(initial)), snapshot: initial },
  ];
  while (queue.length) {
    const { key, snapshot } = queue.shift()!;
    for (const event of outgoing.get(key) ?? []) {
      // An event the machine refuses here is answered 409 and recorded nowhere: no history holds it.
      const taken = machine.getTransitionData(snapshot as never, event as never).map((t) => {
        const branches = (t.source.transitions.get(t.eventType) ?? []) as unknown[];
        return `${t.source.id}:${t.eventType}#${branches.indexOf(t)}`;
      });
      if (!taken.length) continue;
      const [next, actions] = transition(machine, restoreSnapshot(workflow, storeSnapshot(snapshot)), event as never);
      const to = storeSnapshot(next as AnyMachineSnapshot);
      const edge: Edge = { parent: reaching.get(key)!, event, to, effects: effectsOf(actions as Actions) };
      const way = canonical({ from: snapshot.value, taken, to: to.value, effects: edge.effects });
      if (!shown.has(way)) {
        shown.add(way);
        ends.push(edge);
      }
      const toKey = canonical(to);
      if (!reaching.has(toKey)) {
        reaching.set(toKey, edge);
        queue.push({ key: toKey, snapshot: next as AnyMachineSnapshot });
      }
    }
  }
  const events = new Interner<MachineEvent>();
  const snapshots = new Interner<StoredSnapshot>();
  const start = { snapshot: snapshots.index(storeSnapshot(initial)), effects: effectsOf(initialActions) };
  const steps: RecordedHistories['steps'] = [];
  const stepOf = new Map<Edge, number>();
  const record = (edge: Edge | null): number => {
    if (!edge) return -1;
    let i = stepOf.get(edge);
    if (i === undefined) {
      const after = record(edge.parent);
      i = steps.push({
        after,
        event: events.index(edge.event),
        snapshot: snapshots.index(edge.to),
        effects: edge.effects,
      });
      stepOf.set(edge, --i);
    }
    return i;
  };
  ends.forEach(record);
  return { input, start, events: events.values, snapshots: snapshots.values, steps };
}

type Actions = Array<{ type: string; params?: unknown }>;

/**
 * Replays every recorded history through `workflow` as the engine runs a case: from the stored snapshot of
 * the step before (restored from its JSON), one event at a time. Returns every step that came out differently.
 */
export function replayHistories(workflow: MachineWorkflow, recorded: RecordedHistories): ReplayMismatch[] {
  const mismatches: ReplayMismatch[] = [];
  const [initial, initialActions] = initialTransition(workflow.machine, recorded.input) as [
    AnyMachineSnapshot,
    Actions,
  ];
  const replayed = new Map<number, StoredSnapshot>();
  const historyOf = (step: number): string[] =>
    step < 0 ? [] : [...historyOf(recorded.steps[step]!.after), recorded.events[recorded.steps[step]!.event]!.type];
  const compare = (step: number, what: 'snapshot' | 'effects', expected: unknown, actual: unknown) => {
    if (canonical(expected) !== canonical(actual))
      mismatches.push({ history: historyOf(step), what, expected, actual });
  };
  const start = storeSnapshot(initial);
  compare(-1, 'snapshot', recorded.snapshots[recorded.start.snapshot], start);
  compare(-1, 'effects', recorded.start.effects, effectsOf(initialActions));
  replayed.set(-1, start);
  recorded.steps.forEach((step, i) => {
    const before = replayed.get(step.after);
    if (!before) return; // the step before already differed
    const snapshot = restoreSnapshot(workflow, JSON.parse(JSON.stringify(before)) as StoredSnapshot);
    const event = recorded.events[step.event]!;
    if (workflow.machine.getTransitionData(snapshot as never, event as never).length === 0) {
      mismatches.push({ history: historyOf(i), what: 'refused', expected: 'accepted', actual: 'refused' });
      return;
    }
    const [to, actions] = transition(workflow.machine, snapshot, event as never);
    const stored = storeSnapshot(to as AnyMachineSnapshot);
    const before_ = mismatches.length;
    compare(i, 'snapshot', recorded.snapshots[step.snapshot], stored);
    compare(i, 'effects', step.effects, effectsOf(actions as Actions));
    if (mismatches.length === before_) replayed.set(i, stored);
  });
  return mismatches;
}

/** JSON with object keys sorted, so that equal values compare equal whatever order their keys were set in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Hands out one index per distinct value (by canonical JSON). */
class Interner<T> {
  readonly values: T[] = [];
  private readonly seen = new Map<string, number>();
  index(value: T): number {
    const key = canonical(value);
    let i = this.seen.get(key);
    if (i === undefined) {
      i = this.values.push(JSON.parse(JSON.stringify(value)) as T) - 1;
      this.seen.set(key, i);
    }
    return i;
  }
}
