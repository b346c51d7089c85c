import { and, assign, not, setup } from 'xstate';
import {
  PARTY_ROLES,
  PETITIONER_TOPICS,
  s,
  VULNERABLE_FLAGS,
  type CaseInput,
  type CaseWorkflow,
  type Effect,
  type MachineEvent,
  type StateMeta,
} from '#domain';
import {
  breachOf,
  client,
  deadline,
  inherited,
  followUpDeadline,
  openStateTransitions,
  system,
  text,
  type EventsOf,
} from '../shared/common.js';
import {
  ASSIGNMENT_ACTIONS,
  ASSIGNMENT_GUARDS,
  assignmentActions,
  assignmentEvents,
  assignmentFacts,
  assignmentGuardReasons,
  assignmentGuards,
  assignmentTransitions,
  noAssignment,
  withAssignment,
  type AssignmentContext,
} from '../shared/assignment.js';
import { disputeEvents } from '../dispute/dispute.machine.js';
import {
  PETITION_DEADLINES,
  petitionEvents,
  petitionMachine,
  petitionWorkflow,
  type PetitionContext,
} from './petition.machine.js';

/**
 * Version 2 of the petition machine: 信访工作条例 (2022) as docs/statutes.md quotes it. What changes from version 1:
 * - a petition is classed when it is accepted (art. 29–31): a suggestion is studied and answered, with no opinion
 *   and no review; an accusation goes to the discipline-inspection department and is archived as forwarded; only
 *   a claim (art. 31(6)) is handled with the 60 days, the opinion and 复查/复核. A claim that belongs to
 *   litigation, arbitration or another statutory channel (art. 31(1)–(5)) is directed there;
 * - the 60 days run from acceptance (art. 34), across the choice of a handler; an extension names its approver
 *   (负责人) and the petitioner is told why;
 * - the petitioner's 30 days to ask for 复查 (art. 35) and 复核 (art. 36) start when the written answer is
 *   delivered (`DELIVER_OPINION`), and an undelivered answer shows as overdue;
 * - a review goes to the body one level above (art. 35, 36), recorded as an outside body where the deployment has
 *   none, and a hearing (听证) stops the 复核 clock (art. 36 ¶2);
 * - a repeat of a petition whose 复核 is complete is declined as such (art. 36 ¶3);
 * - a forwarded petition (转送) waits for the receiving body's answer or objection (art. 22–23);
 * - a repeat of a petition still being handled is merged into it;
 * - people work petitions: CLAIM, ASSIGN, UNASSIGN, TAKE_CHARGE (领导包案, art. 18 ¶2) and RECUSE (回避, art. 28 ¶3) in
 *   every open stage (shared/assignment.ts).
 */
export interface PetitionV2Context extends PetitionContext, AssignmentContext {
  petitionType: PetitionType | null;
  /** An accusation is confidential (art. 30): the engine keeps it from everyone but admins, auditors and 纪检监察. */
  confidential: boolean;
  /** Where a claim was directed instead (art. 31(1)–(5)). */
  directedTo: null | { channel: StatutoryChannel; body: string | null };
  /** Who approved the extension of the handling time (art. 34), and why. */
  extension: null | { reason: string; approver: { name: string; title: string } };
  /** The written answer (the opinion, then each review opinion) reached the petitioner. */
  delivered: boolean;
  /** The bodies that review: one level above the handler, then above the reviewer (art. 35, 36). */
  reviewBodies: ReviewBody[];
  /** A hearing (听证) is under way during 复核; its time is not counted. */
  hearing: boolean;
  /** The referral of a forwarded petition (转送) while it waits for the receiving body. */
  openReferrals: string[];
  mergedInto: string | null;
}

export const PETITION_TYPES = ['suggestion', 'accusation', 'claim'] as const;
export type PetitionType = (typeof PETITION_TYPES)[number];

/** art. 31(1)–(5): claims that a statutory channel handles, not the petition system. */
export const STATUTORY_CHANNELS = [
  'litigation',
  'arbitration',
  'administrative_reconsideration',
  'discipline_inspection',
  'other',
] as const;
export type StatutoryChannel = (typeof STATUTORY_CHANNELS)[number];

export const DELIVERY_METHODS = ['in_person', 'post', 'electronic'] as const;

/**
 * A reviewing body: the unit above the one that owned the case when the request came (the case moves up to it),
 * or a body outside this deployment (above its top unit, or a department's superior), by its name.
 */
export type ReviewBody = { stage: 'review' | 're_review' } & (
  { aboveUnit: string } | { outside: { name: string; reference: string | null } }
);

const approver = s.object({ name: s.string({ max: 100 }), title: s.string({ max: 100 }) });
const outsideBody = s.object({ name: s.string({ max: 200 }), reference: s.optional(s.string({ max: 200 })) });
const reviewRequest = () => s.object({ reason: text(), outsideBody: s.optional(outsideBody) });

export const petitionV2Events = {
  ...petitionEvents,
  ...assignmentEvents,
  REFERRAL_REPLIED: disputeEvents.REFERRAL_REPLIED,
  REFERRAL_REJECTED: disputeEvents.REFERRAL_REJECTED,
  ACCEPT: client(
    s.object({ petitionType: s.oneOf(PETITION_TYPES) }),
    'The petition is accepted (受理) and classed (信访工作条例 art. 29–31): a suggestion is studied and answered; ' +
      'an accusation goes to the discipline-inspection department; a claim is handled within 60 days (art. 34).',
  ),
  DIRECT: client(
    s.object({ channel: s.oneOf(STATUTORY_CHANNELS), body: s.optional(s.string({ max: 200 })), reason: text() }),
    'A claim that belongs to litigation, arbitration, administrative reconsideration or another statutory ' +
      'channel is directed there (信访工作条例 art. 31(1)–(5)); archived as directed.',
  ),
  DECLINE: client(
    s.refine(
      s.object({
        reason: text(),
        ground: s.optional(s.oneOf(['already_re_reviewed'] as const)),
        relatedCaseId: s.optional(s.uuid()),
      }),
      (value) =>
        value.ground === 'already_re_reviewed' && value.relatedCaseId === undefined
          ? { field: 'relatedCaseId', message: 'name the case whose re-review (复核) was completed' }
          : null,
    ),
    'The petition is not accepted. With ground already_re_reviewed it repeats a case whose 复核 is complete, ' +
      'which is not accepted again (信访工作条例 art. 36 ¶3); the engine checks the related case.',
  ),
  FORWARD: client(
    s.object({ departmentCode: s.code() }),
    'The petition is handed (转送) to the competent body over the referral protocol; it waits for that body to ' +
      'answer, or to object within 5 working days that the matter is not its own (信访工作条例 art. 23 ¶3).',
  ),
  ADD_PARTY: client(
    s.object({
      role: s.oneOf(PARTY_ROLES),
      name: s.string({ max: 100 }),
      phone: s.optional(s.phone()),
      idNumber: s.optional(s.string({ max: 32 })),
      vulnerable: s.optional(s.array(s.oneOf(VULNERABLE_FLAGS), { max: 4, unique: true })),
      representative: s.optional(s.boolean()),
    }),
    'Another party joins the petition; the state does not change. representative marks one of the ' +
      'representatives a group of petitioners chose: at most 5 on a walk-in petition (信访工作条例 art. 20 ¶3).',
  ),
  MERGE: client(
    s.object({ intoCaseId: s.uuid() }),
    'A repeat of a petition still being handled joins it; both are linked.',
  ),
  EXTEND_DEADLINE: client(
    s.object({ days: s.int({ min: 1, max: 30 }), reason: text(), approver }),
    'Extends the 60 days once, by at most 30 days, with the reason and the approving head (负责人) recorded; the ' +
      'petitioner is told the reason (信访工作条例 art. 34).',
  ),
  ANSWER_SUGGESTION: client(
    s.object({ answer: text() }),
    'The answer to a suggestion (建议意见类, art. 32): studied and answered; there is no review.',
  ),
  DELIVER_OPINION: client(
    s.object({ deliveredAt: s.instant(), method: s.oneOf(DELIVERY_METHODS), proof: s.optional(text()) }),
    'The written answer reached the petitioner (送达): the 30 days to ask for a review run from here ' +
      '(信访工作条例 art. 35, 36).',
  ),
  REQUEST_REVIEW: client(
    reviewRequest(),
    'The petitioner asks for 复查: the body one level above the handler reviews (信访工作条例 art. 35). Where that ' +
      'body is outside this deployment, give it as outsideBody; the request is recorded as sent there.',
  ),
  REQUEST_RE_REVIEW: client(
    reviewRequest(),
    'The petitioner asks for 复核: the body one level above the reviewer decides (信访工作条例 art. 36).',
  ),
  START_HEARING: client(
    s.object({ reason: text() }),
    'A hearing (听证) during 复核: its time is not counted in the 30 days (信访工作条例 art. 36 ¶2).',
  ),
  END_HEARING: client(s.empty(), 'The hearing ended: the 复核 clock runs again.'),
  PETITIONER_NOTIFIED: system(
    s.object({
      topic: s.oneOf(PETITIONER_TOPICS),
      channels: s.array(s.string({ max: 64 }), { min: 1, max: 10 }),
      detail: s.optional(text()),
    }),
    'The petitioner was told (why the handling time was extended, 信访工作条例 art. 34); recorded once the notice ' +
      'went out. A notice to staff is OWNER_NOTIFIED.',
  ),
};

export type PetitionV2Event = EventsOf<typeof petitionV2Events>;

export const PETITION_V2_DEADLINES = {
  // The 2022 text asks, within 15 days, for the petition to be handed on or the petitioner told in writing how it
  // will be handled (art. 22 ¶1, art. 23 ¶2), not merely decided as the 2005 text had it.
  intake: {
    ...PETITION_DEADLINES.intake,
    onBreach:
      'Flag for supervision: within 15 days the petition was neither handed on (转送、交办) nor the petitioner told ' +
      'in writing how it will be handled (信访工作条例 art. 22 ¶1, art. 23 ¶2).',
  },
  handling: PETITION_DEADLINES.handling,
  suggestion: deadline(
    'petition.suggestion',
    60,
    'calendar_days',
    'Flag for supervision: the suggestion has not been answered.',
  ),
  forwarded: deadline(
    'petition.forwarded',
    15,
    'calendar_days',
    'Flag for supervision: the receiving body has not answered (信访工作条例 art. 23 ¶3).',
  ),
  delivery: deadline(
    'petition.delivery',
    10,
    'working_days',
    'Flag for supervision: the written answer has not reached the petitioner.',
  ),
  // The petitioner's 30 days run from receipt of the written answer (art. 35, 36), which DELIVER_OPINION states.
  reviewRequest: { ...PETITION_DEADLINES.reviewRequest, startsFrom: 'deliveredAt' },
  review: PETITION_DEADLINES.review,
  reReviewRequest: { ...PETITION_DEADLINES.reReviewRequest, startsFrom: 'deliveredAt' },
  reReview: { ...PETITION_DEADLINES.reReview, pausable: true },
  followUp: followUpDeadline('petition'),
};

const SUPERVISED = { type: 'effect', params: { kind: 'notify', topic: 'supervised' } } as const;
const outcome = (value: PetitionContext['outcome']) => ({ type: 'setOutcome', params: { outcome: value } }) as const;
const DONE = '#petition.archive.closed';
const FOLLOW_UP = '#petition.archive.follow_up';

const supervisedOnBreach = (key: string) => ({ guard: breachOf(key), actions: ['supervise', SUPERVISED] }) as const;
const opinionStandsOnBreach = (key: string) =>
  ({ guard: breachOf(key), target: FOLLOW_UP, actions: outcome('handled') }) as const;
const clockEffect = (kind: 'clock.pause' | 'clock.resume') =>
  ({ type: 'effect', params: { kind, key: PETITION_V2_DEADLINES.reReview.key } }) as const;
const WAITING = { DEADLINE_WARNING: { actions: 'recorded' } } as const;
/** Every open stage takes the record of a notice to the petitioner, as it takes OWNER_NOTIFIED. */
const openStage = () =>
  ({
    ...openStateTransitions('petition'),
    PETITIONER_NOTIFIED: { actions: 'recorded' },
    ...assignmentTransitions,
  }) as const;
const V1_ARCHIVE = petitionMachine.root.states.archive!.config;

const V1_GUARDS = ['deadlineIs', 'unitHasParent', 'notExtended', 'handlerUnitGiven'] as const;
const V1_ACTIONS = [
  'recorded',
  'setOutcome',
  'supervise',
  'markExtended',
  'recordForward',
  'assignHandler',
  'recordOpinion',
  'setReviewStage',
  'recordFollowUp',
  'followUpUnreached',
] as const;

/** Where a review request goes: a unit one level up, or a body outside the deployment. */
function reviewBody(
  stage: ReviewBody['stage'],
  context: PetitionV2Context,
  event: MachineEvent<string, { outsideBody?: { name: string; reference?: string } }>,
): ReviewBody {
  const outside = event.payload.outsideBody;
  if (outside) return { stage, outside: { name: outside.name, reference: outside.reference ?? null } };
  const handledByDepartment = stage === 'review' && context.handler?.departmentCode && !context.handler.unitCode;
  if (!handledByDepartment && event.facts.unit.hasParent) return { stage, aboveUnit: event.facts.unit.code };
  const below = handledByDepartment ? context.handler!.departmentCode! : event.facts.unit.code;
  return { stage, outside: { name: `the body above ${below}`, reference: null } };
}

/** A repeat of a petition still being handled joins it (from intake or while its handler is chosen). */
const MERGE_INTO = {
  target: DONE,
  actions: [
    'recordMerge',
    outcome('merged'),
    {
      type: 'effect',
      params: ({ event }: { event: MachineEvent }): Effect => ({
        kind: 'case.merge',
        intoCaseId: (event.payload as { intoCaseId: string }).intoCaseId,
      }),
    },
  ],
} as const;

const V1_ASSIGNING = petitionMachine.root.states.triage!.states.assigning!.config.on as Record<'ASSIGN_HANDLER', never>;

export const petitionV2Machine = setup({
  types: {
    context: {} as PetitionV2Context,
    events: {} as PetitionV2Event,
    input: {} as CaseInput | undefined,
    meta: {} as StateMeta,
  },
  guards: {
    ...inherited(petitionMachine.implementations.guards, V1_GUARDS),
    ...inherited(assignmentGuards, ASSIGNMENT_GUARDS),
    typeIs: ({ event }, params: { type: PetitionType }) =>
      event.type === 'ACCEPT' && event.payload.petitionType === params.type,
    alreadyReReviewedClaim: ({ event }) => event.type === 'DECLINE' && event.payload.ground === 'already_re_reviewed',
    relatedCaseReReviewed: ({ event }) => event.facts.relatedCase?.reReviewed === true,
    // The body one level up is a unit of this deployment: the case moves to it, and the lower unit loses sight.
    reviewMovesUp: ({ context, event }) => {
      if (event.type !== 'REQUEST_REVIEW' && event.type !== 'REQUEST_RE_REVIEW') return false;
      return 'aboveUnit' in reviewBody(event.type === 'REQUEST_REVIEW' ? 'review' : 're_review', context, event);
    },
    isForwardReferral: ({ context, event }) =>
      (event.type === 'REFERRAL_REPLIED' || event.type === 'REFERRAL_REJECTED') &&
      context.openReferrals.includes(event.payload.referralId),
  },
  actions: {
    ...inherited(petitionMachine.implementations.actions, V1_ACTIONS),
    ...inherited(assignmentActions, ASSIGNMENT_ACTIONS),
    effect: (_, _params: Effect) => {},
    classify: assign(({ event }) =>
      event.type === 'ACCEPT'
        ? { petitionType: event.payload.petitionType, confidential: event.payload.petitionType === 'accusation' }
        : {},
    ),
    recordDirection: assign(({ event }) =>
      event.type === 'DIRECT'
        ? { directedTo: { channel: event.payload.channel, body: event.payload.body ?? null } }
        : {},
    ),
    recordExtension: assign(({ event }) =>
      event.type === 'EXTEND_DEADLINE'
        ? { extended: true, extension: { reason: event.payload.reason, approver: event.payload.approver } }
        : {},
    ),
    undelivered: assign({ delivered: false }),
    delivered: assign({ delivered: true }),
    recordReviewBody: assign(({ context, event }) =>
      event.type === 'REQUEST_REVIEW' || event.type === 'REQUEST_RE_REVIEW'
        ? {
            reviewBodies: [
              ...context.reviewBodies,
              reviewBody(event.type === 'REQUEST_REVIEW' ? 'review' : 're_review', context, event),
            ],
          }
        : {},
    ),
    startHearing: assign({ hearing: true }),
    endHearing: assign({ hearing: false }),
    openReferrals: assign(({ event }) => ({ openReferrals: event.facts.referralIds ?? [] })),
    clearReferrals: assign({ openReferrals: [] }),
    recordMerge: assign(({ event }) => (event.type === 'MERGE' ? { mergedInto: event.payload.intoCaseId } : {})),
  },
}).createMachine({
  id: 'petition',
  context: ({ input }) => ({
    category: input?.category ?? null,
    riskLevel: null,
    outcome: null,
    supervised: false,
    handler: null,
    opinion: null,
    reviewStage: 'none',
    extended: false,
    followUp: null,
    forwardedTo: null,
    petitionType: null,
    confidential: false,
    directedTo: null,
    extension: null,
    delivered: false,
    reviewBodies: [],
    hearing: false,
    openReferrals: [],
    mergedInto: null,
    ...noAssignment(),
  }),
  initial: 'intake',
  states: {
    intake: {
      initial: 'registered',
      on: openStage(),
      states: {
        registered: {
          meta: { deadline: PETITION_V2_DEADLINES.intake },
          on: {
            ACCEPT: [
              {
                guard: { type: 'typeIs', params: { type: 'suggestion' } },
                target: '#petition.mediation.studying',
                actions: 'classify',
              },
              // An accusation (检举控告类) goes to the discipline-inspection department the engine names in the
              // facts, and only there (art. 30); the engine refuses it while none is configured.
              {
                guard: { type: 'typeIs', params: { type: 'accusation' } },
                target: DONE,
                actions: [
                  'classify',
                  outcome('forwarded'),
                  {
                    type: 'effect',
                    params: ({ event }) => ({ kind: 'referrals.issue', referralIds: event.facts.referralIds ?? [] }),
                  },
                ],
              },
              { target: '#petition.triage.assigning', actions: 'classify' },
            ],
            DIRECT: { target: DONE, actions: ['recordDirection', outcome('directed')] },
            DECLINE: [
              {
                guard: and(['alreadyReReviewedClaim', 'relatedCaseReReviewed']),
                target: DONE,
                actions: outcome('declined'),
              },
              { guard: not('alreadyReReviewedClaim'), target: DONE, actions: outcome('declined') },
            ],
            FORWARD: {
              target: 'forwarded',
              actions: [
                'recordForward',
                'openReferrals',
                {
                  type: 'effect',
                  params: ({ event }) => ({ kind: 'referrals.issue', referralIds: event.facts.referralIds ?? [] }),
                },
              ],
            },
            MERGE: MERGE_INTO,
            ...WAITING,
            DEADLINE_ELAPSED: supervisedOnBreach(PETITION_V2_DEADLINES.intake.key),
          },
        },
        // 转送: the receiving body answers into the petition, or objects that the matter is not its own.
        forwarded: {
          meta: { deadline: PETITION_V2_DEADLINES.forwarded },
          exit: { type: 'effect', params: { kind: 'referrals.settle' } },
          on: {
            REFERRAL_REPLIED: {
              guard: 'isForwardReferral',
              target: FOLLOW_UP,
              actions: ['clearReferrals', outcome('forwarded')],
            },
            REFERRAL_REJECTED: { guard: 'isForwardReferral', target: 'registered', actions: 'clearReferrals' },
            ...WAITING,
            DEADLINE_ELAPSED: supervisedOnBreach(PETITION_V2_DEADLINES.forwarded.key),
          },
        },
      },
    },
    triage: {
      initial: 'assigning',
      on: openStage(),
      states: {
        // The 60 days run from acceptance: choosing the handler is inside them (art. 34).
        assigning: {
          meta: { deadline: PETITION_V2_DEADLINES.handling },
          on: {
            // Choosing the handler, as in version 1.
            ASSIGN_HANDLER: V1_ASSIGNING.ASSIGN_HANDLER,
            MERGE: MERGE_INTO,
            ...handlingClock(),
          },
        },
      },
    },
    mediation: {
      initial: 'handling',
      on: openStage(),
      states: {
        handling: {
          meta: { deadline: PETITION_V2_DEADLINES.handling },
          on: {
            ...handlingClock(),
            ISSUE_OPINION: {
              target: '#petition.escalation.awaiting_delivery',
              actions: ['recordOpinion', 'undelivered'],
            },
          },
        },
        // 建议意见类: studied and answered (art. 32); no opinion, no review.
        studying: {
          meta: { deadline: PETITION_V2_DEADLINES.suggestion },
          on: {
            ANSWER_SUGGESTION: { target: FOLLOW_UP, actions: outcome('handled') },
            ...WAITING,
            DEADLINE_ELAPSED: supervisedOnBreach(PETITION_V2_DEADLINES.suggestion.key),
          },
        },
      },
    },
    // Each written answer is delivered, then the petitioner has 30 days to ask the body one level up.
    escalation: {
      initial: 'awaiting_delivery',
      on: openStage(),
      states: {
        awaiting_delivery: {
          meta: { deadline: PETITION_V2_DEADLINES.delivery },
          on: {
            DELIVER_OPINION: { target: 'awaiting_review_request', actions: 'delivered' },
            ...WAITING,
            DEADLINE_ELAPSED: supervisedOnBreach(PETITION_V2_DEADLINES.delivery.key),
          },
        },
        awaiting_review_request: {
          meta: { deadline: PETITION_V2_DEADLINES.reviewRequest },
          on: {
            ...WAITING,
            DEADLINE_ELAPSED: opinionStandsOnBreach(PETITION_V2_DEADLINES.reviewRequest.key),
            REQUEST_REVIEW: reviewTransition('review'),
          },
        },
        review: {
          meta: { deadline: PETITION_V2_DEADLINES.review },
          on: {
            ...WAITING,
            DEADLINE_ELAPSED: supervisedOnBreach(PETITION_V2_DEADLINES.review.key),
            ISSUE_REVIEW_OPINION: { target: 'awaiting_review_delivery', actions: 'undelivered' },
          },
        },
        awaiting_review_delivery: {
          meta: { deadline: PETITION_V2_DEADLINES.delivery },
          on: {
            DELIVER_OPINION: { target: 'awaiting_re_review_request', actions: 'delivered' },
            ...WAITING,
            DEADLINE_ELAPSED: supervisedOnBreach(PETITION_V2_DEADLINES.delivery.key),
          },
        },
        awaiting_re_review_request: {
          meta: { deadline: PETITION_V2_DEADLINES.reReviewRequest },
          on: {
            ...WAITING,
            DEADLINE_ELAPSED: opinionStandsOnBreach(PETITION_V2_DEADLINES.reReviewRequest.key),
            REQUEST_RE_REVIEW: reviewTransition('re_review'),
          },
        },
        // One clock across the hearing: it stops while the hearing runs and starts again after it.
        re_review: {
          initial: 'deciding',
          meta: { deadline: PETITION_V2_DEADLINES.reReview },
          on: {
            ...WAITING,
            DEADLINE_ELAPSED: supervisedOnBreach(PETITION_V2_DEADLINES.reReview.key),
            ISSUE_RE_REVIEW_OPINION: { target: FOLLOW_UP, actions: outcome('handled') },
          },
          states: {
            deciding: {
              on: { START_HEARING: { target: 'hearing', actions: ['startHearing', clockEffect('clock.pause')] } },
            },
            // However the hearing ends (END_HEARING, or the case leaving 复核), it is over.
            hearing: {
              exit: 'endHearing',
              on: { END_HEARING: { target: 'deciding', actions: [clockEffect('clock.resume')] } },
            },
          },
        },
      },
    },
    archive: {
      ...V1_ARCHIVE,
      states: { ...V1_ARCHIVE.states, follow_up: withAssignment(V1_ARCHIVE.states!.follow_up!) },
    } as never,
  },
});

/** The 60 days of a claim: warned, extended once with its approver, and flagged (and escalated) on breach. */
function handlingClock() {
  return {
    EXTEND_DEADLINE: {
      guard: 'notExtended',
      actions: [
        'recordExtension',
        {
          type: 'effect',
          params: ({ event }: { event: MachineEvent }): Effect => ({
            kind: 'petitioner.notify',
            topic: 'handling_extended',
            detail: (event.payload as { reason: string }).reason,
          }),
        },
      ],
    },
    ...WAITING,
    DEADLINE_ELAPSED: [
      {
        guard: and([breachOf(PETITION_V2_DEADLINES.handling.key), 'unitHasParent']),
        actions: ['supervise', { type: 'effect', params: { kind: 'unit.escalate' } }, SUPERVISED],
      },
      supervisedOnBreach(PETITION_V2_DEADLINES.handling.key),
    ],
  } as const;
}

/** A review request: recorded with its body; the case moves up to it when that body is a unit here. */
function reviewTransition(stage: 'review' | 're_review') {
  const target = stage;
  const record = ['recordReviewBody', { type: 'setReviewStage', params: { stage } }] as const;
  return [
    { guard: 'reviewMovesUp', target, actions: [...record, { type: 'effect', params: { kind: 'unit.escalate' } }] },
    { target, actions: record },
  ] as const;
}

export const petitionV2Workflow: CaseWorkflow<typeof petitionV2Machine> = {
  kind: 'petition',
  version: 2,
  machine: petitionV2Machine,
  events: petitionV2Events,
  noun: petitionWorkflow.noun,
  referencePrefix: petitionWorkflow.referencePrefix,
  referralVersion: 2,
  facts: {
    ACCEPT: { kind: 'disciplineInspection', field: 'petitionType', value: 'accusation' },
    DECLINE: { kind: 'relatedCase', field: 'relatedCaseId' },
    ADD_PARTY: { kind: 'representativeLimit', field: 'representative' },
    FORWARD: { kind: 'referredDepartments' },
    ASSIGN_HANDLER: { kind: 'unitWithinReach', unitField: 'unitCode', departmentField: 'departmentCode' },
    MERGE: { kind: 'mergeTarget', field: 'intoCaseId' },
    ...assignmentFacts,
  },
  handling: petitionWorkflow.handling,
  guardReasons: {
    ...petitionWorkflow.guardReasons,
    ...assignmentGuardReasons,
    relatedCaseReReviewed:
      'The related case has not completed its re-review (复核): only a repeat of a petition whose 复核 is complete is ' +
      'declined on that ground (信访工作条例 art. 36 ¶3).',
  },
};
