import { STAGES, validate, type Effect, type MachineEvent } from '#domain';
import { describeGraphWalk, declarations, run } from '../testing/graph-audit.js';
import { common, elapsed, petition as p, petitionSampleEvents, UNITS } from '../testing/sample-events.js';
import { petitionWorkflow } from './petition.machine.js';

const go = (...events: MachineEvent[]) => run(petitionWorkflow, events);

const SUPERVISED: Effect = { kind: 'notify', topic: 'supervised' };
const UP: Effect = { kind: 'unit.escalate' };

const handling = [p.accept, p.handlerUnit];
const awaitingReview = [...handling, p.opinion];
const inReview = [...awaitingReview, p.requestReview];
const awaitingReReview = [...inReview, p.reviewOpinion];
const inReReview = [...awaitingReReview, p.requestReReview];
const followingUp = [...inReReview, p.reReviewOpinion];

describeGraphWalk(petitionWorkflow, petitionSampleEvents);

describe('petition declarations', () => {
  const decl = declarations(petitionWorkflow, petitionSampleEvents);

  it('has the five stages as compound top-level states', () => {
    const { machine } = petitionWorkflow;
    expect(machine.id).toBe('petition');
    expect(Object.keys(machine.root.states)).toEqual([...STAGES]);
    expect(Object.values(machine.root.states).map((s) => s.type)).toEqual(STAGES.map(() => 'compound'));
    expect(machine.root.states.archive!.states.closed!.type).toBe('final');
  });

  it('declares every event it handles, handles every event it declares, and has a valid sample of each', () => {
    expect(decl.undeclaredEvents).toEqual([]);
    expect(decl.unhandledEvents).toEqual([]);
    expect(decl.eventsWithoutSample).toEqual([]);
    expect(decl.invalidSamples).toEqual([]);
    const systemEvents = Object.entries(petitionWorkflow.events).filter(([, e]) => e.source === 'system');
    expect(systemEvents.map(([type]) => type).sort()).toEqual([
      'DEADLINE_ELAPSED',
      'DEADLINE_WARNING',
      'OWNER_NOTIFIED',
    ]);
    expect(petitionWorkflow.events.REOPEN).toBeUndefined();
  });

  it('gives a reason only for guards that exist', () => {
    expect(decl.reasonsForUnknownGuards).toEqual([]);
  });

  it('declares the clocks of docs/legal-clocks.md, keyed under the kind', () => {
    const rows = decl.deadlines.map(({ node, key, amount, unit, extension }) => [node, key, amount, unit, !!extension]);
    expect(rows).toEqual([
      ['petition.intake.registered', 'petition.intake', 15, 'calendar_days', false],
      ['petition.mediation.handling', 'petition.handling', 60, 'calendar_days', true],
      ['petition.escalation.awaiting_review_request', 'petition.review_request', 30, 'calendar_days', false],
      ['petition.escalation.review', 'petition.review', 30, 'calendar_days', false],
      ['petition.escalation.awaiting_re_review_request', 'petition.re_review_request', 30, 'calendar_days', false],
      ['petition.escalation.re_review', 'petition.re_review', 30, 'calendar_days', false],
      ['petition.archive.follow_up', 'petition.follow_up', 7, 'working_days', false],
    ]);
    for (const spec of decl.deadlines) {
      expect(spec.key.startsWith('petition.')).toBe(true);
      expect(spec.warnAt).toEqual([0.5, 0.8]);
      if (spec.extension) expect(spec.extension).toEqual({ maxDays: 30, unit: 'calendar_days' });
    }
  });

  it('checks the payload rules shared with disputes and those of ASSIGN_HANDLER', () => {
    const ok = (type: string, payload: object) => validate(petitionWorkflow.events[type]!.payload, payload).ok;
    expect(ok('ASSIGN_HANDLER', {})).toBe(false);
    expect(ok('ASSIGN_HANDLER', { unitCode: 'S-02', departmentCode: 'HRSS' })).toBe(true);
    expect(ok('ADD_PARTY', { role: 'applicant', name: '李四', phone: '138 0000 0000' })).toBe(true);
    expect(ok('ADD_PARTY', { role: 'applicant', name: '李四', phone: 'call me' })).toBe(false);
    expect(ok('ADD_PARTY', { role: 'applicant', name: '李四', vulnerable: ['minor', 'minor'] })).toBe(false);
    expect(ok('ADD_PARTY', { role: 'judge', name: '李四' })).toBe(false);
    expect(ok('ATTACH', { name: 'a.pdf', sha256: 'xyz' })).toBe(false);
    expect(ok('EXTEND_DEADLINE', { days: 31, reason: 'more' })).toBe(false);
    expect(ok('RECORD_FOLLOW_UP', { satisfaction: 0, reached: true })).toBe(false);
    expect(ok('DEADLINE_WARNING', { deadlineId: 'not-a-uuid', percent: 50 })).toBe(false);
  });
});

describe('petition transitions, guards and effects', () => {
  it('runs from acceptance through review and re-review to follow-up, after which no review is possible', () => {
    const assigned = go(...handling);
    expect(assigned.state).toBe('mediation.handling');
    expect(assigned.context.handler).toEqual({ unitCode: 'S-02' });
    expect(assigned.effects).toEqual([{ kind: 'unit.assign', unitCode: 'S-02' }]);
    expect(go(...awaitingReview).context.opinion).toEqual({ supported: 'partial' });
    expect(go(...inReview).context.reviewStage).toBe('review');
    expect(go(...awaitingReReview).state).toBe('escalation.awaiting_re_review_request');
    expect(go(...inReReview).context.reviewStage).toBe('re_review');

    const done = go(...followingUp);
    expect(done.state).toBe('archive.follow_up');
    expect(done.context.outcome).toBe('handled');
    for (const event of [p.requestReview, p.requestReReview]) expect(done.refuses(event)).toBe(true);
    const closed = go(...followingUp, common.unhappy);
    expect(closed.state).toBe('archive.closed');
    expect(closed.context.followUp).toEqual({ satisfaction: 1, reached: true });
  });

  it('assigns a department without moving the case to another unit', () => {
    const byDepartment = go(p.accept, p.handlerDepartment);
    expect(byDepartment.context.handler).toEqual({ departmentCode: 'HRSS' });
    expect(byDepartment.effects).toEqual([]);
  });

  it('archives declined, forwarded and withdrawn petitions with their outcome', () => {
    expect(go(p.decline).context.outcome).toBe('declined');
    const forwarded = go(p.forward);
    expect([forwarded.state, forwarded.context.outcome, forwarded.context.forwardedTo]).toEqual([
      'archive.closed',
      'forwarded',
      'HRSS',
    ]);
    expect(go(...inReview, common.withdraw).context.outcome).toBe('withdrawn');
  });

  it('extends the handling deadline once per case', () => {
    const extended = go(...handling, common.extend);
    expect(extended.context.extended).toBe(true);
    expect(extended.refusedBy(common.extend)).toEqual(['notExtended']);
    expect(go(...awaitingReview).refuses(common.extend)).toBe(true);
  });

  it('accepts notes, attachments and parties in every open state without changing anything', () => {
    for (const setup of [[], [p.accept], handling, inReview, inReReview, followingUp]) {
      for (const event of [common.note, common.attach, common.party]) {
        const before = go(...setup);
        const after = go(...setup, event);
        expect([after.state, after.context, after.effects]).toEqual([before.state, before.context, []]);
      }
    }
  });
});

describe('petition deadline breaches (docs/legal-clocks.md)', () => {
  const on = (key: string) => elapsed(`petition.${key}`);
  it.each([
    ['intake: supervised', [], on('intake'), 'intake.registered', { supervised: true }, [SUPERVISED]],
    [
      'handling: supervised, escalated',
      handling,
      on('handling'),
      'mediation.handling',
      { supervised: true },
      [UP, SUPERVISED],
    ],
    [
      'handling at the top: supervised',
      handling,
      elapsed('petition.handling', UNITS.district),
      'mediation.handling',
      { supervised: true },
      [SUPERVISED],
    ],
    [
      'no review requested: follow-up',
      awaitingReview,
      on('review_request'),
      'archive.follow_up',
      { outcome: 'handled' },
      [],
    ],
    ['review: supervised', inReview, on('review'), 'escalation.review', { supervised: true }, [SUPERVISED]],
    [
      'no re-review requested: follow-up',
      awaitingReReview,
      on('re_review_request'),
      'archive.follow_up',
      { outcome: 'handled' },
      [],
    ],
    ['re-review: supervised', inReReview, on('re_review'), 'escalation.re_review', { supervised: true }, [SUPERVISED]],
    [
      'follow-up: close, unreached',
      followingUp,
      on('follow_up'),
      'archive.closed',
      { outcome: 'handled', followUp: { satisfaction: null, reached: false } },
      [{ kind: 'notify', topic: 'follow_up_unreached' }],
    ],
  ] as Array<[string, MachineEvent[], MachineEvent, string, object, Effect[]]>)(
    '%s',
    (_, setup, breach, state, context, effects) => {
      const after = go(...setup, breach);
      expect(after.state).toBe(state);
      expect(after.context).toMatchObject(context);
      expect(after.effects).toEqual(effects);
    },
  );

  it('ignores a clock the state does not run', () => {
    expect(go(p.accept).refuses(on('intake'))).toBe(true);
    expect(go(...inReview).refuses(on('review_request'))).toBe(true);
    expect(go(...handling).refuses(on('intake'))).toBe(true);
  });
});
