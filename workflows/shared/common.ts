import {
  NOTIFY_TOPICS,
  PARTY_ROLES,
  VULNERABLE_FLAGS,
  s,
  type CaseKind,
  type DeadlineSpec,
  type EventHandling,
  type EventSource,
  type Infer,
  type MachineEvent,
  type Schema,
} from '#domain';

/** Free text a person writes: reasons, notes, opinions, terms, comments. */
export const text = () => s.string({ max: 4000 });

interface TypedEventSpec<T> {
  source: EventSource;
  payload: Schema<T>;
  description: string;
}

export const client = <T>(payload: Schema<T>, description: string): TypedEventSpec<T> => ({
  source: 'client',
  payload,
  description,
});

export const system = <T>(payload: Schema<T>, description: string): TypedEventSpec<T> => ({
  source: 'system',
  payload,
  description,
});

/** The union of machine events described by an `events` record. */
export type EventsOf<E extends Record<string, TypedEventSpec<unknown>>> = {
  [K in keyof E & string]: MachineEvent<K, Infer<E[K]['payload']>>;
}[keyof E & string];

/** Events every case kind accepts; each machine adds its own. */
export const commonEvents = {
  WITHDRAW: client(s.object({ reason: text() }), 'The applicant withdraws; the case is archived as withdrawn.'),
  ADD_NOTE: client(s.object({ text: text() }), 'A note for the case file; the state does not change.'),
  ATTACH: client(
    s.object({
      name: s.string({ max: 200 }),
      mediaType: s.optional(s.string({ max: 100 })),
      url: s.optional(s.string({ max: 2000 })),
      sha256: s.optional(
        s.string({ min: 64, max: 64, pattern: /^[0-9a-fA-F]{64}$/, patternHint: 'must be 64 hex digits' }),
      ),
    }),
    'A document for the case file; the state does not change.',
  ),
  ADD_PARTY: client(
    s.object({
      role: s.oneOf(PARTY_ROLES),
      name: s.string({ max: 100 }),
      phone: s.optional(s.phone()),
      idNumber: s.optional(s.string({ max: 32 })),
      vulnerable: s.optional(s.array(s.oneOf(VULNERABLE_FLAGS), { max: 4, unique: true })),
    }),
    'Another party joins the case; the state does not change.',
  ),
  RECORD_FOLLOW_UP: client(
    s.object({ satisfaction: s.int({ min: 1, max: 5 }), comment: s.optional(text()), reached: s.boolean() }),
    'The result of the follow-up call (回访): satisfaction 1–5 and whether the applicant was reached.',
  ),
  EXTEND_DEADLINE: client(
    s.object({ days: s.int({ min: 1, max: 30 }), reason: text() }),
    'Extends the running deadline once per case, by at most 30 days, with a reason.',
  ),
  DEADLINE_ELAPSED: system(s.object({ deadlineId: s.uuid() }), 'A deadline of the current state has passed.'),
  OWNER_NOTIFIED: system(
    s.object({
      topic: s.oneOf(NOTIFY_TOPICS),
      channels: s.array(s.string({ max: 64 }), { min: 1, max: 10 }),
      recipient: s.code(),
      referralId: s.optional(s.uuid()),
      detail: s.optional(text()),
    }),
    'The case owner was notified (催办, 督办, a breach); recorded once the notice went out.',
  ),
  DEADLINE_WARNING: system(
    s.object({ deadlineId: s.uuid(), percent: s.int({ min: 1, max: 99 }) }),
    'A deadline of the current state is approaching; recorded only.',
  ),
};

/** What the engine does with common events besides the transition. */
export const commonHandling = {
  ADD_PARTY: 'sealParty',
  EXTEND_DEADLINE: 'extendClock',
} as const satisfies Record<string, EventHandling>;

/** How one EXTEND_DEADLINE may stretch a clock (docs/legal-clocks.md: once, at most 30 days). */
export const ONE_EXTENSION = { maxDays: 30, unit: 'calendar_days' } as const;

export function deadline(
  key: string,
  amount: number,
  unit: DeadlineSpec['unit'],
  onBreach: string,
  extension?: DeadlineSpec['extension'],
): DeadlineSpec {
  return { key, amount, unit, warnAt: [0.5, 0.8], onBreach, ...(extension ? { extension } : {}) };
}

export const followUpDeadline = (kind: CaseKind) =>
  deadline(`${kind}.follow_up`, 7, 'working_days', 'Close the case with the follow-up marked unreached.');

/** What a follow-up recorded; `satisfaction` is null when the deadline closed the case unreached. */
export interface FollowUp {
  satisfaction: number | null;
  reached: boolean;
}

/** Guards both machines use. They read only the event's facts and the context. */
export const commonGuards = {
  deadlineIs: ({ event }: { event: MachineEvent }, params: { key: string }) => event.facts.deadline?.key === params.key,
  unitHasParent: ({ event }: { event: MachineEvent }) => event.facts.unit.hasParent,
  notExtended: ({ context }: { context: { extended: boolean } }) => !context.extended,
};

export const commonGuardReasons = {
  notExtended: 'The deadline has already been extended once for this case.',
};

/**
 * Transitions of every open (non-final) state, placed on each stage node and on `archive.follow_up`.
 * Targetless ones carry the no-op `recorded` action: XState's `snapshot.can()` treats a targetless transition
 * without actions as forbidden, and these events are accepted (their content lives in the event log).
 */
export const openStateTransitions = <K extends CaseKind>(kind: K) =>
  ({
    WITHDRAW: {
      target: `#${kind}.archive.closed`,
      actions: { type: 'setOutcome', params: { outcome: 'withdrawn' } },
    },
    ADD_NOTE: { actions: 'recorded' },
    ATTACH: { actions: 'recorded' },
    ADD_PARTY: { actions: 'recorded' },
    OWNER_NOTIFIED: { actions: 'recorded' },
  }) as const;

/** Guard of a DEADLINE_ELAPSED transition: only the clock `key` breaches here, so a stale clock is ignored. */
export const breachOf = (key: string) => ({ type: 'deadlineIs', params: { key } }) as const;

/**
 * A machine version's guards or actions by name, for a later version that keeps them unchanged: the same
 * functions, so the two versions cannot drift apart where they are meant to agree.
 */
export function inherited<K extends string>(impls: Record<string, unknown>, names: readonly K[]): Record<K, never> {
  return Object.fromEntries(names.map((name) => [name, impls[name]])) as Record<K, never>;
}
