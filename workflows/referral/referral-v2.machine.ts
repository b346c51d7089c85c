import { setup } from 'xstate';
import { type MachineWorkflow, type ReferralInput, type StateMeta } from '#domain';
import {
  assignmentActions,
  assignmentGuardReasons,
  assignmentGuards,
  referralAssignmentEvents,
  referralAssignmentFacts,
  referralAssignmentTransitions,
} from '../shared/assignment.js';
import { breachOf, deadline, inherited, type EventsOf } from '../shared/common.js';
import {
  REFERRAL_DEADLINES,
  referralEvents,
  referralMachine,
  referralWorkflow,
  type ReferralContext,
} from './referral.machine.js';

/**
 * Version 2 of the referral machine. A referral issued by REFER runs as in version 1. A petition handed on
 * (转送, `FORWARD` of petition version 2) runs by 信访工作条例 art. 23 ¶3: the receiving body tells the petitioner
 * within 15 days of receipt (its REPLY, which returns into the petition), and may object within 5 working days of
 * receipt that the matter is outside its remit (REJECT, with its reasons); once those 5 working days have passed,
 * or it has taken the petition on (ACCEPT), an objection is refused. A person of the department works it: CLAIM,
 * ASSIGN and UNASSIGN in every open state (shared/assignment.ts).
 */
export interface ReferralV2Context extends ReferralContext {
  /** The department's person working the referral. */
  assignee: string | null;
}

export const referralV2Events = { ...referralEvents, ...referralAssignmentEvents };
export const REFERRAL_V2_DEADLINES = {
  ...REFERRAL_DEADLINES,
  transferNotice: deadline(
    'referral.transfer_notice',
    15,
    'calendar_days',
    'Supervise the referral (督办): the receiving body has not told the petitioner within 15 days of receipt.',
  ),
  transferObjection: {
    ...deadline(
      'referral.transfer_objection',
      5,
      'working_days',
      'The 5 working days to object that the petition is outside the receiving body’s remit close.',
    ),
    warnAt: [],
  },
} as const satisfies Record<string, NonNullable<StateMeta['deadline']>>;

const V1_GUARDS = ['deadlineIs'] as const;
const V1_ACTIONS = [
  'effect',
  'recorded',
  'urge',
  'supervise',
  'recordReply',
  'recordRejection',
  'recordCancellation',
] as const;

const v1 = referralMachine.root.states;
const CANCEL = { target: '#referral.cancelled', actions: 'recordCancellation' } as const;

/** The v1 REPLY and REJECT transitions, taken by reference so the answers into the case stay the same. */
const v1Acknowledged = v1.acknowledged!.config.on as Record<string, unknown>;
const v1Accepted = v1.accepted!.config.on as Record<string, unknown>;
/** An open state of version 1 with the assignment transitions added. */
const assignable = <C extends { on?: object }>(config: C) =>
  ({ ...config, on: { ...config.on, ...referralAssignmentTransitions } }) as never;

export const referralV2Machine = setup({
  types: {
    context: {} as ReferralV2Context,
    events: {} as EventsOf<typeof referralV2Events>,
    input: {} as ReferralInput,
    meta: {} as StateMeta,
  },
  guards: {
    ...inherited(referralMachine.implementations.guards, V1_GUARDS),
    ...inherited(assignmentGuards, ['notAssignee', 'mayUnassign'] as const),
    isTransfer: ({ context }) => context.transfer === true,
    // Named so that a refused objection says why: the window has closed (art. 23 ¶3).
    objectionWindowOpen: () => false,
  },
  actions: {
    ...inherited(referralMachine.implementations.actions, V1_ACTIONS),
    ...inherited(assignmentActions, ['takeAssignment', 'dropAssignment'] as const),
  },
}).createMachine({
  id: 'referral',
  // Version 1's context, from the same function, and no one working it yet.
  context: (args) => ({
    ...(referralMachine.config.context as (a: typeof args) => ReferralContext)(args),
    assignee: null,
  }),
  initial: 'issued',
  states: {
    // A referral of a REFER starts here as in version 1; a transfer goes on at once (no acknowledgement clock).
    issued: {
      ...(v1.issued!.config as object),
      on: { ...(v1.issued!.config.on as object), ...referralAssignmentTransitions } as never,
      always: { guard: 'isTransfer', target: 'transfer' },
    },
    acknowledged: assignable(v1.acknowledged!.config),
    accepted: assignable(v1.accepted!.config),
    in_progress: assignable(v1.in_progress!.config),
    // 转送: the 15 days to tell the petitioner run across the whole transfer, the 5 working days to object
    // only while it may still object.
    transfer: {
      meta: { deadline: REFERRAL_V2_DEADLINES.transferNotice },
      initial: 'objectable',
      on: {
        ...referralAssignmentTransitions,
        CANCEL,
        ACKNOWLEDGE: { actions: 'recorded' },
        PROGRESS: { actions: 'recorded' },
        REPLY: v1Accepted.REPLY as never,
        DEADLINE_ELAPSED: {
          guard: breachOf(REFERRAL_V2_DEADLINES.transferNotice.key),
          actions: ['supervise', { type: 'effect', params: { kind: 'notify', topic: 'referral_supervised' } }],
        },
        DEADLINE_WARNING: { actions: 'recorded' },
      },
      states: {
        objectable: {
          meta: { deadline: REFERRAL_V2_DEADLINES.transferObjection },
          on: {
            REJECT: {
              target: '#referral.rejected',
              actions: (v1Acknowledged.REJECT as { actions: unknown }).actions as never,
            },
            ACCEPT: 'within_remit',
            DEADLINE_ELAPSED: { guard: breachOf(REFERRAL_V2_DEADLINES.transferObjection.key), target: 'within_remit' },
          },
        },
        within_remit: {
          on: {
            ACCEPT: { actions: 'recorded' },
            REJECT: { guard: 'objectionWindowOpen', target: '#referral.rejected' },
          },
        },
      },
    },
    replied: v1.replied!.config as never,
    rejected: { type: 'final' },
    closed: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

export const referralV2Workflow: MachineWorkflow<typeof referralV2Machine> = {
  version: 2,
  machine: referralV2Machine,
  events: referralV2Events,
  facts: referralAssignmentFacts,
  guardReasons: {
    ...referralWorkflow.guardReasons,
    notAssignee: assignmentGuardReasons.notAssignee,
    mayUnassign: 'Only the department hands a referral back: an unassigned referral has nothing to hand back.',
    objectionWindowOpen:
      'An objection is refused once the receiving body has taken the petition on or the 5 working days from ' +
      'receipt have passed (信访工作条例 art. 23 ¶3).',
  },
  noun: referralWorkflow.noun,
};
