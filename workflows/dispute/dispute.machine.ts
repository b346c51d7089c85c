import { and, assign, setup } from 'xstate';
import {
  isBelowLevel,
  MEDIATION_CHANNELS,
  REFERRAL_ROLES,
  RISK_LEVELS,
  s,
  SESSION_OUTCOMES,
  TRANSFER_TARGETS,
  type CaseContextBase,
  type CaseInput,
  type CaseWorkflow,
  type Effect,
  type MachineEvent,
  type MediationChannel,
  type Outcome,
  type SessionOutcome,
  type StateMeta,
  type TransferTarget,
} from '#domain';
import {
  breachOf,
  client,
  commonEvents,
  commonGuardReasons,
  commonHandling,
  commonGuards,
  deadline,
  followUpDeadline,
  ONE_EXTENSION,
  openStateTransitions,
  system,
  text,
  type EventsOf,
  type FollowUp,
} from '../shared/common.js';

export interface DisputeContext extends CaseContextBase {
  tags: string[];
  mediatorId: string | null;
  mediationChannel: MediationChannel | null;
  agreementTerms: string | null;
  judicial: null | 'pending' | 'confirmed' | 'rejected' | 'unconfirmed';
  extended: boolean;
  reopened: boolean;
  openReferrals: string[];
  /** Some referral of the current round replied "not resolved". */
  referralUnresolved: boolean;
  followUp: FollowUp | null;
  mergedInto: string | null;
  transfer: null | { to: TransferTarget; reference: string };
}

const department = s.object({ code: s.code(), role: s.oneOf(REFERRAL_ROLES) });

export const referPayload = s.refine(
  s.object({
    departments: s.optional(s.array(department, { min: 1, max: 10 })),
    departmentCode: s.optional(s.code()),
    instructions: text(),
    dueInWorkingDays: s.optional(s.int({ min: 1, max: 60 })),
    /** The departments need the parties' names and contacts (otherwise they see them masked). */
    shareParties: s.optional(s.boolean()),
  }),
  ({ departments, departmentCode }) => {
    if ((departments === undefined) === (departmentCode === undefined)) {
      return { field: 'departments', message: 'give exactly one of departments or departmentCode' };
    }
    if (!departments) return null;
    if (new Set(departments.map((d) => d.code)).size !== departments.length) {
      return { field: 'departments', message: 'must not name a department twice' };
    }
    if (departments.filter((d) => d.role === 'lead').length !== 1) {
      return { field: 'departments', message: 'must have exactly one lead department' };
    }
    return null;
  },
);

const reason = () => s.object({ reason: text() });

export const disputeEvents = {
  ...commonEvents,
  ACCEPT: client(s.empty(), 'The centre accepts the case for triage.'),
  DECLINE: client(reason(), 'The centre declines the case; it is archived as declined.'),
  MERGE: client(s.object({ intoCaseId: s.uuid() }), 'The case duplicates another and is merged into it.'),
  CLASSIFY: client(
    s.object({
      category: s.code(),
      riskLevel: s.oneOf(RISK_LEVELS),
      tags: s.optional(s.array(s.string({ max: 40 }), { max: 20, unique: true })),
    }),
    'Sets the category, risk level and tags; the state does not change.',
  ),
  ASSIGN_MEDIATOR: client(
    s.object({ mediatorId: s.string({ max: 64 }), channel: s.oneOf(MEDIATION_CHANNELS) }),
    'A mediator takes the case through a mediation channel.',
  ),
  REFER: client(referPayload, 'Refers the case to departments (交办), one of them the lead.'),
  ESCALATE: client(reason(), 'Sends the case up to the parent unit.'),
  SCHEDULE_SESSION: client(
    s.object({ at: s.instant(), location: s.optional(s.string({ max: 200 })) }),
    'Schedules (or reschedules) a mediation session.',
  ),
  RECORD_SESSION: client(
    s.object({ notes: text(), outcome: s.oneOf(SESSION_OUTCOMES) }),
    'Records how a session went: continuing, agreement or failed.',
  ),
  REACH_AGREEMENT: client(s.object({ terms: text() }), 'Records (or replaces) the terms of the mediation agreement.'),
  MEDIATION_FAILED: client(reason(), 'Mediation failed; the case escalates.'),
  CLOSE: client(s.empty(), 'Ends mediation (to follow-up), or archives the case after a follow-up.'),
  REQUEST_JUDICIAL_CONFIRMATION: client(s.empty(), 'Asks the court to confirm the agreement (司法确认).'),
  JUDICIAL_CONFIRMED: client(s.empty(), 'The court confirmed the agreement.'),
  JUDICIAL_REJECTED: client(reason(), 'The court refused to confirm the agreement; mediation resumes.'),
  REFERRAL_REPLIED: system(
    s.object({ referralId: s.uuid(), resolved: s.boolean() }),
    'A department replied to its referral.',
  ),
  REFERRAL_REJECTED: system(s.object({ referralId: s.uuid(), reason: text() }), 'A department refused its referral.'),
  CONVENE_JOINT_MEETING: client(
    s.object({ departmentCodes: s.array(s.code(), { min: 2, max: 20, unique: true }), agenda: s.optional(text()) }),
    'Convenes a joint meeting of departments (联席会议).',
  ),
  TRANSFER_OUT: client(
    s.object({ to: s.oneOf(TRANSFER_TARGETS), reference: s.string({ max: 200 }) }),
    'Hands the case to litigation, arbitration, administrative review or the petition system.',
  ),
  REOPEN: client(reason(), 'Reopens a case after an unsatisfied follow-up (once).'),
};

export type DisputeEvent = EventsOf<typeof disputeEvents>;

export const DISPUTE_DEADLINES = {
  intake: deadline('dispute.intake', 3, 'working_days', 'Escalate and flag for supervision (督办).'),
  triage: deadline('dispute.triage', 3, 'working_days', 'Escalate.'),
  mediation: deadline('dispute.mediation', 30, 'calendar_days', 'Escalate.', ONE_EXTENSION),
  judicial: deadline(
    'dispute.judicial_confirmation',
    30,
    'calendar_days',
    'Go to follow-up with the agreement marked unconfirmed (人民调解法 art. 33).',
  ),
  escalation: deadline(
    'dispute.escalation',
    5,
    'working_days',
    'Escalate to the next level; at the top, flag for supervision.',
  ),
  followUp: followUpDeadline('dispute'),
};

export const notify = (topic: 'supervised' | 'deadline_breached' | 'reopened') =>
  ({ type: 'effect', params: { kind: 'notify', topic } }) as const;
export const BREACHED = notify('deadline_breached');
export const outcome = (value: Outcome) => ({ type: 'setOutcome', params: { outcome: value } }) as const;
export const judicial = (value: DisputeContext['judicial']) =>
  ({ type: 'setJudicial', params: { judicial: value } }) as const;
const DONE = '#dispute.archive.closed';
const FOLLOW_UP = '#dispute.archive.follow_up';
const ESCALATION = '#dispute.escalation.pending';

/** Routing a case to mediation or to departments, from triage or from escalation. */
export const routing = {
  ASSIGN_MEDIATOR: {
    guard: 'notCriticalBelowStreet',
    target: '#dispute.mediation.assigned',
    actions: 'assignMediator',
  },
  REFER: {
    guard: and(['notCriticalBelowStreet', 'categoryClassified', 'withinResponsibilityLists']),
    target: '#dispute.mediation.referred',
    actions: [
      'openReferrals',
      {
        type: 'effect',
        params: ({ event }: { event: MachineEvent }): Effect => ({
          kind: 'referrals.issue',
          referralIds: event.facts.referralIds ?? [],
        }),
      },
    ],
  },
} as const;

/** assigned, in_session and agreement share one clock: the 30 days run across them. */
export const mediationClock = {
  EXTEND_DEADLINE: { guard: 'notExtended', actions: 'markExtended' },
  DEADLINE_WARNING: { actions: 'recorded' },
  DEADLINE_ELAPSED: { guard: breachOf(DISPUTE_DEADLINES.mediation.key), target: ESCALATION, actions: BREACHED },
} as const;

export const disputeMachine = setup({
  types: {
    context: {} as DisputeContext,
    events: {} as DisputeEvent,
    input: {} as CaseInput | undefined,
    meta: {} as StateMeta,
  },
  guards: {
    ...commonGuards,
    notCriticalBelowStreet: ({ context, event }) =>
      !(context.riskLevel === 'critical' && isBelowLevel(event.facts.unit.level, 'street')),
    categoryClassified: ({ context }) => context.category !== null,
    // An unclassified case is categoryClassified's refusal; reporting it twice would only confuse the client.
    withinResponsibilityLists: ({ context: { category }, event }) => {
      const departments = event.facts.departments ?? [];
      return category === null || (departments.length > 0 && departments.every((d) => d.categories.includes(category)));
    },
    sessionOutcomeIs: ({ event }, params: { outcome: SessionOutcome }) =>
      event.type === 'RECORD_SESSION' && event.payload.outcome === params.outcome,
    agreementRecorded: ({ context }) => context.agreementTerms !== null,
    isOpenReferral: ({ context, event }) =>
      (event.type === 'REFERRAL_REPLIED' || event.type === 'REFERRAL_REJECTED') &&
      context.openReferrals.includes(event.payload.referralId),
    isLastOpenReferral: ({ context, event }) =>
      event.type === 'REFERRAL_REPLIED' &&
      context.openReferrals.length === 1 &&
      context.openReferrals[0] === event.payload.referralId,
    allReferralsResolved: ({ context, event }) =>
      event.type === 'REFERRAL_REPLIED' && event.payload.resolved && !context.referralUnresolved,
    // A first unhappy follow-up waits in follow-up for the centre to choose REOPEN or CLOSE.
    awaitsReopenDecision: ({ context, event }) =>
      event.type === 'RECORD_FOLLOW_UP' &&
      event.payload.reached &&
      event.payload.satisfaction <= 2 &&
      !context.reopened,
    canReopen: ({ context: { followUp, reopened } }) =>
      !reopened &&
      followUp !== null &&
      followUp.reached &&
      followUp.satisfaction !== null &&
      followUp.satisfaction <= 2,
    followUpRecorded: ({ context }) => context.followUp !== null,
  },
  actions: {
    /** The engine reads effects from the actions `transition()` returns; running one does nothing. */
    effect: (_, _params: Effect) => {},
    recorded: () => {},
    setOutcome: assign((_, params: { outcome: Outcome | null }) => ({ outcome: params.outcome })),
    supervise: assign({ supervised: true }),
    // At the top of the hierarchy there is no parent to escalate to, so the case is supervised instead.
    superviseAtTop: assign({ supervised: ({ context, event }) => context.supervised || !event.facts.unit.hasParent }),
    markExtended: assign({ extended: true }),
    classify: assign(({ context, event }) =>
      event.type === 'CLASSIFY'
        ? {
            category: event.payload.category,
            riskLevel: event.payload.riskLevel,
            tags: event.payload.tags ?? context.tags,
          }
        : {},
    ),
    // A new mediation starts without the terms of an earlier, failed one.
    assignMediator: assign(({ event }) =>
      event.type === 'ASSIGN_MEDIATOR'
        ? { mediatorId: event.payload.mediatorId, mediationChannel: event.payload.channel, agreementTerms: null }
        : {},
    ),
    openReferrals: assign(({ event }) => ({ openReferrals: event.facts.referralIds ?? [], referralUnresolved: false })),
    settleReferral: assign(({ context, event }) =>
      event.type === 'REFERRAL_REPLIED'
        ? {
            openReferrals: context.openReferrals.filter((id) => id !== event.payload.referralId),
            referralUnresolved: context.referralUnresolved || !event.payload.resolved,
          }
        : {},
    ),
    clearReferrals: assign({ openReferrals: [], referralUnresolved: false }),
    recordTerms: assign(({ event }) =>
      event.type === 'REACH_AGREEMENT' ? { agreementTerms: event.payload.terms } : {},
    ),
    setJudicial: assign((_, params: { judicial: DisputeContext['judicial'] }) => ({ judicial: params.judicial })),
    judicialRejected: assign({ judicial: 'rejected', agreementTerms: null }),
    recordFollowUp: assign(({ event }) =>
      event.type === 'RECORD_FOLLOW_UP'
        ? { followUp: { satisfaction: event.payload.satisfaction, reached: event.payload.reached } }
        : {},
    ),
    // A follow-up already recorded is kept; otherwise the applicant was never reached.
    followUpUnreached: assign({
      followUp: ({ context }) => context.followUp ?? { satisfaction: null, reached: false },
    }),
    reopen: assign({ reopened: true, outcome: null, followUp: null }),
    recordMerge: assign(({ event }) => (event.type === 'MERGE' ? { mergedInto: event.payload.intoCaseId } : {})),
    recordTransfer: assign(({ event }) =>
      event.type === 'TRANSFER_OUT' ? { transfer: { to: event.payload.to, reference: event.payload.reference } } : {},
    ),
  },
}).createMachine({
  id: 'dispute',
  context: ({ input }) => ({
    category: input?.category ?? null,
    riskLevel: null,
    outcome: null,
    supervised: false,
    tags: [],
    mediatorId: null,
    mediationChannel: null,
    agreementTerms: null,
    judicial: null,
    extended: false,
    reopened: false,
    openReferrals: [],
    referralUnresolved: false,
    followUp: null,
    mergedInto: null,
    transfer: null,
  }),
  initial: 'intake',
  states: {
    intake: {
      initial: 'registered',
      on: openStateTransitions('dispute'),
      states: {
        registered: {
          meta: { deadline: DISPUTE_DEADLINES.intake },
          on: {
            ACCEPT: '#dispute.triage.assessing',
            DECLINE: { target: DONE, actions: outcome('declined') },
            MERGE: {
              target: DONE,
              actions: [
                'recordMerge',
                outcome('merged'),
                {
                  type: 'effect',
                  params: ({ event }) => ({ kind: 'case.merge', intoCaseId: event.payload.intoCaseId }),
                },
              ],
            },
            DEADLINE_WARNING: { actions: 'recorded' },
            DEADLINE_ELAPSED: {
              guard: breachOf(DISPUTE_DEADLINES.intake.key),
              target: ESCALATION,
              actions: ['supervise', BREACHED],
            },
          },
        },
      },
    },
    triage: {
      initial: 'assessing',
      on: openStateTransitions('dispute'),
      states: {
        assessing: {
          meta: { deadline: DISPUTE_DEADLINES.triage },
          on: {
            CLASSIFY: { actions: 'classify' },
            ...routing,
            ESCALATE: ESCALATION,
            DEADLINE_WARNING: { actions: 'recorded' },
            DEADLINE_ELAPSED: { guard: breachOf(DISPUTE_DEADLINES.triage.key), target: ESCALATION, actions: BREACHED },
          },
        },
      },
    },
    mediation: {
      initial: 'assigned',
      on: openStateTransitions('dispute'),
      states: {
        assigned: {
          meta: { deadline: DISPUTE_DEADLINES.mediation },
          on: {
            ...mediationClock,
            SCHEDULE_SESSION: 'in_session',
            REACH_AGREEMENT: { target: 'agreement', actions: 'recordTerms' },
            MEDIATION_FAILED: ESCALATION,
            CLOSE: { target: FOLLOW_UP, actions: outcome('resolved') },
          },
        },
        in_session: {
          meta: { deadline: DISPUTE_DEADLINES.mediation },
          on: {
            ...mediationClock,
            SCHEDULE_SESSION: { actions: 'recorded' },
            RECORD_SESSION: [
              { guard: { type: 'sessionOutcomeIs', params: { outcome: 'continuing' } }, target: 'assigned' },
              { guard: { type: 'sessionOutcomeIs', params: { outcome: 'agreement' } }, target: 'agreement' },
              { guard: { type: 'sessionOutcomeIs', params: { outcome: 'failed' } }, target: ESCALATION },
            ],
            REACH_AGREEMENT: { target: 'agreement', actions: 'recordTerms' },
            MEDIATION_FAILED: ESCALATION,
            CLOSE: { target: FOLLOW_UP, actions: outcome('resolved') },
          },
        },
        agreement: {
          meta: { deadline: DISPUTE_DEADLINES.mediation },
          on: {
            ...mediationClock,
            REACH_AGREEMENT: { actions: 'recordTerms' },
            REQUEST_JUDICIAL_CONFIRMATION: {
              guard: 'agreementRecorded',
              target: 'judicial_confirmation',
              actions: judicial('pending'),
            },
            CLOSE: [
              { guard: 'agreementRecorded', target: FOLLOW_UP, actions: outcome('mediated') },
              { target: FOLLOW_UP, actions: outcome('resolved') },
            ],
            MEDIATION_FAILED: ESCALATION,
          },
        },
        judicial_confirmation: {
          meta: { deadline: DISPUTE_DEADLINES.judicial },
          on: {
            DEADLINE_WARNING: { actions: 'recorded' },
            DEADLINE_ELAPSED: {
              guard: breachOf(DISPUTE_DEADLINES.judicial.key),
              target: FOLLOW_UP,
              actions: [judicial('unconfirmed'), outcome('mediated'), BREACHED],
            },
            JUDICIAL_CONFIRMED: { target: FOLLOW_UP, actions: [judicial('confirmed'), outcome('mediated')] },
            JUDICIAL_REJECTED: { target: 'assigned', actions: 'judicialRejected' },
          },
        },
        // No clock of its own: each referral carries its deadline in the referral machine. However the case
        // leaves, it stops waiting: replied referrals close, open ones are cancelled.
        referred: {
          exit: { type: 'effect', params: { kind: 'referrals.settle' } },
          on: {
            REFERRAL_REPLIED: [
              {
                guard: and(['isLastOpenReferral', 'allReferralsResolved']),
                target: FOLLOW_UP,
                actions: ['settleReferral', outcome('resolved')],
              },
              { guard: 'isLastOpenReferral', target: ESCALATION, actions: 'settleReferral' },
              { guard: 'isOpenReferral', actions: 'settleReferral' },
            ],
            REFERRAL_REJECTED: {
              guard: 'isOpenReferral',
              target: '#dispute.triage.assessing',
              actions: 'clearReferrals',
            },
          },
        },
      },
    },
    // The clock sits on the stage node so that it runs across pending and joint_meeting.
    escalation: {
      initial: 'pending',
      meta: { deadline: DISPUTE_DEADLINES.escalation },
      on: {
        ...openStateTransitions('dispute'),
        DEADLINE_WARNING: { actions: 'recorded' },
        DEADLINE_ELAPSED: [
          {
            guard: and([breachOf(DISPUTE_DEADLINES.escalation.key), 'unitHasParent']),
            target: '.pending',
            reenter: true,
            actions: BREACHED,
          },
          { guard: breachOf(DISPUTE_DEADLINES.escalation.key), actions: ['supervise', notify('supervised')] },
        ],
        ...routing,
        CONVENE_JOINT_MEETING: '.joint_meeting',
        TRANSFER_OUT: { target: DONE, actions: ['recordTransfer', outcome('transferred')] },
        // Re-entering the stage (not only pending) starts its clock afresh for the unit that now owns the case.
        ESCALATE: { target: '.pending', reenter: true },
      },
      states: {
        pending: {
          entry: [
            'superviseAtTop',
            {
              type: 'effect',
              params: ({ event }) =>
                event.facts.unit.hasParent ? { kind: 'unit.escalate' } : { kind: 'notify', topic: 'supervised' },
            },
          ],
        },
        joint_meeting: {},
      },
    },
    archive: {
      initial: 'follow_up',
      states: {
        follow_up: {
          meta: { deadline: DISPUTE_DEADLINES.followUp },
          on: {
            ...openStateTransitions('dispute'),
            DEADLINE_WARNING: { actions: 'recorded' },
            DEADLINE_ELAPSED: {
              guard: breachOf(DISPUTE_DEADLINES.followUp.key),
              target: 'closed',
              // The notice reads the context before followUpUnreached fills it in.
              actions: [
                {
                  type: 'effect',
                  params: ({ context }) => ({
                    kind: 'notify',
                    topic: context.followUp ? 'deadline_breached' : 'follow_up_unreached',
                  }),
                },
                'followUpUnreached',
              ],
            },
            RECORD_FOLLOW_UP: [
              { guard: 'awaitsReopenDecision', actions: 'recordFollowUp' },
              { target: 'closed', actions: 'recordFollowUp' },
            ],
            REOPEN: {
              guard: 'canReopen',
              target: '#dispute.triage.assessing',
              actions: ['reopen', notify('reopened')],
            },
            CLOSE: { guard: 'followUpRecorded', target: 'closed' },
          },
        },
        closed: { type: 'final' },
      },
    },
  },
});

export const disputeWorkflow: CaseWorkflow<typeof disputeMachine> = {
  kind: 'dispute',
  version: 1,
  machine: disputeMachine,
  events: disputeEvents,
  noun: 'a dispute case',
  referencePrefix: 'DSP',
  facts: {
    REFER: { kind: 'referredDepartments' },
    CONVENE_JOINT_MEETING: { kind: 'departmentsExist', field: 'departmentCodes' },
    MERGE: { kind: 'mergeTarget', field: 'intoCaseId' },
  },
  handling: commonHandling,
  guardReasons: {
    ...commonGuardReasons,
    notCriticalBelowStreet: 'A critical case below street level must be escalated first (ESCALATE).',
    categoryClassified: 'The case must be classified (CLASSIFY) before it can be referred.',
    withinResponsibilityLists: (context: DisputeContext, event: MachineEvent) => {
      const lacking = (event.facts.departments ?? []).filter((d) => !d.categories.includes(context.category ?? ''));
      return `Category ${context.category} is not on the responsibility list (权责清单) of ${lacking.map((d) => d.code).join(', ') || 'any named department'}.`;
    },
    agreementRecorded: 'No agreement terms are recorded yet (REACH_AGREEMENT).',
    canReopen:
      'A case can be reopened only once, after a follow-up that reached the applicant with satisfaction of 2 or less.',
    followUpRecorded: 'Record the follow-up (RECORD_FOLLOW_UP) before closing the case.',
  },
};
