import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import {
  DomainError,
  ErrorCode,
  validate,
  type CaseFacts,
  type Effect,
  type MachineEvent,
  type MachineWorkflow,
} from '#domain';
import { declaredClocks, explainRefusal, isFinal, restartedClocks, sendersOf } from './machine-runtime.js';

/** An event as a client or Concord sends it: its payload not yet checked. */
export interface Command {
  type: string;
  payload?: unknown;
  actor: { role: string };
}

/** An event whose payload was checked (by `admit`) or that the event log recorded: it is not checked again. */
export interface Admitted {
  type: string;
  payload: Record<string, unknown>;
  admitted: true;
}

export type Refusal = { ok: false; refusal: DomainError };

type Clocks = ReturnType<typeof declaredClocks>;

/** What an accepted event does: all the engine needs to write it, nothing it has to work out again. */
export interface Decision {
  ok: true;
  /** The machine event the transition ran on (the facts included). */
  event: MachineEvent;
  next: AnyMachineSnapshot;
  /** The effects the transition asks for, in the order its actions named them. */
  effects: Effect[];
  /** Clocks declared before and after, and those whose declaring state was exited and entered again. */
  clocks: { before: Clocks; after: Clocks; restarted: Set<string> };
  /** Whether the subject rests in a final state after the event. */
  final: boolean;
}

/**
 * Whether `command` may be sent at all, before any fact is looked up: 422 for an unknown event or a bad payload,
 * 403 for a system event from a client. The known events listed are those a client may send.
 */
export function admit(workflow: MachineWorkflow, command: Command): Refusal | { ok: true; event: Admitted } {
  const spec = workflow.events[command.type];
  if (!spec) {
    const known = Object.entries(workflow.events)
      .filter(([, e]) => e.source === 'client')
      .map(([t]) => t);
    return refuse(
      DomainError.validation([
        { field: 'type', message: `is not an event of ${workflow.noun} (known: ${known.join(', ')})` },
      ]),
    );
  }
  if (spec.source === 'system' && command.actor.role !== 'system') {
    return refuse(
      new DomainError(ErrorCode.SystemEventOnly, `${command.type} is sent by Concord itself, never by a client.`),
    );
  }
  const senders = sendersOf(spec);
  if (spec.source === 'client' && command.actor.role !== 'system' && !senders.includes(command.actor.role)) {
    return refuse(
      new DomainError(ErrorCode.Forbidden, `${command.type} is sent by ${senders.join(', ')} only.`, { senders }),
    );
  }
  const checked = validate(spec.payload, command.payload ?? {}, 'payload');
  if (!checked.ok) return refuse(DomainError.validation(checked.errors, `The ${command.type} payload is invalid.`));
  return { ok: true, event: { type: command.type, payload: checked.value as Record<string, unknown>, admitted: true } };
}

/**
 * The transition as a pure function: given a machine, where the subject stands, an event and the facts looked up
 * for it, either the refusal the client reads (bad payload, system-only event, not allowed here, or refused by
 * a named guard) or the next snapshot with its effects and clock changes. The engine writes what this returns;
 * the audit replay rebuilds past states with it.
 */
export function decide(
  workflow: MachineWorkflow,
  snapshot: AnyMachineSnapshot,
  event: Command | Admitted,
  facts: CaseFacts,
): Refusal | Decision {
  let admitted: Admitted;
  if ('admitted' in event) admitted = event;
  else {
    const checked = admit(workflow, event);
    if (!checked.ok) return checked;
    admitted = checked.event;
  }
  const machineEvent: MachineEvent = { type: admitted.type, payload: admitted.payload, facts };
  if (workflow.machine.getTransitionData(snapshot as never, machineEvent as never).length === 0) {
    return refuse(explainRefusal(workflow, snapshot, machineEvent));
  }
  const [next, actions] = transition(workflow.machine, snapshot, machineEvent as never);
  const after = declaredClocks(next);
  return {
    ok: true,
    event: machineEvent,
    next,
    effects: effectsOf(actions),
    clocks: {
      before: declaredClocks(snapshot),
      after,
      restarted: restartedClocks(workflow, snapshot, machineEvent, after),
    },
    final: isFinal(next),
  };
}

/** Where a subject starts: its machine's initial state for `input`, with the effects and clocks of entering it. */
export function start(workflow: MachineWorkflow, input: unknown): Omit<Decision, 'event'> {
  const [next, actions] = initialTransition(workflow.machine, input);
  return {
    ok: true,
    next,
    effects: effectsOf(actions),
    clocks: { before: new Map(), after: declaredClocks(next), restarted: new Set() },
    final: isFinal(next),
  };
}

const refuse = (refusal: DomainError): Refusal => ({ ok: false, refusal });

function effectsOf(actions: Array<{ type: string; params?: unknown }>): Effect[] {
  return actions.filter((a) => a.type === 'effect').map((a) => a.params as Effect);
}
