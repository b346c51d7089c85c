import { assign, setup } from 'xstate';
import { s, type CaseFacts, type MachineWorkflow, type ReferralInput, type StateMeta } from '#domain';
import { breachOf, client, commonGuards, system, text, type EventsOf } from '../shared/common.js';

/**
 * A referral (交办): one department's part of a case, from issue to closure. The department reports in
 * (报到), accepts or rejects, reports progress and replies; Concord urges (催办) an unacknowledged referral
 * and supervises (督办) an unanswered one. A reply or a rejection goes into the case as REFERRAL_REPLIED /
 * REFERRAL_REJECTED; the case closes or cancels its referrals when it stops waiting for them.
 */
export interface ReferralContext extends ReferralInput {
  urged: boolean;
  supervised: boolean;
  resolved: boolean | null;
  result: string | null;
  rejectionReason: string | null;
  cancellationReason: string | null;
}

const note = () => s.object({ note: s.optional(text()) });

export const referralEvents = {
  ACKNOWLEDGE: client(note(), 'The department reports in (报到): it has received the referral.'),
  ACCEPT: client(note(), 'The department takes the referral on.'),
  REJECT: client(s.object({ reason: text() }), 'The department refuses the referral; the case returns to triage.'),
  PROGRESS: client(s.object({ note: text() }), 'A progress report; repeatable.'),
  REPLY: client(
    s.object({ resolved: s.boolean(), result: text() }),
    'The department answers with its result; the case moves on once every referral has answered.',
  ),
  CLOSE: system(s.empty(), 'The case has taken in the reply and no longer waits for this referral.'),
  CANCEL: system(s.object({ reason: text() }), 'The case stopped waiting before the department answered.'),
  DEADLINE_ELAPSED: system(s.object({ deadlineId: s.uuid() }), 'A deadline of the referral has passed.'),
  DEADLINE_WARNING: system(
    s.object({ deadlineId: s.uuid(), percent: s.int({ min: 1, max: 99 }) }),
    'A deadline of the referral is approaching; recorded only.',
  ),
};

export type ReferralEvent = EventsOf<typeof referralEvents>;

export const REFERRAL_DEADLINES = {
  acknowledge: {
    key: 'referral.acknowledge',
    amount: 1,
    unit: 'working_days',
    warnAt: [],
    onBreach: 'Urge the department (催办) and notify the case owner.',
  },
  // The referral's own dueInWorkingDays, when it sets one, replaces the amount (see the engine).
  reply: {
    key: 'referral.reply',
    amount: 5,
    unit: 'working_days',
    warnAt: [0.8],
    onBreach: 'Supervise the referral (督办) and notify the case owner.',
  },
} as const satisfies Record<string, NonNullable<StateMeta['deadline']>>;

const replyClock = { deadline: REFERRAL_DEADLINES.reply } satisfies StateMeta;

/** The engine adds `referralId` to the payload: the machine does not know its own row. */
const answer = (
  type: 'REFERRAL_REPLIED' | 'REFERRAL_REJECTED',
  payload: (event: ReferralEvent) => Record<string, unknown>,
) =>
  ({
    type: 'effect',
    params: ({ event }: { event: ReferralEvent }) => ({ kind: 'case.send', type, payload: payload(event) }),
  }) as const;

/** acknowledged, accepted and in_progress share the reply clock: the working days run across them. */
const underReplyClock = {
  DEADLINE_ELAPSED: {
    guard: breachOf(REFERRAL_DEADLINES.reply.key),
    actions: ['supervise', { type: 'effect', params: { kind: 'notify', topic: 'referral_supervised' } }],
  },
  DEADLINE_WARNING: { actions: 'recorded' },
} as const;

/** Every open state: the case may stop waiting for the referral (withdrawn, another department rejected, …). */
const CANCEL = { target: 'cancelled', actions: 'recordCancellation' } as const;

const REPLY = {
  target: 'replied',
  actions: ['recordReply', answer('REFERRAL_REPLIED', (e) => ({ resolved: e.type === 'REPLY' && e.payload.resolved }))],
} as const;

export const referralMachine = setup({
  types: {
    context: {} as ReferralContext,
    events: {} as ReferralEvent,
    input: {} as ReferralInput,
    meta: {} as StateMeta,
  },
  guards: {
    deadlineIs: commonGuards.deadlineIs,
  },
  actions: {
    effect: (_, _params: unknown) => {},
    recorded: () => {},
    urge: assign({ urged: true }),
    supervise: assign({ supervised: true }),
    recordReply: assign(({ event }) =>
      event.type === 'REPLY' ? { resolved: event.payload.resolved, result: event.payload.result } : {},
    ),
    recordRejection: assign(({ event }) => (event.type === 'REJECT' ? { rejectionReason: event.payload.reason } : {})),
    recordCancellation: assign(({ event }) =>
      event.type === 'CANCEL' ? { cancellationReason: event.payload.reason } : {},
    ),
  },
}).createMachine({
  id: 'referral',
  context: ({ input }) => ({
    ...input,
    urged: false,
    supervised: false,
    resolved: null,
    result: null,
    rejectionReason: null,
    cancellationReason: null,
  }),
  initial: 'issued',
  states: {
    issued: {
      meta: { deadline: REFERRAL_DEADLINES.acknowledge },
      on: {
        CANCEL,
        ACKNOWLEDGE: 'acknowledged',
        DEADLINE_ELAPSED: {
          guard: breachOf(REFERRAL_DEADLINES.acknowledge.key),
          actions: ['urge', { type: 'effect', params: { kind: 'notify', topic: 'referral_urged' } }],
        },
        DEADLINE_WARNING: { actions: 'recorded' },
      },
    },
    // The reply clock runs from the acknowledgement (报到), so a referral acknowledged and never decided on
    // still comes due.
    acknowledged: {
      meta: replyClock,
      on: {
        ...underReplyClock,
        CANCEL,
        ACCEPT: 'accepted',
        REJECT: {
          target: 'rejected',
          actions: [
            'recordRejection',
            answer('REFERRAL_REJECTED', (e) => ({ reason: e.type === 'REJECT' ? e.payload.reason : '' })),
          ],
        },
      },
    },
    accepted: {
      meta: replyClock,
      on: { ...underReplyClock, CANCEL, PROGRESS: 'in_progress', REPLY },
    },
    in_progress: {
      meta: replyClock,
      on: { ...underReplyClock, CANCEL, PROGRESS: { actions: 'recorded' }, REPLY },
    },
    replied: {
      on: { CLOSE: 'closed' },
    },
    rejected: { type: 'final' },
    closed: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

export const referralWorkflow: MachineWorkflow<typeof referralMachine> = {
  version: 1,
  machine: referralMachine,
  events: referralEvents,
  guardReasons: {},
  noun: 'a referral',
};

/**
 * The referrals a REFER issues: one per department its facts name, in order, with the id its facts drew for it,
 * and the machine input taken from the REFER's payload. The engine starts them; the audit replay rebuilds them.
 */
export function referralsIssued(
  payload: Record<string, unknown>,
  facts: CaseFacts,
  type?: string,
): Array<{ id: string; input: ReferralInput }> {
  const ids = facts.referralIds ?? [];
  // A FORWARD hands a petition on (转送); its payload may carry no instructions.
  const transfer = type === 'FORWARD';
  return (facts.departments ?? []).map((department, i) => ({
    id: ids[i]!,
    input: {
      departmentCode: department.code,
      role: department.role,
      instructions: (payload.instructions as string | undefined) ?? facts.instructions ?? '',
      dueInWorkingDays: (payload.dueInWorkingDays as number | undefined) ?? null,
      shareParties: (payload.shareParties as boolean | undefined) ?? false,
      ...(transfer ? { transfer: true as const } : {}),
    },
  }));
}
