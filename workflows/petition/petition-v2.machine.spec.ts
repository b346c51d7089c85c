import type { Effect, MachineEvent } from '#domain';
import { declaredClocks } from '../runtime/machine-runtime.js';
import { declarations, describeGraphWalk, run } from '../testing/graph-audit.js';
import { common, elapsed, IDS, petitionV2 as p, petitionV2SampleEvents, UNITS } from '../testing/sample-events.js';
import { petitionV2Workflow } from './petition-v2.machine.js';
import { petitionMachine } from './petition.machine.js';

const go = (...events: MachineEvent[]) => run(petitionV2Workflow, events);
const clocks = (...events: MachineEvent[]) => [...declaredClocks(go(...events).snapshot).keys()];

const UP: Effect = { kind: 'unit.escalate' };

const assigning = [p.acceptClaim];
const handling = [...assigning, p.handlerUnit];
const undelivered = [...handling, p.opinion];
const awaitingReview = [...undelivered, p.deliver];
const inReview = [...awaitingReview, p.requestReview];
const awaitingReReview = [...inReview, p.reviewOpinion, p.deliver];
const inReReview = [...awaitingReReview, p.requestReReview];

describeGraphWalk(petitionV2Workflow, petitionV2SampleEvents);

describe('petition v2 declarations', () => {
  const decl = declarations(petitionV2Workflow, petitionV2SampleEvents);

  it('declares every event it handles, handles every event it declares, and has a valid sample of each', () => {
    expect(decl.undeclaredEvents).toEqual([]);
    expect(decl.unhandledEvents).toEqual([]);
    expect(decl.eventsWithoutSample).toEqual([]);
    expect(decl.invalidSamples).toEqual([]);
    expect(decl.reasonsForUnknownGuards).toEqual([]);
  });

  it('takes the guards and actions it keeps from version 1, unchanged', () => {
    const v2 = petitionV2Workflow.machine.implementations;
    for (const [name, impl] of Object.entries(petitionMachine.implementations.guards)) {
      expect({ name, same: v2.guards[name] === impl }).toEqual({ name, same: true });
    }
    for (const [name, impl] of Object.entries(petitionMachine.implementations.actions)) {
      if (name !== 'effect') expect({ name, same: v2.actions[name] === impl }).toEqual({ name, same: true });
    }
  });

  it('declares its clocks, the 复核 clock alone pausable', () => {
    const rows = decl.deadlines.map(({ node, key, amount, unit, pausable }) => [node, key, amount, unit, !!pausable]);
    expect(rows).toEqual([
      ['petition.intake.registered', 'petition.intake', 15, 'calendar_days', false],
      ['petition.intake.forwarded', 'petition.forwarded', 15, 'calendar_days', false],
      ['petition.triage.assigning', 'petition.handling', 60, 'calendar_days', false],
      ['petition.mediation.handling', 'petition.handling', 60, 'calendar_days', false],
      ['petition.mediation.studying', 'petition.suggestion', 60, 'calendar_days', false],
      ['petition.escalation.awaiting_delivery', 'petition.delivery', 10, 'working_days', false],
      ['petition.escalation.awaiting_review_request', 'petition.review_request', 30, 'calendar_days', false],
      ['petition.escalation.review', 'petition.review', 30, 'calendar_days', false],
      ['petition.escalation.awaiting_review_delivery', 'petition.delivery', 10, 'working_days', false],
      ['petition.escalation.awaiting_re_review_request', 'petition.re_review_request', 30, 'calendar_days', false],
      ['petition.escalation.re_review', 'petition.re_review', 30, 'calendar_days', true],
      ['petition.archive.follow_up', 'petition.follow_up', 7, 'working_days', false],
    ]);
  });
});

describe('petition v2: classes at intake (信访工作条例 art. 29–31)', () => {
  it('handles a claim with the 60 days from acceptance, across the choice of its handler (art. 34)', () => {
    expect(clocks(...assigning)).toEqual(['petition.handling']);
    expect(clocks(...handling)).toEqual(['petition.handling']);
    expect(go(...assigning).context.petitionType).toBe('claim');
  });

  it('studies and answers a suggestion, with no review path', () => {
    const answered = go(p.acceptSuggestion, p.answer);
    expect(answered.state).toBe('archive.follow_up');
    expect(answered.context.outcome).toBe('handled');
    expect(answered.refuses(p.requestReview)).toBe(true);
    expect(go(p.acceptSuggestion).refuses(p.opinion)).toBe(true);
  });

  it('hands an accusation to the discipline-inspection department and archives it as forwarded', () => {
    const handed = go(p.acceptAccusation);
    expect(handed.state).toBe('archive.closed');
    expect(handed.context).toMatchObject({ petitionType: 'accusation', outcome: 'forwarded', confidential: true });
    expect(handed.effects).toEqual([{ kind: 'referrals.issue', referralIds: [IDS.referral1] }]);
    // Only an accusation is confidential (art. 30).
    expect(go(p.acceptClaim).context.confidential).toBe(false);
    expect(go(p.acceptSuggestion).context.confidential).toBe(false);
  });

  it('directs a claim that belongs to a statutory channel there, naming it (art. 31(1)–(5))', () => {
    const directed = go(p.direct);
    expect(directed.state).toBe('archive.closed');
    expect(directed.context).toMatchObject({
      outcome: 'directed',
      directedTo: { channel: 'litigation', body: '西城区人民法院' },
    });
  });
});

describe('petition v2: extension, delivery and the review windows', () => {
  it('extends the 60 days once with its approver, and tells the petitioner why', () => {
    const extended = go(...handling, p.extend);
    expect(extended.context.extension).toEqual({
      reason: 'the wage records must be audited',
      approver: { name: '王主任', title: '信访局局长' },
    });
    expect(extended.effects).toEqual([
      { kind: 'petitioner.notify', topic: 'handling_extended', detail: 'the wage records must be audited' },
    ]);
    expect(extended.refusedBy(p.extend)).toEqual(['notExtended']);
  });

  it('records the notice to the petitioner wherever the case went meanwhile, as a staff notice is recorded', () => {
    for (const path of [assigning, handling, undelivered, inReReview])
      expect(go(...path, p.petitionerNotified).state).toBe(go(...path).state);
  });

  it('refuses an extension without its approver (a bad payload)', () => {
    const schema = petitionV2Workflow.events.EXTEND_DEADLINE!.payload;
    const errors: unknown[] = [];
    schema.check({ days: 30, reason: 'x' }, 'payload', errors as never);
    expect(errors).toEqual([expect.objectContaining({ field: 'payload.approver' })]);
  });

  it('runs the delivery clock until the answer reaches the petitioner, then the 30 days to ask for review', () => {
    expect(clocks(...undelivered)).toEqual(['petition.delivery']);
    expect(go(...undelivered).refuses(p.requestReview)).toBe(true);
    expect(clocks(...awaitingReview)).toEqual(['petition.review_request']);
    expect(go(...awaitingReview).context.delivered).toBe(true);
  });
});

describe('petition v2: reviews go up a level (art. 35, 36)', () => {
  it('moves the case to the unit above the handler for 复查', () => {
    const review = go(...inReview);
    expect(review.state).toBe('escalation.review');
    expect(review.effects).toEqual([UP]);
    expect(review.context.reviewBodies).toEqual([{ stage: 'review', aboveUnit: UNITS.community.code }]);
  });

  it('records an outside body where the deployment has none above, and keeps the case and its clock', () => {
    const top = go(...awaitingReview, p.requestReviewAtTop);
    expect(top.effects).toEqual([]);
    expect(top.context.reviewBodies).toEqual([
      { stage: 'review', outside: { name: `the body above ${UNITS.district.code}`, reference: null } },
    ]);
    expect(clocks(...awaitingReview, p.requestReviewAtTop)).toEqual(['petition.review']);
    const named = go(...awaitingReview, p.requestReviewOutside);
    expect(named.context.reviewBodies).toEqual([
      { stage: 'review', outside: { name: '北京市人民政府信访办公室', reference: '京访复〔2026〕1号' } },
    ]);
  });

  it("sends a department's opinion to the body above the department", () => {
    const byDepartment = go(p.acceptClaim, p.handlerDepartment, p.opinion, p.deliver, p.requestReview);
    expect(byDepartment.effects).toEqual([]);
    expect(byDepartment.context.reviewBodies).toEqual([
      { stage: 'review', outside: { name: 'the body above HRSS', reference: null } },
    ]);
  });

  it('moves up again for 复核, and a hearing stops and restarts its clock', () => {
    const reReview = go(...inReReview);
    expect(reReview.state).toBe('escalation.re_review.deciding');
    expect(reReview.effects).toEqual([UP]);
    const hearing = go(...inReReview, p.startHearing);
    expect(hearing.effects).toEqual([{ kind: 'clock.pause', key: 'petition.re_review' }]);
    expect(clocks(...inReReview, p.startHearing)).toEqual(['petition.re_review']);
    const resumed = go(...inReReview, p.startHearing, p.endHearing);
    expect(resumed.effects).toEqual([{ kind: 'clock.resume', key: 'petition.re_review' }]);
    expect(go(...inReReview, p.reReviewOpinion).state).toBe('archive.follow_up');
  });
});

describe('petition v2: repeats, forwarding and merging', () => {
  it('declines a repeat of a petition whose 复核 is complete, and only then on that ground (art. 36 ¶3)', () => {
    expect(go(p.declineRepeat).context.outcome).toBe('declined');
    expect(go().refusedBy(p.declineRepeatNotReReviewed)).toEqual(['relatedCaseReReviewed']);
    expect(go(p.decline).context.outcome).toBe('declined');
  });

  it('waits for the receiving body after a FORWARD: its answer concludes, its objection returns the petition', () => {
    const forwarded = go(p.forward);
    expect(forwarded.state).toBe('intake.forwarded');
    expect(forwarded.effects).toEqual([{ kind: 'referrals.issue', referralIds: [IDS.referral2] }]);
    expect(go(p.forward, p.forwardAnswered).context.outcome).toBe('forwarded');
    const objected = go(p.forward, p.forwardObjected);
    expect(objected.state).toBe('intake.registered');
    expect(objected.effects).toEqual([{ kind: 'referrals.settle' }]);
  });

  it('merges a repeat still being handled into the earlier petition', () => {
    const merged = go(p.merge);
    expect(merged.context).toMatchObject({ outcome: 'merged', mergedInto: IDS.otherCase });
    expect(merged.effects).toEqual([{ kind: 'case.merge', intoCaseId: IDS.otherCase }]);
    expect(go(...assigning, p.merge).context.outcome).toBe('merged');
  });

  it('withdraws from any open state, as version 1', () => {
    expect(go(...inReReview, common.withdraw).context.outcome).toBe('withdrawn');
    expect(go(...handling, elapsed('petition.handling', UNITS.district)).context.supervised).toBe(true);
  });
});
