import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import type { DeadlineSpec, StateMeta } from '#domain';

/**
 * What the documentation and the console's state diagram show of a machine, read from its definition: the states
 * nested as declared, the clock each state's `meta` declares, and every transition with its event, guard, targets
 * and actions. A construct the diagrams cannot show (parallel or history states, delayed transitions) is refused,
 * so a machine that starts using one fails the docs test instead of being drawn wrong.
 */
export interface StateModel {
  /** Dotted path from the root: `mediation.assigned`; the root itself is ''. */
  path: string;
  key: string;
  type: 'atomic' | 'compound' | 'final';
  /** Path of the child entered first (compound states). */
  initial: string | null;
  children: StateModel[];
  clock: DeadlineSpec | null;
  entry: string[];
  exit: string[];
}

export interface TransitionModel {
  /** Path of the state that declares it; a stage's transitions apply to every state inside it. */
  source: string;
  event: string;
  /** The guard as written (`notExtended`, `deadlineIs(dispute.intake)`, `a and b`); null when there is none. */
  guard: string | null;
  /** The guard's top-level conjuncts (the parts of an `and`, or the guard itself). */
  guardParts: string[];
  /** Deadline keys the guard checks with `deadlineIs`: the clock whose breach this transition handles. */
  clockKeys: string[];
  /** Target paths; empty when the state stays where it is. */
  targets: string[];
  /** The source is exited and entered again (its clocks start afresh). */
  reenter: boolean;
  actions: string[];
  /** Position among the source's transitions for the same event: XState takes the first whose guard passes. */
  branch: number;
  branches: number;
}

export interface MachineModel {
  id: string;
  root: StateModel;
  transitions: TransitionModel[];
}

const NO_OP_ACTIONS = new Set(['recorded']);

/** The event of an eventless (`always`) transition: taken as soon as its state is entered and its guard passes. */
export const ON_ENTRY = '(on entry)';

/** A transition that changes nothing but is accepted, so that its event is recorded in the case's history. */
export const recordedOnly = (t: TransitionModel): boolean =>
  t.targets.length === 0 && t.guard === null && t.actions.every((a) => NO_OP_ACTIONS.has(a));

export function machineModel(machine: AnyStateMachine): MachineModel {
  const transitions: TransitionModel[] = [];
  const root = visit(machine.root, transitions);
  return { id: machine.id, root, transitions };
}

function pathOf(node: AnyStateNode): string {
  return node.path.join('.');
}

function visit(node: AnyStateNode, transitions: TransitionModel[]): StateModel {
  const where = `${node.machine.id}${node.path.length ? `.${pathOf(node)}` : ''}`;
  if (node.type === 'parallel' || node.type === 'history') {
    throw new Error(`${where}: ${node.type} states are not drawn by the machine diagrams`);
  }
  if (node.after.length > 0) {
    throw new Error(`${where}: delayed transitions are not drawn by the machine diagrams`);
  }
  const eventless: Array<[string, AnyTransitionDefinition[]]> = node.always?.length ? [[ON_ENTRY, node.always]] : [];
  for (const [event, list] of [...eventless, ...node.transitions]) {
    list.forEach((t: AnyTransitionDefinition, i: number) => {
      transitions.push({
        source: pathOf(node),
        event,
        guard: t.guard === undefined ? null : guardLabel(t.guard, false),
        guardParts: t.guard === undefined ? [] : conjuncts(t.guard),
        clockKeys: t.guard === undefined ? [] : clockKeysOf(t.guard),
        targets: (t.target ?? []).map(pathOf),
        reenter: t.reenter,
        actions: t.actions.map(actionLabel),
        branch: i,
        branches: list.length,
      });
    });
  }
  const children = Object.values(node.states as Record<string, AnyStateNode>).map((child) => visit(child, transitions));
  const meta = node.meta as StateMeta | undefined;
  return {
    path: pathOf(node),
    key: node.key,
    type: node.type as StateModel['type'],
    initial: node.type === 'compound' ? pathOf(node.initial.target[0]!) : null,
    children,
    clock: meta?.deadline ?? null,
    entry: node.entry.map(actionLabel),
    exit: node.exit.map(actionLabel),
  };
}

type GuardRef = string | { type: string; params?: unknown } | ((...args: never[]) => unknown);

/** `and(…)`, `or(…)` and `not(…)` are functions carrying their parts in `guards`. */
function composite(guard: GuardRef): { name: string; guards: GuardRef[] } | null {
  if (typeof guard !== 'function') return null;
  const { name, guards } = guard as unknown as { name: string; guards?: GuardRef[] };
  return guards && ['and', 'or', 'not'].includes(name) ? { name, guards } : null;
}

function guardLabel(guard: GuardRef, nested: boolean): string {
  const parts = composite(guard);
  if (parts) {
    if (parts.name === 'not') return `not ${guardLabel(parts.guards[0]!, true)}`;
    const text = parts.guards.map((g) => guardLabel(g, true)).join(` ${parts.name} `);
    return nested ? `(${text})` : text;
  }
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name || 'inline guard';
  return `${guard.type}${paramsLabel(guard.params)}`;
}

function conjuncts(guard: GuardRef): string[] {
  const parts = composite(guard);
  return parts?.name === 'and' ? parts.guards.map((g) => guardLabel(g, true)) : [guardLabel(guard, false)];
}

function clockKeysOf(guard: GuardRef): string[] {
  const parts = composite(guard);
  if (parts) return parts.name === 'and' ? parts.guards.flatMap(clockKeysOf) : [];
  if (typeof guard === 'object' && guard.type === 'deadlineIs') {
    const key = (guard.params as { key?: unknown } | undefined)?.key;
    return typeof key === 'string' ? [key] : [];
  }
  return [];
}

function paramsLabel(params: unknown): string {
  if (params === undefined) return '';
  if (typeof params === 'function') return '(…)';
  if (params === null || typeof params !== 'object') return `(${String(params)})`;
  return `(${Object.values(params).map(String).join(', ')})`;
}

/**
 * Named actions by name (`classify`, `setOutcome(declined)`); effects by what they ask of the engine
 * (`notify: supervised`, `unit.escalate`); an effect computed from the event is `effect (computed)`.
 */
function actionLabel(action: unknown): string {
  if (typeof action === 'string') return action;
  if (typeof action === 'function') {
    const { type, name } = action as { type?: string; name?: string };
    return type ?? (name || 'inline action');
  }
  const { type, params } = action as { type: string; params?: unknown };
  if (type !== 'effect') return `${type}${paramsLabel(params)}`;
  if (typeof params !== 'object' || params === null) return 'effect (computed)';
  const { kind, ...rest } = params as { kind: string } & Record<string, unknown>;
  const detail = rest.topic ?? rest.type;
  return detail === undefined ? kind : `${kind}: ${String(detail)}`;
}

/** Every state, depth first in document order. */
export function statesOf(root: StateModel): StateModel[] {
  return [root, ...root.children.flatMap(statesOf)];
}

/** `mediation.assigned` → `mediation`; '' for a top-level state. */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('.');
  return i < 0 ? '' : path.slice(0, i);
}
