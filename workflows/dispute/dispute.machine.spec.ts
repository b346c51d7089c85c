import { STAGES, validate, type Effect, type MachineEvent } from '#domain';
import { describeGraphWalk, declarations, run } from '../testing/graph-audit.js';
import { common, dispute as d, disputeSampleEvents, elapsed, IDS, UNITS } from '../testing/sample-events.js';
import { disputeWorkflow } from './dispute.machine.js';

const go = (...events: MachineEvent[]) => run(disputeWorkflow, events);

const BREACHED: Effect = { kind: 'notify', topic: 'deadline_breached' };
const SUPERVISED: Effect = { kind: 'notify', topic: 'supervised' };
const UP: Effect = { kind: 'unit.escalate' };
const SETTLE: Effect = { kind: 'referrals.settle' };

const mediating = [d.accept, d.classifyLow, d.mediatorAtCommunity];
const inSession = [...mediating, d.schedule];
const agreed = [...mediating, d.agree];
const awaitingCourt = [...agreed, d.requestJudicial];
const followingUp = [...mediating, d.close];
const escalated = [d.accept, d.escalate];

describeGraphWalk(disputeWorkflow, disputeSampleEvents);

describe('dispute declarations', () => {
  const decl = declarations(disputeWorkflow, disputeSampleEvents);

  it('has the five stages as compound top-level states', () => {
    const { machine } = disputeWorkflow;
    expect(machine.id).toBe('dispute');
    expect(Object.keys(machine.root.states)).toEqual([...STAGES]);
    expect(Object.values(machine.root.states).map((s) => s.type)).toEqual(STAGES.map(() => 'compound'));
    expect(machine.root.states.archive!.states.closed!.type).toBe('final');
  });

  it('declares every event it handles, handles every event it declares, and has a valid sample of each', () => {
    expect(decl.undeclaredEvents).toEqual([]);
    expect(decl.unhandledEvents).toEqual([]);
    expect(decl.eventsWithoutSample).toEqual([]);
    expect(decl.invalidSamples).toEqual([]);
    const systemEvents = Object.entries(disputeWorkflow.events).filter(([, e]) => e.source === 'system');
    expect(systemEvents.map(([type]) => type).sort()).toEqual(
      ['DEADLINE_ELAPSED', 'DEADLINE_WARNING', 'OWNER_NOTIFIED', 'REFERRAL_REJECTED', 'REFERRAL_REPLIED'].sort(),
    );
  });

  it('gives a reason only for guards that exist', () => {
    expect(decl.reasonsForUnknownGuards).toEqual([]);
  });

  it('declares the clocks of docs/legal-clocks.md, keyed under the kind', () => {
    const rows = decl.deadlines.map(({ node, key, amount, unit, extension }) => [node, key, amount, unit, !!extension]);
    expect(rows).toEqual([
      ['dispute.intake.registered', 'dispute.intake', 3, 'working_days', false],
      ['dispute.triage.assessing', 'dispute.triage', 3, 'working_days', false],
      ['dispute.mediation.assigned', 'dispute.mediation', 30, 'calendar_days', true],
      ['dispute.mediation.in_session', 'dispute.mediation', 30, 'calendar_days', true],
      ['dispute.mediation.agreement', 'dispute.mediation', 30, 'calendar_days', true],
      ['dispute.mediation.judicial_confirmation', 'dispute.judicial_confirmation', 30, 'calendar_days', false],
      ['dispute.escalation', 'dispute.escalation', 5, 'working_days', false],
      ['dispute.archive.follow_up', 'dispute.follow_up', 7, 'working_days', false],
    ]);
    for (const spec of decl.deadlines) {
      expect(spec.key.startsWith('dispute.')).toBe(true);
      expect(spec.warnAt).toEqual([0.5, 0.8]);
      if (spec.extension) expect(spec.extension).toEqual({ maxDays: 30, unit: 'calendar_days' });
    }
  });

  it('checks the cross-field rules of REFER', () => {
    const refer = disputeWorkflow.events.REFER!.payload;
    const lead = { code: 'HOUSING', role: 'lead' };
    const ok = (payload: object) => validate(refer, { instructions: 'x', ...payload }).ok;
    expect(ok({ departmentCode: 'HOUSING' })).toBe(true);
    expect(ok({ departments: [lead, { code: 'URBAN', role: 'assist' }] })).toBe(true);
    expect(ok({})).toBe(false);
    expect(ok({ departmentCode: 'HOUSING', departments: [lead] })).toBe(false);
    expect(ok({ departments: [lead, { code: 'URBAN', role: 'lead' }] })).toBe(false);
    expect(ok({ departments: [{ code: 'URBAN', role: 'assist' }] })).toBe(false);
    expect(ok({ departments: [lead, { code: 'HOUSING', role: 'assist' }] })).toBe(false);
    expect(ok({ departmentCode: 'HOUSING', dueInWorkingDays: 61 })).toBe(false);
  });
});

describe('dispute guards', () => {
  it('keeps a critical case below street level from mediation and referral until it escalates', () => {
    const critical = go(d.accept, d.classifyCritical);
    expect(critical.refusedBy(d.mediatorAtCommunity)).toEqual(['notCriticalBelowStreet']);
    expect(critical.refusedBy(d.referOne)).toEqual(['notCriticalBelowStreet']);
    expect(critical.refuses(d.escalate)).toBe(false);
    expect(critical.refuses(d.mediatorAtStreet)).toBe(false);

    const escalated = go(d.accept, d.classifyCritical, d.escalate);
    expect(escalated.state).toBe('escalation.pending');
    expect(escalated.refusedBy(d.mediatorAtCommunity)).toEqual(['notCriticalBelowStreet']);
    // Once the case belongs to the street, the same request is accepted.
    expect(go(d.accept, d.classifyCritical, d.escalate, d.mediatorAtStreet).state).toBe('mediation.assigned');
    expect(go(d.accept, d.classifyCritical, d.escalate, d.escalate).effects).toEqual([UP]);
  });

  it('refers only a classified case, and only to departments whose responsibility list has its category', () => {
    expect(go(d.accept).refusedBy(d.referOne)).toEqual(['categoryClassified']);
    expect(go(d.accept, d.classifyLow).refusedBy(d.referOutside)).toEqual(['withinResponsibilityLists']);
    const referred = go(d.accept, d.classifyLow, d.referTwo);
    expect(referred.state).toBe('mediation.referred');
    expect(referred.context).toMatchObject({
      openReferrals: [IDS.referral1, IDS.referral2],
      referralUnresolved: false,
    });
    expect(referred.effects).toEqual([{ kind: 'referrals.issue', referralIds: [IDS.referral1, IDS.referral2] }]);
  });

  it('extends the mediation deadline once per case', () => {
    const extended = go(...mediating, d.schedule, common.extend);
    expect(extended.state).toBe('mediation.in_session');
    expect(extended.context.extended).toBe(true);
    expect(extended.refusedBy(common.extend)).toEqual(['notExtended']);
    expect(go(...mediating, common.extend, d.agree).refusedBy(common.extend)).toEqual(['notExtended']);
    const retried = go(...mediating, common.extend, d.agree, d.requestJudicial, d.rejected);
    expect(retried.state).toBe('mediation.assigned');
    expect(retried.refuses(common.extend)).toBe(true);
    expect(go(...awaitingCourt).refuses(common.extend)).toBe(true);
  });

  it('waits for every referral before leaving mediation.referred', () => {
    const oneReplied = go(d.accept, d.classifyLow, d.referTwo, d.replied2Resolved);
    expect(oneReplied.state).toBe('mediation.referred');
    expect(oneReplied.context.openReferrals).toEqual([IDS.referral1]);
    expect(oneReplied.refuses(d.replied2Resolved)).toBe(true);
    const resolved = go(d.accept, d.classifyLow, d.referTwo, d.replied2Resolved, d.replied1Resolved);
    expect(resolved.state).toBe('archive.follow_up');
    expect(resolved.context.outcome).toBe('resolved');
    expect(resolved.effects).toEqual([SETTLE]);
    const unresolved = go(d.accept, d.classifyLow, d.referTwo, d.replied1Unresolved, d.replied2Resolved);
    expect(unresolved.state).toBe('escalation.pending');
    expect(unresolved.effects).toEqual([SETTLE, UP]);
  });

  it('ignores a reply to a referral that is not open, and goes back to triage when one is refused', () => {
    expect(go(d.accept, d.classifyLow, d.referOne).refuses(d.replied2Resolved)).toBe(true);
    const rejected = go(d.accept, d.classifyLow, d.referTwo, d.referralRejected);
    expect(rejected.state).toBe('triage.assessing');
    expect(rejected.context.openReferrals).toEqual([]);
    // The other department's referral is cancelled: the case no longer waits for it.
    expect(rejected.effects).toEqual([SETTLE]);
    expect(go(d.accept, d.classifyLow, d.referTwo, common.withdraw).effects).toEqual([SETTLE]);
  });

  it('reopens once, and only after a reached follow-up with satisfaction of 2 or less', () => {
    expect(go(...followingUp).refusedBy(d.reopen)).toEqual(['canReopen']);
    expect(go(...followingUp).refusedBy(d.close)).toEqual(['followUpRecorded']);
    expect(go(...followingUp, common.happy).state).toBe('archive.closed');
    expect(go(...followingUp, common.unreached).state).toBe('archive.closed');

    const unhappy = go(...followingUp, common.unhappy);
    expect(unhappy.state).toBe('archive.follow_up');
    expect(go(...followingUp, common.unhappy, d.close).state).toBe('archive.closed');
    const reopened = go(...followingUp, common.unhappy, d.reopen);
    expect(reopened.state).toBe('triage.assessing');
    expect(reopened.context).toMatchObject({ reopened: true, outcome: null, followUp: null });
    expect(reopened.effects).toEqual([{ kind: 'notify', topic: 'reopened' }]);

    const again = go(...followingUp, common.unhappy, d.reopen, d.mediatorAtCommunity, d.close, common.unhappy);
    expect(again.state).toBe('archive.closed');
    expect(again.context.followUp).toEqual({ satisfaction: 1, reached: true });
  });

  it('asks for judicial confirmation only of recorded terms', () => {
    const noTerms = go(...inSession, d.sessionAgreement);
    expect(noTerms.state).toBe('mediation.agreement');
    expect(noTerms.refusedBy(d.requestJudicial)).toEqual(['agreementRecorded']);
    expect(go(...inSession, d.sessionAgreement, d.close).context.outcome).toBe('resolved');
    expect(go(...agreed, d.close).context.outcome).toBe('mediated');
  });
});

describe('dispute transitions and effects', () => {
  it('archives declined, merged, withdrawn and transferred cases with their outcome', () => {
    expect(go(d.decline).context.outcome).toBe('declined');
    const merged = go(d.merge);
    expect(merged.state).toBe('archive.closed');
    expect(merged.context).toMatchObject({ outcome: 'merged', mergedInto: IDS.otherCase });
    expect(merged.effects).toEqual([{ kind: 'case.merge', intoCaseId: IDS.otherCase }]);
    expect(go(...awaitingCourt, common.withdraw).context.outcome).toBe('withdrawn');
    const transferred = go(d.accept, d.escalate, d.transfer);
    expect(transferred.context).toMatchObject({ outcome: 'transferred', transfer: { to: 'litigation' } });
    expect(go(...followingUp, common.happy).refuses(common.note)).toBe(true);
  });

  it('escalates to the parent unit, and at the top flags the case for supervision instead', () => {
    const up = go(d.accept, d.escalate);
    expect([up.state, up.context.supervised, up.effects]).toEqual(['escalation.pending', false, [UP]]);
    const top = go(d.accept, d.escalateAtTop);
    expect([top.state, top.context.supervised, top.effects]).toEqual(['escalation.pending', true, [SUPERVISED]]);
    expect(go(...inSession, d.sessionFailed).effects).toEqual([UP]);
    expect(go(...mediating, d.failed).state).toBe('escalation.pending');
    expect(go(d.accept, d.escalate, d.jointMeeting).state).toBe('escalation.joint_meeting');
    expect(go(d.accept, d.escalate, d.jointMeeting, d.escalate).state).toBe('escalation.pending');
  });

  it('follows a session to its outcome, and the court to its answer', () => {
    expect(go(...inSession, d.sessionContinuing).state).toBe('mediation.assigned');
    expect(go(...inSession, d.schedule).state).toBe('mediation.in_session');
    const confirmed = go(...awaitingCourt, d.confirmed);
    expect(confirmed.state).toBe('archive.follow_up');
    expect(confirmed.context).toMatchObject({ judicial: 'confirmed', outcome: 'mediated' });
    const rejected = go(...awaitingCourt, d.rejected);
    expect(rejected.state).toBe('mediation.assigned');
    expect(rejected.context).toMatchObject({ judicial: 'rejected', agreementTerms: null });
  });

  it('accepts notes, attachments and parties in every open state without changing anything', () => {
    for (const setup of [[], [d.accept], mediating, awaitingCourt, [d.accept, d.escalate], followingUp]) {
      for (const event of [common.note, common.attach, common.party]) {
        const before = go(...setup);
        const after = go(...setup, event);
        expect([after.state, after.context, after.effects]).toEqual([before.state, before.context, []]);
      }
    }
  });
});

describe('dispute deadline breaches (docs/legal-clocks.md)', () => {
  const atTop = (key: string) => elapsed(`dispute.${key}`, UNITS.district);
  const on = (key: string) => elapsed(`dispute.${key}`);
  it.each([
    ['intake: escalate, supervised', [], on('intake'), 'escalation.pending', { supervised: true }, [BREACHED, UP]],
    ['intake at the top', [], atTop('intake'), 'escalation.pending', { supervised: true }, [BREACHED, SUPERVISED]],
    ['triage: escalate', [d.accept], on('triage'), 'escalation.pending', { supervised: false }, [BREACHED, UP]],
    ['mediation.assigned: escalate', mediating, on('mediation'), 'escalation.pending', {}, [BREACHED, UP]],
    ['mediation.in_session: escalate', inSession, on('mediation'), 'escalation.pending', {}, [BREACHED, UP]],
    ['mediation.agreement: escalate', agreed, on('mediation'), 'escalation.pending', {}, [BREACHED, UP]],
    [
      'judicial confirmation: follow-up, unconfirmed',
      awaitingCourt,
      on('judicial_confirmation'),
      'archive.follow_up',
      { judicial: 'unconfirmed', outcome: 'mediated' },
      [BREACHED],
    ],
    [
      'escalation: next level',
      escalated,
      on('escalation'),
      'escalation.pending',
      { supervised: false },
      [BREACHED, UP],
    ],
    [
      'escalation, joint meeting: next level',
      [...escalated, d.jointMeeting],
      on('escalation'),
      'escalation.pending',
      {},
      [BREACHED, UP],
    ],
    [
      'escalation at the top: supervised',
      escalated,
      atTop('escalation'),
      'escalation.pending',
      { supervised: true },
      [SUPERVISED],
    ],
    [
      'escalation at the top, joint meeting: supervised, stays',
      [...escalated, d.jointMeeting],
      atTop('escalation'),
      'escalation.joint_meeting',
      { supervised: true },
      [SUPERVISED],
    ],
    [
      'follow-up: close, unreached',
      followingUp,
      on('follow_up'),
      'archive.closed',
      { outcome: 'resolved', followUp: { satisfaction: null, reached: false } },
      [{ kind: 'notify', topic: 'follow_up_unreached' }],
    ],
    [
      'follow-up awaiting a decision: close, keep the follow-up',
      [...followingUp, common.unhappy],
      on('follow_up'),
      'archive.closed',
      { outcome: 'resolved', followUp: { satisfaction: 1, reached: true } },
      [BREACHED],
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
    expect(go(...awaitingCourt).refuses(on('mediation'))).toBe(true);
    expect(go(d.accept, d.classifyLow, d.referOne).refuses(on('mediation'))).toBe(true);
    expect(go(d.accept).refuses(on('intake'))).toBe(true);
  });
});
