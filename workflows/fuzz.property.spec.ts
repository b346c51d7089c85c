import fc from 'fast-check';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import {
  STAGES,
  stageOf,
  statePath,
  type CaseFacts,
  type Effect,
  type MachineEvent,
  type MachineWorkflow,
} from '#domain';
import { disputeV2Workflow, type DisputeV2Context } from './dispute/dispute-v2.machine.js';
import type { DisputeContext } from './dispute/dispute.machine.js';
import { disputeWorkflow, petitionWorkflow, referralWorkflow } from './index.js';
import { petitionV2Workflow, type PetitionV2Context } from './petition/petition-v2.machine.js';
import type { PetitionContext } from './petition/petition.machine.js';
import { REFERRAL_DEADLINES, type ReferralContext } from './referral/referral.machine.js';
import { effectsOf, roundTrip } from './testing/graph-audit.js';
import {
  CATEGORY,
  common,
  dispute as d,
  disputeSampleEvents,
  disputeV2,
  disputeV2SampleEvents,
  elapsed,
  ev,
  IDS,
  petition as p,
  petitionSampleEvents,
  petitionV2,
  petitionV2SampleEvents,
  UNITS,
  warning,
} from './testing/sample-events.js';

/**
 * Property-based fuzzing of the pure machines: random sequences of events of every type — valid or not for the
 * state they meet, with random facts — from a new case or referral. Whatever the sequence, a refused event
 * changes nothing, every snapshot survives the JSON round trip the engine puts it through, a final state
 * accepts nothing, and each machine's context keeps its invariants. Seeded: FUZZ_SEED replays a run, and a
 * failure prints the seed and the shrunk sequence.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20260302);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const settings = { seed: SEED, numRuns: RUNS };

/** A referral id no REFER ever issues: a reply naming it must be refused. */
const NEVER_ISSUED = '00000000-0000-4000-8000-0000000000ff';
const POOL = [IDS.referral1, IDS.referral2, IDS.referral3, NEVER_ISSUED];
const GRID: CaseFacts['unit'] = { code: 'G-010101', level: 'grid', hasParent: true };

const UNIT_CHOICES: Array<CaseFacts['unit']> = [UNITS.community, UNITS.street, UNITS.district, GRID];

/** Every non-empty subset of `items`. */
const subsets = <T>(items: T[]): T[][] =>
  items.reduce<T[][]>((all, item) => [...all, ...all.map((s) => [...s, item]), [item]], []);

/** REFER naming 1–3 of the ids, with departments inside or outside the responsibility list. */
const refers = subsets(POOL.slice(0, 3)).flatMap((ids) =>
  [true, false].map((inside) =>
    ev(
      'REFER',
      { departmentCode: 'D0', instructions: 'fuzz' },
      {
        departments: ids.map((_, i) => ({
          code: `D${i}`,
          role: i === 0 ? 'lead' : 'assist',
          categories: inside ? [CATEGORY] : ['consumer'],
        })),
        referralIds: ids,
      },
    ),
  ),
);
const answers = POOL.flatMap((id) => [
  ev('REFERRAL_REPLIED', { referralId: id, resolved: true }),
  ev('REFERRAL_REPLIED', { referralId: id, resolved: false }),
  ev('REFERRAL_REJECTED', { referralId: id, reason: 'not ours' }),
]);

/**
 * One step of a run: an event that moves the machine to another state, or one the state accepts, or any event
 * at all (so runs get deep, and still try everything everywhere); with the case's unit sometimes replaced, so
 * the guards that read it are tried at every level. Plain numbers, so fast-check shrinks a failing run to a
 * short one.
 */
interface Choice {
  pick: 'moving' | 'accepted' | 'any';
  index: number;
  unit: number | null;
}
const choices = (maxLength: number) =>
  fc.array(
    fc.record({
      pick: fc.constantFrom<Choice['pick']>('moving', 'moving', 'accepted', 'accepted', 'any'),
      index: fc.noBias(fc.nat(1 << 20)),
      unit: fc.option(fc.nat(UNIT_CHOICES.length - 1), { nil: null, freq: 3 }),
    }),
    { maxLength, size: 'max' },
  );

/**
 * A run: the first `depth` events of one of the machine's known paths (so the deep states get fuzzed as often as
 * the shallow ones), then random steps.
 */
interface Run {
  lead: MachineEvent[];
  steps: Choice[];
}
const runs = (paths: MachineEvent[][], maxSteps: number): fc.Arbitrary<Run> =>
  fc
    .record({ path: fc.nat(paths.length - 1), depth: fc.nat(20), steps: choices(maxSteps) })
    .map(({ path, depth, steps }) => ({ lead: paths[path]!.slice(0, depth), steps }));

const disputePool: MachineEvent[] = [...disputeSampleEvents, ...refers, ...answers];
const petitionPool: MachineEvent[] = petitionSampleEvents;

const disputePaths = [
  [
    d.accept,
    d.classifyLow,
    d.mediatorAtCommunity,
    d.schedule,
    d.sessionAgreement,
    d.agree,
    d.requestJudicial,
    d.confirmed,
    common.unhappy,
    d.reopen,
  ],
  [
    d.accept,
    d.classifyLow,
    d.referTwo,
    d.replied1Unresolved,
    d.jointMeeting,
    d.mediatorAtStreet,
    d.failed,
    d.escalateAtTop,
  ],
  [
    d.accept,
    d.classifyCritical,
    d.escalate,
    d.referOne,
    d.referralRejected,
    d.referOne,
    d.replied1Resolved,
    common.happy,
  ],
];
const petitionPaths = [
  [
    p.accept,
    p.handlerUnit,
    common.extend,
    p.opinion,
    p.requestReview,
    p.reviewOpinion,
    p.requestReReview,
    p.reReviewOpinion,
    common.happy,
  ],
];

const REFERRAL_INPUT = {
  departmentCode: 'JUSTICE',
  role: 'lead',
  instructions: 'mediate',
  dueInWorkingDays: null,
  shareParties: false,
} as const;
const referralPool: MachineEvent[] = [
  ev('ACKNOWLEDGE', { note: '报到' }),
  ev('ACCEPT'),
  ev('REJECT', { reason: 'not on our list' }),
  ev('PROGRESS', { note: 'site visit' }),
  ev('REPLY', { resolved: true, result: 'fixed' }),
  ev('REPLY', { resolved: false, result: 'refused' }),
  ev('CLOSE'),
  ev('CANCEL', { reason: 'withdrawn' }),
  elapsed(REFERRAL_DEADLINES.acknowledge.key),
  elapsed(REFERRAL_DEADLINES.reply.key),
  warning(REFERRAL_DEADLINES.acknowledge.key),
  warning(REFERRAL_DEADLINES.reply.key),
];
const referralPaths = [[referralPool[0]!, referralPool[1]!, referralPool[3]!, referralPool[4]!, referralPool[6]!]];

interface Step<C> {
  event: MachineEvent;
  accepted: boolean;
  before: { state: string; context: C };
  after: { state: string; context: C };
  effects: Effect[];
}

const isFinal = (snapshot: AnyMachineSnapshot) =>
  (snapshot as unknown as { _nodes: Array<{ type: string }> })._nodes.some((node) => node.type === 'final');
const observable = (s: AnyMachineSnapshot) => ({ value: s.value, context: s.context, status: s.status });
const view = <C>(s: AnyMachineSnapshot) => ({ state: statePath(s.value), context: s.context as C });

/**
 * Runs a new machine through `choices` drawn from `pool`, checking the machine-independent properties at every
 * step, and hands each step to `check` for the machine's own invariants.
 */
function walk<C>(
  workflow: MachineWorkflow,
  input: object,
  pool: MachineEvent[],
  { lead, steps }: Run,
  check: (step: Step<C>, history: Step<C>[]) => void,
) {
  const { machine } = workflow;
  let [snapshot] = initialTransition(machine, input) as [AnyMachineSnapshot, unknown];
  expect(observable(roundTrip(machine, snapshot))).toStrictEqual(observable(snapshot));
  const accepts = (s: AnyMachineSnapshot, event: MachineEvent) =>
    machine.getTransitionData(s, event as never).length > 0;
  const moves = (s: AnyMachineSnapshot, event: MachineEvent) =>
    machine.getTransitionData(s, event as never).some((t) => (t.target?.length ?? 0) > 0);
  const pick = (choice: Choice, at: AnyMachineSnapshot) => {
    const withUnit = (e: MachineEvent) =>
      choice.unit === null ? e : { ...e, facts: { ...e.facts, unit: UNIT_CHOICES[choice.unit]! } };
    const candidates = pool.map(withUnit);
    const fitting =
      choice.pick === 'any' ? [] : candidates.filter((e) => (choice.pick === 'moving' ? moves : accepts)(at, e));
    const from = fitting.length ? fitting : candidates;
    return from[choice.index % from.length]!;
  };
  const history: Step<C>[] = [];
  const script = [...lead.map((event) => ({ event })), ...steps.map((choice) => ({ choice }))];
  for (const { event: scripted, choice } of script as Array<{ event?: MachineEvent; choice?: Choice }>) {
    const event = scripted ?? pick(choice!, snapshot);
    const accepted = accepts(snapshot, event);
    const [next, actions] = transition(machine, snapshot, event as never) as [
      AnyMachineSnapshot,
      Array<{ type: string; params?: unknown }>,
    ];
    if (isFinal(snapshot))
      expect({ final: statePath(snapshot.value), event: event.type, accepted }).toEqual({
        final: statePath(snapshot.value),
        event: event.type,
        accepted: false,
      });
    if (!accepted) {
      expect(observable(next)).toStrictEqual(observable(snapshot));
      expect(actions).toEqual([]);
    }
    // The engine stores every snapshot as JSON and takes the next step from the restored one: same result.
    const [viaJson] = transition(machine, roundTrip(machine, snapshot), event as never) as [
      AnyMachineSnapshot,
      unknown,
    ];
    expect(observable(viaJson)).toStrictEqual(observable(next));
    expect(observable(roundTrip(machine, next))).toStrictEqual(observable(next));
    const step: Step<C> = {
      event,
      accepted,
      before: view<C>(snapshot),
      after: view<C>(next),
      effects: effectsOf(actions),
    };
    check(step, history);
    history.push(step);
    snapshot = next;
  }
  return history;
}

/** A flag that, once set, stays set. */
const staysSet = (before: boolean, after: boolean, name: string) => {
  if (before && !after) throw new Error(`${name} went back to false`);
};
const acceptedCount = <C>(history: Step<C>[], type: string) =>
  history.filter((s) => s.accepted && s.event.type === type).length;

function caseInvariants(step: Step<DisputeContext | PetitionContext>) {
  const { state, context } = step.after;
  expect(STAGES).toContain(stageOf(state));
  // An outcome is set exactly while the case is archived: a REOPEN clears it.
  expect({ state, outcome: context.outcome !== null }).toEqual({ state, outcome: stageOf(state) === 'archive' });
  staysSet(step.before.context.supervised, context.supervised, 'supervised');
  staysSet(step.before.context.extended, context.extended, 'extended');
}

describe('dispute machine, fuzzed with random event sequences (fast-check)', () => {
  it('keeps its invariants whatever the sequence, and reaches every corner of the machine doing so', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(runs(disputePaths, 40), fc.boolean(), (run, classified) => {
        const issued = new Set<string>();
        const history = walk<DisputeContext>(
          disputeWorkflow,
          { category: classified ? CATEGORY : null },
          disputePool,
          run,
          (step, before) => {
            caseInvariants(step);
            const { state, context } = step.after;
            seen.add(state);
            const previous = step.before.context;
            staysSet(previous.reopened, context.reopened, 'reopened');
            if (step.accepted && step.event.type === 'REFER')
              step.event.facts.referralIds!.forEach((id) => issued.add(id));
            // openReferrals only holds ids a REFER issued, each once, and only while the case waits in referred.
            expect(context.openReferrals.filter((id) => !issued.has(id))).toEqual([]);
            expect(new Set(context.openReferrals).size).toBe(context.openReferrals.length);
            if (state === 'mediation.referred') expect(context.openReferrals.length).toBeGreaterThan(0);
            else if (state !== 'archive.closed')
              expect({ state, open: context.openReferrals }).toEqual({ state, open: [] });
            if (step.accepted && (step.event.type === 'REFERRAL_REPLIED' || step.event.type === 'REFERRAL_REJECTED')) {
              expect(previous.openReferrals).toContain((step.event.payload as { referralId: string }).referralId);
            }
            // Referrals are issued by an accepted REFER only, and settled whenever the case leaves referred.
            const kinds = step.effects.map((e) => e.kind);
            expect(kinds.includes('referrals.issue')).toBe(step.accepted && step.event.type === 'REFER');
            const leftReferred = step.before.state === 'mediation.referred' && state !== 'mediation.referred';
            expect({ state, settled: kinds.includes('referrals.settle') }).toEqual({ state, settled: leftReferred });
            if (state === 'mediation.judicial_confirmation')
              expect(context).toMatchObject({ judicial: 'pending', agreementTerms: expect.any(String) });
            if (
              ['assigned', 'in_session', 'agreement', 'judicial_confirmation'].includes(state.split('.')[1]!) &&
              stageOf(state) === 'mediation'
            ) {
              expect(context.mediatorId).not.toBeNull();
            }
            expect(context.mergedInto !== null).toBe(context.outcome === 'merged');
            expect(context.transfer !== null).toBe(context.outcome === 'transferred');
            if (state === 'archive.closed' && (context.outcome === 'resolved' || context.outcome === 'mediated'))
              expect(context.followUp).not.toBeNull();
            expect(acceptedCount([...before, step], 'REOPEN')).toBeLessThanOrEqual(1);
            expect(acceptedCount([...before, step], 'EXTEND_DEADLINE')).toBeLessThanOrEqual(1);
          },
        );
        expect(history).toHaveLength(run.lead.length + run.steps.length);
      }),
      settings,
    );
    const corners = [
      'mediation.referred',
      'mediation.judicial_confirmation',
      'escalation.joint_meeting',
      'archive.closed',
    ];
    expect(corners.filter((s) => !seen.has(s))).toEqual([]);
  });
});

describe('petition machine, fuzzed with random event sequences (fast-check)', () => {
  const ORDER = ['none', 'review', 're_review'];

  it('keeps its invariants whatever the sequence, and reaches every corner of the machine doing so', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(runs(petitionPaths, 40), (run) => {
        walk<PetitionContext>(petitionWorkflow, { category: null }, petitionPool, run, (step, before) => {
          caseInvariants(step);
          const { state, context } = step.after;
          seen.add(state);
          expect(ORDER.indexOf(context.reviewStage)).toBeGreaterThanOrEqual(
            ORDER.indexOf(step.before.context.reviewStage),
          );
          if (state === 'escalation.review') expect(context.reviewStage).toBe('review');
          if (state === 'escalation.re_review') expect(context.reviewStage).toBe('re_review');
          if (stageOf(state) === 'mediation') expect(context.handler).not.toBeNull();
          if (stageOf(state) === 'escalation') expect(context.opinion).not.toBeNull();
          expect(context.forwardedTo !== null).toBe(context.outcome === 'forwarded');
          for (const once of ['EXTEND_DEADLINE', 'REQUEST_REVIEW', 'REQUEST_RE_REVIEW', 'ISSUE_OPINION']) {
            expect({ once, n: acceptedCount([...before, step], once) <= 1 }).toEqual({ once, n: true });
          }
        });
      }),
      settings,
    );
    expect(seen).toContain('escalation.re_review');
    expect(seen).toContain('archive.closed');
  });
});

describe('dispute machine version 2, fuzzed with random event sequences (fast-check)', () => {
  const pool: MachineEvent[] = [...disputeV2SampleEvents, ...refers, ...answers];
  const paths = [
    [d.accept, d.classifyLow, disputeV2.mediatorAtCommunity, d.schedule, d.sessionAgreement, d.requestJudicial],
    [
      d.accept,
      d.classifyLow,
      disputeV2.mediatorAtCommunity,
      d.agree,
      d.requestJudicial,
      disputeV2.courtAccepted,
      disputeV2.courtExtension,
    ],
    [d.accept, d.classifyLow, d.referTwo, d.replied1Unresolved, answers[3]!, disputeV2.conclude, common.unhappy],
    [d.accept, disputeV2.delegated, disputeV2.consentedExtension, d.agree],
  ];
  const MEDIATING = ['assigned', 'in_session', 'agreement', 'judicial_confirmation', 'delegated'];

  it('keeps its invariants whatever the sequence, and reaches every corner of the machine doing so', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(runs(paths, 40), fc.boolean(), (run, classified) => {
        walk<DisputeV2Context>(
          disputeV2Workflow,
          { category: classified ? CATEGORY : null },
          pool,
          run,
          (step, before) => {
            caseInvariants(step);
            const { state, context } = step.after;
            seen.add(state);
            if (state === 'mediation.referred') expect(context.openReferrals.length).toBeGreaterThan(0);
            if (state.startsWith('mediation.judicial_confirmation'))
              expect(context).toMatchObject({ judicial: 'pending', agreementTerms: expect.any(String) });
            if (state === 'mediation.judicial_confirmation.in_court') expect(context.court).not.toBeNull();
            if (MEDIATING.includes(state.split('.')[1]!) && stageOf(state) === 'mediation')
              expect({ state, mediator: context.mediatorId !== null }).toEqual({ state, mediator: true });
            if (state === 'mediation.delegated') expect(context.delegation).toMatchObject({ ending: null });
            // An outcome `unresolved` always carries its ground and reason (which stay on record if the case goes on).
            if (context.outcome === 'unresolved') expect(context.conclusion).not.toBeNull();
            expect(context.mergedInto !== null).toBe(context.outcome === 'merged');
            expect(acceptedCount([...before, step], 'REOPEN')).toBeLessThanOrEqual(1);
          },
        );
      }),
      settings,
    );
    const corners = [
      'mediation.delegated',
      'mediation.reply_review',
      'mediation.judicial_confirmation.in_court',
      'mediation.agreement',
      'archive.closed',
    ];
    expect(corners.filter((s) => !seen.has(s))).toEqual([]);
  });
});

describe('petition machine version 2, fuzzed with random event sequences (fast-check)', () => {
  const ORDER = ['none', 'review', 're_review'];
  const pool: MachineEvent[] = petitionV2SampleEvents;
  const paths = [
    [
      petitionV2.acceptClaim,
      petitionV2.handlerUnit,
      petitionV2.extend,
      petitionV2.opinion,
      petitionV2.deliver,
      petitionV2.requestReview,
      petitionV2.reviewOpinion,
      petitionV2.deliver,
      petitionV2.requestReReview,
      petitionV2.startHearing,
    ],
    [petitionV2.acceptSuggestion, petitionV2.answer],
    [petitionV2.forward, petitionV2.forwardObjected, petitionV2.acceptAccusation],
  ];

  it('keeps its invariants whatever the sequence, and reaches every corner of the machine doing so', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(runs(paths, 40), (run) => {
        walk<PetitionV2Context>(petitionV2Workflow, { category: null }, pool, run, (step, before) => {
          caseInvariants(step);
          const { state, context } = step.after;
          seen.add(state);
          expect(ORDER.indexOf(context.reviewStage)).toBeGreaterThanOrEqual(
            ORDER.indexOf(step.before.context.reviewStage),
          );
          // The class, once given at acceptance, never changes; a suggestion never enters a review.
          if (step.before.context.petitionType !== null)
            expect(context.petitionType).toBe(step.before.context.petitionType);
          if (context.petitionType === 'suggestion') expect(context.reviewStage).toBe('none');
          if (context.petitionType === 'accusation') expect(context.confidential).toBe(true);
          if (state === 'escalation.review') expect(context.reviewStage).toBe('review');
          if (state.startsWith('escalation.re_review')) expect(context.reviewStage).toBe('re_review');
          // Only a 复核 hearing pauses a clock, and it ends when the case leaves 复核.
          if (context.hearing) expect(state).toBe('escalation.re_review.hearing');
          // A review request needs the answer it challenges to have reached the petitioner (art. 35, 36).
          if (step.accepted && ['REQUEST_REVIEW', 'REQUEST_RE_REVIEW'].includes(step.event.type))
            expect(step.before.context.delivered).toBe(true);
          expect(context.reviewBodies.length).toBe(ORDER.indexOf(context.reviewStage));
          expect(context.directedTo !== null).toBe(context.outcome === 'directed');
          for (const once of ['EXTEND_DEADLINE', 'REQUEST_REVIEW', 'REQUEST_RE_REVIEW', 'ISSUE_OPINION']) {
            expect({ once, n: acceptedCount([...before, step], once) <= 1 }).toEqual({ once, n: true });
          }
        });
      }),
      settings,
    );
    const corners = [
      'mediation.studying',
      'escalation.re_review.hearing',
      'escalation.awaiting_delivery',
      'archive.closed',
    ];
    expect(corners.filter((s) => !seen.has(s))).toEqual([]);
  });
});

describe('referral machine, fuzzed with random event sequences (fast-check)', () => {
  it('keeps its invariants whatever the sequence, and reaches every final state doing so', () => {
    const FINAL = ['rejected', 'closed', 'cancelled'];
    const seen = new Set<string>();
    fc.assert(
      fc.property(runs(referralPaths, 20), (run) => {
        walk<ReferralContext>(referralWorkflow, REFERRAL_INPUT, referralPool, run, (step, before) => {
          const { state, context } = step.after;
          seen.add(state);
          expect(context).toMatchObject(REFERRAL_INPUT);
          staysSet(step.before.context.urged, context.urged, 'urged');
          staysSet(step.before.context.supervised, context.supervised, 'supervised');
          expect({ state, resolved: context.resolved !== null }).toEqual({
            state,
            resolved: state === 'replied' || state === 'closed',
          });
          expect(context.result !== null).toBe(context.resolved !== null);
          expect(context.rejectionReason !== null).toBe(state === 'rejected');
          expect(context.cancellationReason !== null).toBe(state === 'cancelled');
          if (FINAL.includes(step.before.state)) expect(step.accepted).toBe(false);
          // The case hears of exactly one answer per referral: a reply or a rejection, carrying the reply's verdict.
          const sent = step.effects.filter((e): e is Extract<Effect, { kind: 'case.send' }> => e.kind === 'case.send');
          if (step.accepted && step.event.type === 'REPLY') {
            expect(sent).toEqual([
              {
                kind: 'case.send',
                type: 'REFERRAL_REPLIED',
                payload: { resolved: (step.event.payload as { resolved: boolean }).resolved },
              },
            ]);
          } else if (step.accepted && step.event.type === 'REJECT') {
            expect(sent.map((e) => e.type)).toEqual(['REFERRAL_REJECTED']);
          } else {
            expect(sent).toEqual([]);
          }
          expect(
            acceptedCount([...before, step], 'REPLY') + acceptedCount([...before, step], 'REJECT'),
          ).toBeLessThanOrEqual(1);
        });
      }),
      settings,
    );
    expect([...seen].filter((s) => FINAL.includes(s)).sort()).toEqual(['cancelled', 'closed', 'rejected']);
  });
});
