import { STAGES, type Effect, type MachineEvent } from '#domain';
import { declaredClocks } from '../runtime/machine-runtime.js';
import { describeGraphWalk, declarations, run } from '../testing/graph-audit.js';
import {
  common,
  dispute as d,
  disputeV2 as d2,
  disputeV2SampleEvents,
  elapsed,
  ev,
  IDS,
  PEOPLE,
} from '../testing/sample-events.js';
import { DISPUTE_V2_DEADLINES, disputeV2Workflow } from './dispute-v2.machine.js';
import { disputeMachine } from './dispute.machine.js';

const go = (...events: MachineEvent[]) => run(disputeV2Workflow, events);
const clocks = (...events: MachineEvent[]) => [...declaredClocks(go(...events).snapshot).keys()];

const SUPERVISED: Effect = { kind: 'notify', topic: 'supervised' };

const mediating = [d.accept, d.classifyLow, d2.mediatorAtCommunity];
const agreed = [...mediating, d.agree];
const applied = [...agreed, d.requestJudicial];
const inCourt = [...applied, d2.courtAccepted];
const referred = [d.accept, d.classifyLow, d.referOne];
const delegated = [d.accept, d2.delegated];
const BREACHED: Effect = { kind: 'notify', topic: 'deadline_breached' };
const report = (ending: string): Effect =>
  ({ kind: 'court.report', courtCode: 'COURT-CY', delegationNumber: '(2026)京0105民诉前调1234号', ending }) as Effect;

describeGraphWalk(disputeV2Workflow, disputeV2SampleEvents);

describe('dispute v2 declarations', () => {
  const decl = declarations(disputeV2Workflow, disputeV2SampleEvents);

  it('keeps the five stages and the machine id of version 1', () => {
    const { machine } = disputeV2Workflow;
    expect(machine.id).toBe('dispute');
    expect(Object.keys(machine.root.states)).toEqual([...STAGES]);
    expect(disputeV2Workflow.version).toBe(2);
  });

  it('declares every event it handles, handles every event it declares, and has a valid sample of each', () => {
    expect(decl.undeclaredEvents).toEqual([]);
    expect(decl.unhandledEvents).toEqual([]);
    expect(decl.eventsWithoutSample).toEqual([]);
    expect(decl.invalidSamples).toEqual([]);
    expect(decl.reasonsForUnknownGuards).toEqual([]);
  });

  it('takes every guard and action of version 1 it names from version 1', () => {
    const v2 = disputeV2Workflow.machine.implementations;
    for (const [name, impl] of Object.entries(disputeMachine.implementations.guards)) {
      expect({ name, same: v2.guards[name] === impl }).toEqual({ name, same: true });
    }
    const replaced = new Set(['effect', 'recordTerms', 'judicialRejected', 'reopen']);
    for (const [name, impl] of Object.entries(disputeMachine.implementations.actions)) {
      if (!replaced.has(name)) expect({ name, same: v2.actions[name] === impl }).toEqual({ name, same: true });
    }
  });

  it('declares the clocks of the statutes: the judicial application and the court replace one mixed clock', () => {
    const rows = decl.deadlines.map(({ node, key, amount, unit, extension }) => [node, key, amount, unit, !!extension]);
    expect(rows).toEqual([
      ['dispute.intake.registered', 'dispute.intake', 3, 'working_days', false],
      ['dispute.triage.assessing', 'dispute.triage', 3, 'working_days', false],
      ['dispute.mediation.assigned', 'dispute.mediation', 30, 'calendar_days', true],
      ['dispute.mediation.in_session', 'dispute.mediation', 30, 'calendar_days', true],
      ['dispute.mediation.delegated', 'dispute.court_delegation', 30, 'calendar_days', true],
      ['dispute.mediation.agreement', 'dispute.judicial_application', 30, 'calendar_days', false],
      ['dispute.mediation.judicial_confirmation.in_court', 'dispute.court_confirmation', 30, 'calendar_days', true],
      ['dispute.mediation.reply_review', 'dispute.reply_review', 3, 'working_days', false],
      ['dispute.escalation', 'dispute.escalation', 5, 'working_days', false],
      ['dispute.archive.follow_up', 'dispute.follow_up', 7, 'working_days', false],
    ]);
  });
});

describe('dispute v2: the mediation clock stops at the agreement', () => {
  it('runs the mediation clock until the agreement, then the parties’ 30 days to apply', () => {
    expect(clocks(...mediating)).toEqual(['dispute.mediation']);
    expect(clocks(...agreed)).toEqual(['dispute.judicial_application']);
  });

  it('never escalates an agreed case for the mediation clock: its breach is not the agreement’s to handle', () => {
    expect(go(...agreed).refuses(elapsed('dispute.mediation'))).toBe(true);
    const after = go(...agreed, elapsed('dispute.judicial_application'));
    expect(after.state).toBe('mediation.agreement');
  });
});

describe('dispute v2: judicial confirmation', () => {
  it('accepts an application within the 30 days', () => {
    expect(go(...applied).state).toBe('mediation.judicial_confirmation.applied');
    expect(go(...applied).context.judicial).toBe('pending');
  });

  it('refuses an application once the window has closed, with the article', () => {
    const late = go(...agreed, elapsed('dispute.judicial_application'));
    expect(late.context.judicial).toBe('unconfirmed');
    expect(late.refusedBy(d.requestJudicial)).toEqual(['judicialWindowOpen']);
    expect(disputeV2Workflow.guardReasons.judicialWindowOpen).toContain('人民调解法 art. 33');
  });

  it('opens a new window when new terms are agreed', () => {
    const renewed = go(...agreed, elapsed('dispute.judicial_application'), d.agree);
    expect(renewed.context.judicial).toBeNull();
    expect(renewed.refuses(d.requestJudicial)).toBe(false);
  });

  it("runs the court's clock from its acceptance, with its case number", () => {
    expect(clocks(...applied)).toEqual([]);
    const court = go(...inCourt);
    expect(court.state).toBe('mediation.judicial_confirmation.in_court');
    expect(court.context.court).toEqual({
      caseNumber: '(2026)京0105民特123号',
      acceptedAt: '2026-03-02T09:00:00+08:00',
    });
    expect(clocks(...inCourt)).toEqual(['dispute.court_confirmation']);
  });

  it('extends the court’s clock once, only with the approver recorded', () => {
    const noApprover = ev('EXTEND_DEADLINE', { days: 10, reason: 'site inspection' });
    expect(go(...inCourt).refusedBy(noApprover)).toEqual(['approverGiven']);
    const extended = go(...inCourt, d2.courtExtension);
    expect(extended.context.courtExtended).toBe(true);
    expect(extended.refusedBy(d2.courtExtension)).toEqual(['courtNotExtended']);
  });

  it("flags the court's delay without marking the agreement unconfirmed", () => {
    const late = go(...inCourt, elapsed('dispute.court_confirmation'));
    expect(late.state).toBe('mediation.judicial_confirmation.in_court');
    expect(late.context).toMatchObject({ supervised: true, judicial: 'pending' });
    expect(late.effects).toEqual([SUPERVISED]);
  });

  it('ends with the court’s decision, accepted or not', () => {
    expect(go(...inCourt, d.confirmed).context).toMatchObject({ judicial: 'confirmed', outcome: 'mediated' });
    expect(go(...applied, d.confirmed).state).toBe('archive.follow_up');
    expect(go(...inCourt, d.rejected).state).toBe('mediation.assigned');
  });
});

describe('dispute v2: an unresolved reply leaves the decision to the case owner', () => {
  it('waits for the owner instead of escalating', () => {
    const review = go(...referred, d.replied1Unresolved);
    expect(review.state).toBe('mediation.reply_review');
    expect(review.effects).toEqual([{ kind: 'referrals.settle' }]);
  });

  it('concludes the case as unresolved with its ground', () => {
    const concluded = go(...referred, d.replied1Unresolved, d2.conclude);
    expect(concluded.state).toBe('archive.follow_up');
    expect(concluded.context).toMatchObject({
      outcome: 'unresolved',
      conclusion: { ground: 'no_violation_found', reason: 'the inspection found no violation' },
    });
  });

  it('or escalates, or refers again', () => {
    expect(go(...referred, d.replied1Unresolved, d.escalate).state).toBe('escalation.pending');
    const again = go(...referred, d.replied1Unresolved, d.referTwo);
    expect(again.state).toBe('mediation.referred');
    expect(again.context.openReferrals).toEqual([IDS.referral1, IDS.referral2]);
  });

  it('still closes a case whose departments all resolved it', () => {
    expect(go(...referred, d.replied1Resolved).context.outcome).toBe('resolved');
  });
});

describe('dispute v2: mediation the court delegated before filing (诉前委派)', () => {
  it('records the court, its number and the signed receipt, and runs the court’s 30 days from that receipt', () => {
    const running = go(...delegated);
    expect(running.state).toBe('mediation.delegated');
    expect(running.context).toMatchObject({
      delegation: {
        courtCode: 'COURT-CY',
        number: '(2026)京0105民诉前调1234号',
        receivedAt: '2026-03-02T09:00:00+08:00',
        ending: null,
      },
      mediatorId: PEOPLE.mediator.id,
      mediationChannel: 'judicial',
      // The mediator who signed for the materials works the case.
      assignee: PEOPLE.mediator.id,
    });
    expect(clocks(...delegated)).toEqual(['dispute.court_delegation']);
    expect(DISPUTE_V2_DEADLINES.courtDelegation).toMatchObject({ startsFrom: 'receivedAt', amount: 30 });
  });

  it('is extended only with both parties’ consent, and as often as they agree', () => {
    expect(go(...delegated).refusedBy(ev('EXTEND_DEADLINE', { days: 10, reason: 'one side asked' }))).toEqual([
      'bothPartiesConsent',
    ]);
    expect(disputeV2Workflow.guardReasons.bothPartiesConsent).toContain('特邀调解规定 art. 27');
    const twice = go(...delegated, d2.consentedExtension, d2.consentedExtension);
    expect(twice.state).toBe('mediation.delegated');
    expect(twice.refuses(d2.consentedExtension)).toBe(false);
    expect(DISPUTE_V2_DEADLINES.courtDelegation.extension).toMatchObject({ repeatable: true });
  });

  it('goes on to the parties’ window to apply for judicial confirmation after an agreement', () => {
    const agreed = go(...delegated, d.agree);
    expect(agreed.state).toBe('mediation.agreement');
    expect(agreed.context).toMatchObject({ delegation: { ending: 'agreement' } });
    expect(agreed.effects).toEqual([report('agreement')]);
    expect(clocks(...delegated, d.agree)).toEqual(['dispute.judicial_application']);
  });

  it('goes back to the court for litigation when it fails', () => {
    const failed = go(...delegated, d.failed);
    expect(failed.state).toBe('archive.closed');
    expect(failed.context).toMatchObject({
      outcome: 'transferred',
      transfer: { to: 'litigation', reference: '(2026)京0105民诉前调1234号' },
      delegation: { ending: 'failed' },
    });
    expect(failed.effects).toEqual([report('failed')]);
  });

  it('goes back to the court when the 30 days pass with no agreement and no agreed extension', () => {
    const expired = go(...delegated, elapsed('dispute.court_delegation'));
    expect(expired.state).toBe('archive.closed');
    expect(expired.context).toMatchObject({ outcome: 'transferred', delegation: { ending: 'expired' } });
    expect(expired.effects).toEqual([report('expired'), BREACHED]);
  });

  it('tells the court when the applicant withdraws', () => {
    const withdrawn = go(...delegated, common.withdraw);
    expect(withdrawn.context).toMatchObject({ outcome: 'withdrawn', delegation: { ending: 'withdrawn' } });
    expect(withdrawn.effects).toEqual([report('withdrawn')]);
  });

  it('ignores the ordinary mediation clock', () => {
    expect(go(...delegated).refuses(elapsed('dispute.mediation'))).toBe(true);
  });
});
