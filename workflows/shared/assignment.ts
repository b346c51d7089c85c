import { and, assign } from 'xstate';
import { s, type FactNeed, type MachineEvent, type UserRole } from '#domain';
import { client, system, text } from './common.js';

/**
 * Who works a case, from machine version 2 on: the person it is assigned to, the leader in personal charge of it
 * (领导包案, 信访工作条例 art. 18 ¶2), and the people who declared a stake in it and may not work it (回避, art. 28 ¶3).
 * Every hand-over is an event in the case's chain; the engine copies `assignee` and `inCharge` into columns for the
 * work queues.
 */
export interface AssignmentContext {
  /** The user working the case. */
  assignee: string | null;
  /** The leader in personal charge (包案). */
  inCharge: string | null;
  /** Users who recused themselves (回避): never assigned this case again. */
  recused: string[];
}

/** A new case's: no one works it yet. */
export const noAssignment = (): AssignmentContext => ({ assignee: null, inCharge: null, recused: [] });

/** The roles that work cases: an assignee holds one of them. */
export const CASE_WORKERS = ['intake', 'mediator', 'grid_worker'] as const satisfies readonly UserRole[];
/** The roles that hand work out: ASSIGN, and UNASSIGN of someone else's case. */
export const DISPATCHERS = ['admin', 'intake', 'leader'] as const satisfies readonly UserRole[];
/** Every role a person may act in on a case, save the auditor's (read-only). */
const CASE_PEOPLE = ['admin', 'intake', 'mediator', 'grid_worker', 'leader'] as const satisfies readonly UserRole[];

export const assignmentEvents = {
  CLAIM: {
    ...client(s.empty(), 'The acting person takes the case on (assignee = themselves), from no one or from another.'),
    senders: CASE_WORKERS,
  },
  ASSIGN: {
    ...client(
      s.object({ userId: s.uuid(), note: s.optional(text()) }),
      'Hands the case to a person holding the intake, mediator or grid_worker role whose unit’s subtree holds the ' +
        'case; one who recused themselves from it cannot be assigned it (信访工作条例 art. 28 ¶3).',
    ),
    senders: DISPATCHERS,
  },
  UNASSIGN: {
    ...client(
      s.object({ reason: s.optional(text()) }),
      'The case goes back to no one: its assignee hands it back, or an admin, intake clerk or leader takes it away.',
    ),
    senders: CASE_PEOPLE,
  },
  TAKE_CHARGE: {
    ...client(
      s.object({ note: s.optional(text()) }),
      'A leader takes personal charge of the case (领导包案, 信访工作条例 art. 18 ¶2); the assignee keeps working it.',
    ),
    senders: ['leader'] as const,
  },
  RECUSE: {
    ...client(
      s.object({ reason: text() }),
      'The acting person declares a stake in the case (回避; for a petition 信访工作条例 art. 28 ¶3): they stop working it, or being in ' +
        'charge of it, and cannot be assigned it again.',
    ),
    senders: CASE_PEOPLE,
  },
  RELEASE_ASSIGNMENT: system(
    s.object({ userId: s.uuid(), as: s.oneOf(['assignee', 'in_charge'] as const), reason: s.oneOf(['out_of_scope']) }),
    'The case moved to a unit outside the person’s scope (an escalation, a new handling unit): they no longer ' +
      'work it, or are no longer in charge of it.',
  ),
};

/** The facts each assignment event needs: the person it is about (`facts.person`) or the dispatcher check. */
export const assignmentFacts = {
  CLAIM: { kind: 'person', roles: CASE_WORKERS },
  ASSIGN: { kind: 'person', field: 'userId', roles: CASE_WORKERS },
  UNASSIGN: { kind: 'dispatcher' },
  TAKE_CHARGE: { kind: 'person', roles: ['leader'] },
  RECUSE: { kind: 'person', roles: CASE_PEOPLE },
} as const satisfies Record<string, FactNeed>;

type Args = { context: AssignmentContext; event: MachineEvent };
const personOf = (event: MachineEvent) => event.facts.person!.id;

export const assignmentGuards = {
  notRecused: ({ context, event }: Args) => !context.recused.includes(personOf(event)),
  notAssignee: ({ context, event }: Args) => context.assignee !== personOf(event),
  notInCharge: ({ context, event }: Args) => context.inCharge !== personOf(event),
  mayUnassign: ({ context, event }: Args) =>
    context.assignee !== null && (event.facts.dispatcher === true || event.facts.person?.id === context.assignee),
};

export const assignmentGuardReasons = {
  notRecused:
    'The person recused themselves from this case (回避; for a petition 信访工作条例 art. 28 ¶3) and cannot work it.',
  notAssignee: 'The case is already assigned to this person.',
  notInCharge: 'This leader is already in charge of the case.',
  mayUnassign:
    'Only the assignee hands a case back; an admin, intake clerk or leader takes it from its assignee. An ' +
    'unassigned case has nothing to hand back.',
};

export const assignmentActions = {
  takeAssignment: assign(({ event }: Args) => ({ assignee: personOf(event) })),
  dropAssignment: assign({ assignee: null }),
  takeCharge: assign(({ event }: Args) => ({ inCharge: personOf(event) })),
  recuse: assign(({ context, event }: Args) => {
    const id = personOf(event);
    return {
      recused: [...context.recused, id],
      assignee: context.assignee === id ? null : context.assignee,
      inCharge: context.inCharge === id ? null : context.inCharge,
    };
  }),
  releaseAssignment: assign(({ context, event }: Args) => {
    const { userId, as } = event.payload as { userId: string; as: 'assignee' | 'in_charge' };
    if (as === 'assignee') return { assignee: context.assignee === userId ? null : context.assignee };
    return { inCharge: context.inCharge === userId ? null : context.inCharge };
  }),
};

/** The names of the guards and actions, for a machine's setup (`inherited`). */
export const ASSIGNMENT_GUARDS = Object.keys(assignmentGuards) as Array<keyof typeof assignmentGuards>;
export const ASSIGNMENT_ACTIONS = Object.keys(assignmentActions) as Array<keyof typeof assignmentActions>;

/** The assignment transitions every open stage of a version-2 case machine takes; none changes the state. */
export const assignmentTransitions = {
  CLAIM: { guard: and(['notRecused', 'notAssignee']), actions: 'takeAssignment' },
  ASSIGN: { guard: and(['notRecused', 'notAssignee']), actions: 'takeAssignment' },
  UNASSIGN: { guard: 'mayUnassign', actions: 'dropAssignment' },
  TAKE_CHARGE: { guard: and(['notRecused', 'notInCharge']), actions: 'takeCharge' },
  RECUSE: { guard: 'notRecused', actions: 'recuse' },
  RELEASE_ASSIGNMENT: { actions: 'releaseAssignment' },
} as const;

/** A stage's config with the assignment transitions added to its own. */
export function withAssignment<C extends { on?: object }>(config: C): C {
  return { ...config, on: { ...config.on, ...assignmentTransitions } };
}

/**
 * A referral's person (version 2 of the referral machine): the department's staff claim it, hand it to a
 * colleague, or hand it back, as people work cases. There is no leader's charge of a referral and no recusal: a
 * department recuses a person by handing the referral to another.
 */
export const referralAssignmentEvents = {
  CLAIM: {
    ...client(s.empty(), 'A person of the department takes the referral on (assignee = themselves).'),
    senders: ['department'] as const,
  },
  ASSIGN: {
    ...client(
      s.object({ userId: s.uuid(), note: s.optional(text()) }),
      'Hands the referral to another person of the department (holding the department role, within their unit ' +
        'limit if they have one).',
    ),
    senders: ['department'] as const,
  },
  UNASSIGN: {
    ...client(s.object({ reason: s.optional(text()) }), 'The referral goes back to no one in the department.'),
    senders: ['department'] as const,
  },
};

export const referralAssignmentFacts = {
  CLAIM: { kind: 'person', roles: ['department'] },
  ASSIGN: { kind: 'person', field: 'userId', roles: ['department'] },
  UNASSIGN: { kind: 'dispatcher' },
} as const satisfies Record<string, FactNeed>;

/** The assignment transitions every open state of a version-2 referral takes; none changes the state. */
export const referralAssignmentTransitions = {
  CLAIM: { guard: 'notAssignee', actions: 'takeAssignment' },
  ASSIGN: { guard: 'notAssignee', actions: 'takeAssignment' },
  UNASSIGN: { guard: 'mayUnassign', actions: 'dropAssignment' },
} as const;
