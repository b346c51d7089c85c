import { and, assign, setup } from 'xstate';
import {
  MEDIATION_CHANNELS,
  REFERRAL_ROLES,
  s,
  validate,
  type CaseInput,
  type CaseWorkflow,
  type DelegationEnding,
  type Effect,
  type StateMeta,
} from '#domain';
import {
  ASSIGNMENT_ACTIONS,
  ASSIGNMENT_GUARDS,
  assignmentActions,
  assignmentEvents,
  assignmentFacts,
  assignmentGuardReasons,
  assignmentGuards,
  noAssignment,
  withAssignment,
  type AssignmentContext,
} from '../shared/assignment.js';
import { breachOf, client, deadline, inherited, openStateTransitions, text, type EventsOf } from '../shared/common.js';
import {
  BREACHED,
  DISPUTE_DEADLINES,
  disputeEvents,
  disputeMachine,
  disputeWorkflow,
  judicial,
  notify,
  outcome,
  routing,
  type DisputeContext,
} from './dispute.machine.js';

/**
 * Version 2 of the dispute machine: mediation by the letter of 人民调解法 and 民事诉讼法 (docs/statutes.md).
 * What changes from version 1:
 * - the mediation clock stops when the parties reach an agreement: an agreement on day 29 never escalates;
 * - the parties' 30 days to apply for judicial confirmation (人民调解法 art. 33 ¶1, 民事诉讼法 art. 205) run from
 *   the agreement; an application after them is refused;
 * - the court's own 30 days (民事诉讼法 art. 187) run from its acceptance (`COURT_ACCEPTED`), may be extended once
 *   with the approver recorded (the court president, 由本院院长批准), and their breach is the court's delay: the
 *   case is flagged, the agreement is not marked unconfirmed;
 * - a department's "not resolved" reply no longer escalates the case by itself: the case owner decides to
 *   escalate, refer again, mediate, or conclude the case as unresolved with its ground;
 * - a dispute the court delegates before filing (诉前委派) is mediated on the court's clock: 30 days from the
 *   mediator's signed receipt of the court's materials, extended only with both parties' recorded consent, as often
 *   as they agree (特邀调解规定 art. 27); without an agreement it goes back to the court (art. 21 ¶1).
 */
export interface DisputeV2Context extends DisputeContext, AssignmentContext {
  /** The court that accepted the application: its case number and when it accepted (立案). */
  court: null | { caseNumber: string; acceptedAt: string };
  /** The court's clock was extended (once, with its approver); the mediation clock's extension is `extended`. */
  courtExtended: boolean;
  /** Why a case was concluded without a resolution. */
  conclusion: null | { ground: UnresolvedGround; reason: string };
  /** The court's pre-filing delegation (诉前委派): who delegated, its number, and how the mediation ended. */
  delegation: null | Delegation;
}

export interface Delegation {
  /** The delegating court, a department of this deployment. */
  courtCode: string;
  /** The court's delegation number (委派调解案号). */
  number: string;
  /** When the mediator signed for the court's materials: the start of the 30 days. */
  receivedAt: string;
  /** How the mediation ended; null while it runs. */
  ending: DelegationEnding | null;
}

/** Grounds for concluding a case whose departments could not resolve it. */
export const UNRESOLVED_GROUNDS = ['no_violation_found', 'duplicate', 'no_access', 'other'] as const;
export type UnresolvedGround = (typeof UNRESOLVED_GROUNDS)[number];

const approver = s.object({ name: s.string({ max: 100 }), title: s.string({ max: 100 }) });

/** A party's consent as the case file holds it: when it was given and where it is recorded (a signed form, a call). */
const consentRecord = s.object({ at: s.instant(), record: s.string({ max: 200 }) });

/**
 * Version 2's REFER: the reply time may be given as an instant (`dueAt`) instead of working days, and the ceiling
 * on either is a policy (`referral.reply_ceiling`, 60 working days by default) that the engine checks; the
 * schema only bounds the number as a policy's amount is bounded. The departments are checked as in version 1.
 */
export const referPayloadV2 = s.refine(
  s.object({
    departments: s.optional(s.array(s.object({ code: s.code(), role: s.oneOf(REFERRAL_ROLES) }), { min: 1, max: 10 })),
    departmentCode: s.optional(s.code()),
    instructions: text(),
    dueInWorkingDays: s.optional(s.int({ min: 1, max: 365 })),
    dueAt: s.optional(s.instant()),
    shareParties: s.optional(s.boolean()),
  }),
  ({ dueAt, dueInWorkingDays, ...rest }) => {
    if (dueAt !== undefined && dueInWorkingDays !== undefined)
      return { field: 'dueAt', message: 'give dueInWorkingDays or dueAt, not both' };
    const v1 = validate(disputeEvents.REFER.payload, rest);
    return v1.ok ? null : v1.errors[0]!;
  },
);

export const disputeV2Events = {
  ...disputeEvents,
  ...assignmentEvents,
  ASSIGN_MEDIATOR: client(
    s.object({ mediatorId: s.uuid(), channel: s.oneOf(MEDIATION_CHANNELS) }),
    'Assigns the mediation to a user holding the mediator role whose unit’s subtree holds the case (not one who ' +
      'recused themselves); they become its assignee.',
  ),
  REFER: client(
    referPayloadV2,
    'Refers the case to departments (交办), one of them the lead; the reply is due in dueInWorkingDays or at ' +
      'dueAt (not both), within the policy ceiling referral.reply_ceiling (60 working days by default).',
  ),
  EXTEND_DEADLINE: client(
    s.object({
      days: s.int({ min: 1, max: 30 }),
      reason: text(),
      approver: s.optional(approver),
      consent: s.optional(s.object({ applicant: consentRecord, respondent: consentRecord })),
    }),
    "Extends the running clock once, by at most 30 days, with a reason. The court's clock " +
      '(dispute.court_confirmation) is extended only with the approver (the court president) recorded. A ' +
      'court-delegated mediation (dispute.court_delegation) is extended only with both parties’ consent recorded ' +
      '(consent.applicant and consent.respondent), as often as they agree (特邀调解规定 art. 27 ¶1).',
  ),
  RECEIVE_DELEGATION: client(
    s.object({
      courtCode: s.code(),
      delegationNumber: s.string({ max: 100 }),
      receivedAt: s.instant(),
      mediatorId: s.uuid(),
      channel: s.oneOf(MEDIATION_CHANNELS),
    }),
    'The mediator (a user holding the mediator role where the case is, who becomes its assignee) signed for the ' +
      'materials of a dispute the court (a department) delegated before filing ' +
      "(诉前委派): the court's 30 days run from receivedAt (特邀调解规定 art. 27 ¶1, ¶3); on the court mediation " +
      'platform, receivedAt is when the mediator confirmed the delegation there (在线调解规则 art. 24 ¶2).',
  ),
  REQUEST_JUDICIAL_CONFIRMATION: client(
    s.empty(),
    'The parties apply jointly to the court to confirm the agreement (司法确认), within 30 days of the agreement ' +
      '(人民调解法 art. 33); after them the application is refused (409).',
  ),
  COURT_ACCEPTED: client(
    s.object({ courtCaseNumber: s.string({ max: 100 }), acceptedAt: s.instant() }),
    'The court accepted the application (立案): its 30 days to decide start (民事诉讼法 art. 187).',
  ),
  CONCLUDE: client(
    s.object({ ground: s.oneOf(UNRESOLVED_GROUNDS), reason: text() }),
    'The case owner concludes a case its departments could not resolve, with the ground; it goes to follow-up ' +
      'with the outcome unresolved.',
  ),
};

export type DisputeV2Event = EventsOf<typeof disputeV2Events>;

export const COURT_EXTENSION = { maxDays: 30, unit: 'calendar_days' } as const;
/** Both parties may extend a delegated mediation as often as they agree (不受此限): each time by up to 30 days. */
export const DELEGATION_EXTENSION = { maxDays: 30, unit: 'calendar_days', repeatable: true } as const;

export const DISPUTE_V2_DEADLINES = {
  intake: DISPUTE_DEADLINES.intake,
  triage: DISPUTE_DEADLINES.triage,
  mediation: DISPUTE_DEADLINES.mediation,
  judicialApplication: deadline(
    'dispute.judicial_application',
    30,
    'calendar_days',
    'The window to apply for judicial confirmation closes (人民调解法 art. 33); the agreement stands unconfirmed.',
  ),
  // The court's 30 days run from its acceptance (立案), which COURT_ACCEPTED states.
  courtConfirmation: {
    ...deadline(
      'dispute.court_confirmation',
      30,
      'calendar_days',
      "Flag for supervision: the court's 30 days (民事诉讼法 art. 187) have passed without a decision.",
      COURT_EXTENSION,
    ),
    startsFrom: 'acceptedAt',
  },
  replyReview: deadline(
    'dispute.reply_review',
    3,
    'working_days',
    'Flag for supervision: the case owner has not decided what follows an unresolved reply.',
  ),
  escalation: DISPUTE_DEADLINES.escalation,
  followUp: DISPUTE_DEADLINES.followUp,
  // 30 days from the mediator's signed receipt, which RECEIVE_DELEGATION states; both parties may extend them
  // without limit, so each extension is one of as many as they agree.
  courtDelegation: {
    ...deadline(
      'dispute.court_delegation',
      30,
      'calendar_days',
      'The mediation ends without agreement and goes back to the delegating court (特邀调解规定 art. 27 ¶1, art. 21).',
      DELEGATION_EXTENSION,
    ),
    startsFrom: 'receivedAt',
  },
};

const FOLLOW_UP = '#dispute.archive.follow_up';
const V1_TRIAGE = disputeMachine.root.states.triage!;
const V1_ASSESSING = V1_TRIAGE.states.assessing!;
/** The delegation ends: recorded in the context, and reported to the court. */
const delegationEnds = (ending: DelegationEnding) =>
  [
    { type: 'endDelegation', params: { ending } },
    {
      type: 'effect',
      params: ({ context }: { context: DisputeV2Context }): Effect => ({
        kind: 'court.report',
        courtCode: context.delegation!.courtCode,
        delegationNumber: context.delegation!.number,
        ending,
      }),
    },
  ] as const;
const DONE = '#dispute.archive.closed';
const ESCALATION = '#dispute.escalation.pending';
const SUPERVISED = notify('supervised');

/** Version 2's routing: ASSIGN_MEDIATOR names a person (facts.person), who becomes the case's assignee. */
const routingV2 = {
  ...routing,
  ASSIGN_MEDIATOR: {
    ...routing.ASSIGN_MEDIATOR,
    guard: and(['notCriticalBelowStreet', 'notRecused']),
    actions: ['assignMediator', 'takeAssignment'],
  },
} as const;
const V1_ESCALATION = disputeMachine.root.states.escalation!.config;
const V1_ARCHIVE = disputeMachine.root.states.archive!.config;

/** A breach that only flags the case: it stays where it is. */
const supervisedOnBreach = (key: string) => ({ guard: breachOf(key), actions: ['supervise', SUPERVISED] }) as const;

const V1_GUARDS = [
  'deadlineIs',
  'unitHasParent',
  'notExtended',
  'notCriticalBelowStreet',
  'categoryClassified',
  'withinResponsibilityLists',
  'sessionOutcomeIs',
  'agreementRecorded',
  'isOpenReferral',
  'isLastOpenReferral',
  'allReferralsResolved',
  'awaitsReopenDecision',
  'canReopen',
  'followUpRecorded',
] as const;
const V1_ACTIONS = [
  'recorded',
  'setOutcome',
  'supervise',
  'superviseAtTop',
  'markExtended',
  'classify',
  'assignMediator',
  'openReferrals',
  'settleReferral',
  'clearReferrals',
  'setJudicial',
  'recordFollowUp',
  'followUpUnreached',
  'recordMerge',
  'recordTransfer',
] as const;

export const disputeV2Machine = setup({
  types: {
    context: {} as DisputeV2Context,
    events: {} as DisputeV2Event,
    input: {} as CaseInput | undefined,
    meta: {} as StateMeta,
  },
  guards: {
    ...inherited(disputeMachine.implementations.guards, V1_GUARDS),
    ...inherited(assignmentGuards, ASSIGNMENT_GUARDS),
    // Closed once the 30 days have passed: the engine says so in the facts even before the breach has fired
    // (`unconfirmed` is what the breach records).
    judicialWindowOpen: ({ context, event }) =>
      context.judicial !== 'unconfirmed' &&
      !(event.facts.pastDue ?? []).includes(DISPUTE_V2_DEADLINES.judicialApplication.key),
    courtNotExtended: ({ context }) => !context.courtExtended,
    approverGiven: ({ event }) => event.type === 'EXTEND_DEADLINE' && event.payload.approver !== undefined,
    bothPartiesConsent: ({ event }) => event.type === 'EXTEND_DEADLINE' && event.payload.consent !== undefined,
    isLastOpenReferralUnresolved: ({ context, event }) =>
      event.type === 'REFERRAL_REPLIED' &&
      context.openReferrals.length === 1 &&
      context.openReferrals[0] === event.payload.referralId &&
      (!event.payload.resolved || context.referralUnresolved),
  },
  actions: {
    ...inherited(disputeMachine.implementations.actions, V1_ACTIONS),
    ...inherited(assignmentActions, ASSIGNMENT_ACTIONS),
    effect: (_, _params: Effect) => {},
    markCourtExtended: assign({ courtExtended: true }),
    // The court refused: mediation resumes, and a later agreement starts its own window and court round.
    judicialRejected: assign({
      judicial: 'rejected',
      agreementTerms: null,
      court: null,
      courtExtended: false,
    }),
    // A reopened case is worked afresh: the conclusion it was given belongs to its history.
    reopen: assign({ reopened: true, outcome: null, followUp: null, conclusion: null }),
    // A new agreement opens a new window: the 30 days run from the agreement that takes effect.
    recordTerms: assign(({ event }) =>
      event.type === 'REACH_AGREEMENT' ? { agreementTerms: event.payload.terms, judicial: null } : {},
    ),
    recordCourt: assign(({ event }) =>
      event.type === 'COURT_ACCEPTED'
        ? { court: { caseNumber: event.payload.courtCaseNumber, acceptedAt: event.payload.acceptedAt } }
        : {},
    ),
    recordDelegation: assign(({ event }) =>
      event.type === 'RECEIVE_DELEGATION'
        ? {
            delegation: {
              courtCode: event.payload.courtCode,
              number: event.payload.delegationNumber,
              receivedAt: event.payload.receivedAt,
              ending: null,
            },
            mediatorId: event.payload.mediatorId,
            mediationChannel: event.payload.channel,
            agreementTerms: null,
          }
        : {},
    ),
    endDelegation: assign(({ context }, params: { ending: DelegationEnding }) =>
      context.delegation ? { delegation: { ...context.delegation, ending: params.ending } } : {},
    ),
    // Art. 21 ¶1: the materials go back to the court, which files the case if a party insists on suing.
    returnToCourt: assign(({ context }) => ({
      outcome: 'transferred' as const,
      transfer: { to: 'litigation' as const, reference: context.delegation?.number ?? '' },
    })),
    recordConclusion: assign(({ event }) =>
      event.type === 'CONCLUDE' ? { conclusion: { ground: event.payload.ground, reason: event.payload.reason } } : {},
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
    court: null,
    courtExtended: false,
    conclusion: null,
    delegation: null,
    ...noAssignment(),
  }),
  initial: 'intake',
  states: {
    intake: withAssignment(disputeMachine.root.states.intake!.config) as never,
    triage: {
      ...withAssignment(V1_TRIAGE.config),
      states: {
        assessing: {
          ...V1_ASSESSING.config,
          on: {
            ...V1_ASSESSING.config.on,
            ...routingV2,
            RECEIVE_DELEGATION: {
              guard: 'notRecused',
              target: '#dispute.mediation.delegated',
              actions: ['recordDelegation', 'takeAssignment'],
            },
          },
        },
      },
    } as never,
    mediation: {
      initial: 'assigned',
      on: withAssignment({ on: openStateTransitions('dispute') }).on,
      states: {
        // As in version 1: the mediation clock runs while a mediator works, until an agreement.
        assigned: disputeMachine.root.states.mediation!.states.assigned!.config as never,
        in_session: disputeMachine.root.states.mediation!.states.in_session!.config as never,
        // Mediation the court delegated before filing: its own clock, extended only by both parties' consent.
        // However it ends, the court is told: an agreement goes on to the parties' window to apply for judicial
        // confirmation (art. 24 ¶3: the agreement takes effect once signed); anything else goes back to the court.
        delegated: {
          meta: { deadline: DISPUTE_V2_DEADLINES.courtDelegation },
          on: {
            SCHEDULE_SESSION: { actions: 'recorded' },
            RECORD_SESSION: { actions: 'recorded' },
            EXTEND_DEADLINE: { guard: 'bothPartiesConsent', actions: 'recorded' },
            REACH_AGREEMENT: { target: 'agreement', actions: ['recordTerms', ...delegationEnds('agreement')] },
            MEDIATION_FAILED: { target: DONE, actions: [...delegationEnds('failed'), 'returnToCourt'] },
            WITHDRAW: { target: DONE, actions: [...delegationEnds('withdrawn'), outcome('withdrawn')] },
            DEADLINE_WARNING: { actions: 'recorded' },
            // Art. 27 ¶1 with art. 21 (and 在线调解规则 art. 25(6)): the period ran out with no agreement and no
            // agreed extension, so the mediation ends and the materials go back to the court.
            DEADLINE_ELAPSED: {
              guard: breachOf(DISPUTE_V2_DEADLINES.courtDelegation.key),
              target: DONE,
              actions: [...delegationEnds('expired'), 'returnToCourt', BREACHED],
            },
          },
        },
        // The mediation clock has stopped; the parties' 30 days to apply to the court run instead.
        agreement: {
          meta: { deadline: DISPUTE_V2_DEADLINES.judicialApplication },
          on: {
            REACH_AGREEMENT: { target: 'agreement', reenter: true, actions: 'recordTerms' },
            REQUEST_JUDICIAL_CONFIRMATION: {
              guard: and(['agreementRecorded', 'judicialWindowOpen']),
              target: 'judicial_confirmation',
              actions: judicial('pending'),
            },
            CLOSE: [
              { guard: 'agreementRecorded', target: FOLLOW_UP, actions: outcome('mediated') },
              { target: FOLLOW_UP, actions: outcome('resolved') },
            ],
            MEDIATION_FAILED: ESCALATION,
            DEADLINE_WARNING: { actions: 'recorded' },
            DEADLINE_ELAPSED: {
              guard: breachOf(DISPUTE_V2_DEADLINES.judicialApplication.key),
              actions: judicial('unconfirmed'),
            },
          },
        },
        // Applied, then accepted by the court: its 30 days run from its acceptance.
        judicial_confirmation: {
          initial: 'applied',
          on: {
            JUDICIAL_CONFIRMED: { target: FOLLOW_UP, actions: [judicial('confirmed'), outcome('mediated')] },
            JUDICIAL_REJECTED: { target: 'assigned', actions: 'judicialRejected' },
          },
          states: {
            applied: {
              on: { COURT_ACCEPTED: { target: 'in_court', actions: 'recordCourt' } },
            },
            in_court: {
              meta: { deadline: DISPUTE_V2_DEADLINES.courtConfirmation },
              on: {
                EXTEND_DEADLINE: { guard: and(['courtNotExtended', 'approverGiven']), actions: 'markCourtExtended' },
                DEADLINE_WARNING: { actions: 'recorded' },
                DEADLINE_ELAPSED: supervisedOnBreach(DISPUTE_V2_DEADLINES.courtConfirmation.key),
              },
            },
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
              { guard: 'isLastOpenReferralUnresolved', target: 'reply_review', actions: 'settleReferral' },
              { guard: 'isOpenReferral', actions: 'settleReferral' },
            ],
            REFERRAL_REJECTED: {
              guard: 'isOpenReferral',
              target: '#dispute.triage.assessing',
              actions: 'clearReferrals',
            },
          },
        },
        // A department could not resolve the case: its owner decides what follows.
        reply_review: {
          meta: { deadline: DISPUTE_V2_DEADLINES.replyReview },
          on: {
            ...routingV2,
            ESCALATE: ESCALATION,
            CONCLUDE: { target: FOLLOW_UP, actions: ['recordConclusion', outcome('unresolved')] },
            DEADLINE_WARNING: { actions: 'recorded' },
            DEADLINE_ELAPSED: supervisedOnBreach(DISPUTE_V2_DEADLINES.replyReview.key),
          },
        },
      },
    },
    escalation: { ...V1_ESCALATION, on: { ...withAssignment(V1_ESCALATION).on, ...routingV2 } } as never,
    archive: {
      ...V1_ARCHIVE,
      states: { ...V1_ARCHIVE.states, follow_up: withAssignment(V1_ARCHIVE.states!.follow_up!) },
    } as never,
  },
});

export const disputeV2Workflow: CaseWorkflow<typeof disputeV2Machine> = {
  kind: 'dispute',
  version: 2,
  machine: disputeV2Machine,
  events: disputeV2Events,
  noun: disputeWorkflow.noun,
  referencePrefix: disputeWorkflow.referencePrefix,
  referralVersion: 2,
  facts: {
    ...disputeWorkflow.facts,
    REQUEST_JUDICIAL_CONFIRMATION: { kind: 'clocksPastDue', keys: [DISPUTE_V2_DEADLINES.judicialApplication.key] },
    ...assignmentFacts,
    ASSIGN_MEDIATOR: { kind: 'person', field: 'mediatorId', roles: ['mediator'] },
    RECEIVE_DELEGATION: [
      { kind: 'departmentsExist', field: 'courtCode' },
      { kind: 'person', field: 'mediatorId', roles: ['mediator'] },
    ],
  },
  handling: disputeWorkflow.handling,
  guardReasons: {
    ...disputeWorkflow.guardReasons,
    ...assignmentGuardReasons,
    judicialWindowOpen:
      'The 30 days to apply for judicial confirmation (人民调解法 art. 33) have passed; the agreement stands as it is.',
    courtNotExtended: "The court's clock has already been extended once.",
    approverGiven:
      "The court's clock is extended only with its approver recorded (民事诉讼法 art. 187): give approver.",
    bothPartiesConsent:
      'A court-delegated mediation is extended only with both parties’ consent (特邀调解规定 art. 27 ¶1): give ' +
      'consent.applicant and consent.respondent, each with when it was given and where it is recorded.',
  },
};
