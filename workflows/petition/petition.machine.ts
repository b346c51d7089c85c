import { and, assign, setup } from 'xstate';
import {
  OPINION_SUPPORT,
  s,
  type CaseContextBase,
  type CaseInput,
  type CaseWorkflow,
  type Effect,
  type OpinionSupport,
  type Outcome,
  type StateMeta,
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
  text,
  type EventsOf,
  type FollowUp,
} from '../shared/common.js';

export interface PetitionContext extends CaseContextBase {
  /** The body that handles the petition (信访事项办理). */
  handler: null | { unitCode?: string; departmentCode?: string };
  opinion: null | { supported: OpinionSupport };
  reviewStage: 'none' | 'review' | 're_review';
  extended: boolean;
  followUp: FollowUp | null;
  forwardedTo: string | null;
}

const opinion = () => s.object({ opinion: text() });
const reason = () => s.object({ reason: text() });

export const petitionEvents = {
  ...commonEvents,
  ACCEPT: client(s.empty(), 'The petition is accepted (受理).'),
  DECLINE: client(reason(), 'The petition is not accepted, e.g. it belongs to litigation; archived as declined.'),
  FORWARD: client(s.object({ departmentCode: s.code() }), 'The petition is forwarded (转送) to the competent body.'),
  ASSIGN_HANDLER: client(
    s.refine(s.object({ unitCode: s.optional(s.code()), departmentCode: s.optional(s.code()) }), (value) =>
      value.unitCode === undefined && value.departmentCode === undefined
        ? { field: 'unitCode', message: 'give a unitCode, a departmentCode or both' }
        : null,
    ),
    'Chooses the body that handles the petition; a unit takes ownership of the case. The unit must be within the ' +
      "actor's scope or above the case's owning unit (its escalation path); any other is refused (409).",
  ),
  ISSUE_OPINION: client(
    s.object({ opinion: text(), supported: s.oneOf(OPINION_SUPPORT) }),
    'The handling opinion (处理意见): the request is fully, partly or not supported.',
  ),
  REQUEST_REVIEW: client(reason(), 'The petitioner asks for a review (复查) of the handling opinion.'),
  ISSUE_REVIEW_OPINION: client(opinion(), 'The review opinion (复查意见).'),
  REQUEST_RE_REVIEW: client(reason(), 'The petitioner asks for a re-review (复核) of the review opinion.'),
  ISSUE_RE_REVIEW_OPINION: client(opinion(), 'The re-review opinion (复核意见); no further review is possible.'),
};

export type PetitionEvent = EventsOf<typeof petitionEvents>;

export const PETITION_DEADLINES = {
  intake: deadline('petition.intake', 15, 'calendar_days', 'Flag for supervision (信访工作条例: 15 days to decide).'),
  handling: deadline(
    'petition.handling',
    60,
    'calendar_days',
    'Flag for supervision and escalate to the parent unit.',
    ONE_EXTENSION,
  ),
  reviewRequest: deadline('petition.review_request', 30, 'calendar_days', 'Go to follow-up; the opinion stands.'),
  review: deadline('petition.review', 30, 'calendar_days', 'Flag for supervision.'),
  reReviewRequest: deadline('petition.re_review_request', 30, 'calendar_days', 'Go to follow-up; the opinion stands.'),
  reReview: deadline('petition.re_review', 30, 'calendar_days', 'Flag for supervision.'),
  followUp: followUpDeadline('petition'),
};

const SUPERVISED = { type: 'effect', params: { kind: 'notify', topic: 'supervised' } } as const;
const HANDLED = { type: 'setOutcome', params: { outcome: 'handled' } } as const;
const DONE = '#petition.archive.closed';
const FOLLOW_UP = '#petition.archive.follow_up';

/** A breach that only flags the case: it stays where it is. */
const supervisedOnBreach = (key: string) => ({ guard: breachOf(key), actions: ['supervise', SUPERVISED] }) as const;
/** A breach while waiting for the petitioner: no request in time, so the opinion stands. */
const opinionStandsOnBreach = (key: string) => ({ guard: breachOf(key), target: FOLLOW_UP, actions: HANDLED }) as const;

export const petitionMachine = setup({
  types: {
    context: {} as PetitionContext,
    events: {} as PetitionEvent,
    input: {} as CaseInput | undefined,
    meta: {} as StateMeta,
  },
  guards: {
    ...commonGuards,
    handlerUnitGiven: ({ event }) => event.type === 'ASSIGN_HANDLER' && event.payload.unitCode !== undefined,
  },
  actions: {
    /** The engine reads effects from the actions `transition()` returns; running one does nothing. */
    effect: (_, _params: Effect) => {},
    recorded: () => {},
    setOutcome: assign((_, params: { outcome: Outcome | null }) => ({ outcome: params.outcome })),
    supervise: assign({ supervised: true }),
    markExtended: assign({ extended: true }),
    recordForward: assign(({ event }) =>
      event.type === 'FORWARD' ? { forwardedTo: event.payload.departmentCode } : {},
    ),
    // Only the codes given: context must survive a JSON round trip, which drops undefined members.
    assignHandler: assign(({ event }) => {
      if (event.type !== 'ASSIGN_HANDLER') return {};
      const { unitCode, departmentCode } = event.payload;
      return { handler: { ...(unitCode ? { unitCode } : {}), ...(departmentCode ? { departmentCode } : {}) } };
    }),
    recordOpinion: assign(({ event }) =>
      event.type === 'ISSUE_OPINION' ? { opinion: { supported: event.payload.supported } } : {},
    ),
    setReviewStage: assign((_, params: { stage: PetitionContext['reviewStage'] }) => ({ reviewStage: params.stage })),
    recordFollowUp: assign(({ event }) =>
      event.type === 'RECORD_FOLLOW_UP'
        ? { followUp: { satisfaction: event.payload.satisfaction, reached: event.payload.reached } }
        : {},
    ),
    followUpUnreached: assign({
      followUp: ({ context }) => context.followUp ?? { satisfaction: null, reached: false },
    }),
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
  }),
  initial: 'intake',
  states: {
    intake: {
      initial: 'registered',
      on: openStateTransitions('petition'),
      states: {
        registered: {
          meta: { deadline: PETITION_DEADLINES.intake },
          on: {
            ACCEPT: '#petition.triage.assigning',
            DECLINE: { target: DONE, actions: { type: 'setOutcome', params: { outcome: 'declined' } } },
            FORWARD: {
              target: DONE,
              actions: ['recordForward', { type: 'setOutcome', params: { outcome: 'forwarded' } }],
            },
            DEADLINE_WARNING: { actions: 'recorded' },
            DEADLINE_ELAPSED: supervisedOnBreach(PETITION_DEADLINES.intake.key),
          },
        },
      },
    },
    triage: {
      initial: 'assigning',
      on: openStateTransitions('petition'),
      states: {
        assigning: {
          on: {
            ASSIGN_HANDLER: [
              {
                guard: 'handlerUnitGiven',
                target: '#petition.mediation.handling',
                actions: [
                  'assignHandler',
                  {
                    type: 'effect',
                    params: ({ event }) => ({ kind: 'unit.assign', unitCode: event.payload.unitCode ?? '' }),
                  },
                ],
              },
              { target: '#petition.mediation.handling', actions: 'assignHandler' },
            ],
          },
        },
      },
    },
    mediation: {
      initial: 'handling',
      on: openStateTransitions('petition'),
      states: {
        handling: {
          meta: { deadline: PETITION_DEADLINES.handling },
          on: {
            EXTEND_DEADLINE: { guard: 'notExtended', actions: 'markExtended' },
            DEADLINE_WARNING: { actions: 'recorded' },
            DEADLINE_ELAPSED: [
              {
                guard: and([breachOf(PETITION_DEADLINES.handling.key), 'unitHasParent']),
                actions: ['supervise', { type: 'effect', params: { kind: 'unit.escalate' } }, SUPERVISED],
              },
              supervisedOnBreach(PETITION_DEADLINES.handling.key),
            ],
            ISSUE_OPINION: { target: '#petition.escalation.awaiting_review_request', actions: 'recordOpinion' },
          },
        },
      },
    },
    // 复查 and 复核: each waits 30 days for the petitioner to ask, then 30 days for the opinion.
    escalation: {
      initial: 'awaiting_review_request',
      on: openStateTransitions('petition'),
      states: {
        awaiting_review_request: {
          meta: { deadline: PETITION_DEADLINES.reviewRequest },
          on: {
            DEADLINE_WARNING: { actions: 'recorded' },
            DEADLINE_ELAPSED: opinionStandsOnBreach(PETITION_DEADLINES.reviewRequest.key),
            REQUEST_REVIEW: { target: 'review', actions: { type: 'setReviewStage', params: { stage: 'review' } } },
          },
        },
        review: {
          meta: { deadline: PETITION_DEADLINES.review },
          on: {
            DEADLINE_WARNING: { actions: 'recorded' },
            DEADLINE_ELAPSED: supervisedOnBreach(PETITION_DEADLINES.review.key),
            ISSUE_REVIEW_OPINION: 'awaiting_re_review_request',
          },
        },
        awaiting_re_review_request: {
          meta: { deadline: PETITION_DEADLINES.reReviewRequest },
          on: {
            DEADLINE_WARNING: { actions: 'recorded' },
            DEADLINE_ELAPSED: opinionStandsOnBreach(PETITION_DEADLINES.reReviewRequest.key),
            REQUEST_RE_REVIEW: {
              target: 're_review',
              actions: { type: 'setReviewStage', params: { stage: 're_review' } },
            },
          },
        },
        re_review: {
          meta: { deadline: PETITION_DEADLINES.reReview },
          on: {
            DEADLINE_WARNING: { actions: 'recorded' },
            DEADLINE_ELAPSED: supervisedOnBreach(PETITION_DEADLINES.reReview.key),
            ISSUE_RE_REVIEW_OPINION: { target: FOLLOW_UP, actions: HANDLED },
          },
        },
      },
    },
    archive: {
      initial: 'follow_up',
      states: {
        follow_up: {
          meta: { deadline: PETITION_DEADLINES.followUp },
          on: {
            ...openStateTransitions('petition'),
            DEADLINE_WARNING: { actions: 'recorded' },
            DEADLINE_ELAPSED: {
              guard: breachOf(PETITION_DEADLINES.followUp.key),
              target: 'closed',
              actions: [
                'followUpUnreached',
                { type: 'effect', params: { kind: 'notify', topic: 'follow_up_unreached' } },
              ],
            },
            RECORD_FOLLOW_UP: { target: 'closed', actions: 'recordFollowUp' },
          },
        },
        closed: { type: 'final' },
      },
    },
  },
});

export const petitionWorkflow: CaseWorkflow<typeof petitionMachine> = {
  kind: 'petition',
  version: 1,
  machine: petitionMachine,
  events: petitionEvents,
  noun: 'a petition case',
  referencePrefix: 'PET',
  facts: {
    FORWARD: { kind: 'departmentsExist', field: 'departmentCode' },
    ASSIGN_HANDLER: { kind: 'unitWithinReach', unitField: 'unitCode', departmentField: 'departmentCode' },
  },
  handling: commonHandling,
  guardReasons: { ...commonGuardReasons },
};
