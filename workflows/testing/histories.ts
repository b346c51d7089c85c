import type { AnyMachineSnapshot } from 'xstate';
import type { Effect, MachineEvent, MachineWorkflow } from '#domain';
import { decide, start as startOf } from '../runtime/decide.js';
import { restoreSnapshot, storeSnapshot, type StoredSnapshot } from '../runtime/machine-runtime.js';
import { walkGraph } from './graph-audit.js';

/**
 * Event histories of a machine version, as cases on it record them: every path a walk of its graph finds, kept
 * as a tree (each step names the step before it, so a history is the chain of steps up to the root), with the
 * snapshot and the effects each event produced. Replaying the histories through today's code must reproduce
 * them exactly: that is what keeps a released version's running cases where they were.
 */
export interface RecordedHistories {
  input: object;
  /** The snapshot a new case starts in, and the effects of starting it. */
  start: { snapshot: number; effects: Effect[]; clocks: string[] };
  /** Every distinct event and snapshot once; steps refer to them by index. */
  events: MachineEvent[];
  snapshots: StoredSnapshot[];
  /** `after` is the index of the step this one follows, -1 for the start. */
  steps: Array<{ after: number; event: number; snapshot: number; effects: Effect[]; clocks: Clocks }>;
}

/** A step of a history that today's machine takes differently, or refuses. */
export interface ReplayMismatch {
  /** The events from the start up to and including the one that differs. */
  history: string[];
  what: 'refused' | 'snapshot' | 'effects' | 'clocks';
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
  const started = startOf(workflow, input);
  const initial = started.next;
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
    clocks: Clocks;
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
      const decision = step(workflow, storeSnapshot(snapshot), event);
      if (!decision.ok) continue;
      const { next } = decision;
      const to = storeSnapshot(next);
      const edge: Edge = {
        parent: reaching.get(key)!,
        event,
        to,
        effects: decision.effects,
        clocks: clocksOf(decision.clocks),
      };
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
  const start = {
    snapshot: snapshots.index(storeSnapshot(initial)),
    effects: started.effects,
    clocks: [...started.clocks.after.keys()].sort(),
  };
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
        clocks: edge.clocks,
      });
      stepOf.set(edge, --i);
    }
    return i;
  };
  ends.forEach(record);
  return { input, start, events: events.values, snapshots: snapshots.values, steps };
}

/**
 * Replays every recorded history through `workflow` as the engine runs a case: from the stored snapshot of
 * the step before (restored from its JSON), one event at a time. Returns every step that came out differently.
 */
export function replayHistories(workflow: MachineWorkflow, recorded: RecordedHistories): ReplayMismatch[] {
  const mismatches: ReplayMismatch[] = [];
  const replayed = new Map<number, StoredSnapshot>();
  const historyOf = (at: number): string[] =>
    at < 0 ? [] : [...historyOf(recorded.steps[at]!.after), recorded.events[recorded.steps[at]!.event]!.type];
  const compare = (at: number, what: ReplayMismatch['what'], expected: unknown, actual: unknown) => {
    if (canonical(expected) === canonical(actual)) return true;
    mismatches.push({ history: historyOf(at), what, expected, actual });
    return false;
  };
  const started = startOf(workflow, recorded.input);
  const start = storeSnapshot(started.next);
  const same = [
    compare(-1, 'snapshot', recorded.snapshots[recorded.start.snapshot], start),
    compare(-1, 'effects', recorded.start.effects, started.effects),
    compare(-1, 'clocks', recorded.start.clocks, [...started.clocks.after.keys()].sort()),
  ];
  if (same.every(Boolean)) replayed.set(-1, start);
  recorded.steps.forEach((recordedStep, i) => {
    const before = replayed.get(recordedStep.after);
    if (!before) return; // the step before already differed
    const decision = step(workflow, before, recorded.events[recordedStep.event]!);
    if (!decision.ok) {
      mismatches.push({
        history: historyOf(i),
        what: 'refused',
        expected: 'accepted',
        actual: decision.refusal.message,
      });
      return;
    }
    const stored = storeSnapshot(decision.next);
    const ok = [
      compare(i, 'snapshot', recorded.snapshots[recordedStep.snapshot], stored),
      compare(i, 'effects', recordedStep.effects, decision.effects),
      compare(i, 'clocks', recordedStep.clocks, clocksOf(decision.clocks)),
    ];
    if (ok.every(Boolean)) replayed.set(i, stored);
  });
  return mismatches;
}

/** One recorded event through the functional core, from the snapshot as stored (restored from its JSON). */
function step(workflow: MachineWorkflow, stored: StoredSnapshot, event: MachineEvent) {
  const snapshot = restoreSnapshot(workflow, JSON.parse(JSON.stringify(stored)) as StoredSnapshot);
  return decide(
    workflow,
    snapshot,
    { type: event.type, payload: event.payload as Record<string, unknown>, admitted: true },
    event.facts,
  );
}

/** The clocks a step leaves declared, and those it started afresh. */
type Clocks = { declared: string[]; restarted: string[] };
const clocksOf = (clocks: { after: Map<string, unknown>; restarted: Set<string> }): Clocks => ({
  declared: [...clocks.after.keys()].sort(),
  restarted: [...clocks.restarted].sort(),
});

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
