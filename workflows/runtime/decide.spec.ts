import type { AnyMachineSnapshot } from 'xstate';
import { DomainError, ErrorCode, statePath, type CaseFacts, type MachineEvent, type MachineWorkflow } from '#domain';
import { disputeWorkflow } from '../dispute/dispute.machine.js';
import { petitionWorkflow } from '../petition/petition.machine.js';
import { referralWorkflow } from '../referral/referral.machine.js';
import { common, dispute as d, elapsed, IDS, petition as p, UNITS } from '../testing/sample-events.js';
import { decide, start, type Decision, type Refusal } from './decide.js';
import { restoreSnapshot, storeSnapshot } from './machine-runtime.js';

const MEDIATOR = { role: 'mediator' };
const SYSTEM = { role: 'system' };

/** The sample event sent by `actor`: its type and payload as a command, its facts beside it. */
function send(workflow: MachineWorkflow, snapshot: AnyMachineSnapshot, event: MachineEvent, actor = MEDIATOR) {
  return decide(workflow, snapshot, { type: event.type, payload: event.payload, actor }, event.facts);
}

/** Walks `events` from the start, each one accepted; the snapshot it ends in. */
function walk(workflow: MachineWorkflow, events: MachineEvent[], input: unknown = { category: null }) {
  let snapshot = start(workflow, input).next;
  for (const event of events) {
    const actor = workflow.events[event.type]?.source === 'system' ? SYSTEM : MEDIATOR;
    snapshot = accepted(send(workflow, snapshot, event, actor)).next;
  }
  return snapshot;
}

function accepted(result: Refusal | Decision): Decision {
  if (!result.ok) throw new Error(`refused: ${result.refusal.message}`);
  return result;
}

function refused(result: Refusal | Decision): DomainError {
  if (result.ok) throw new Error(`accepted into ${statePath(result.next.value)}`);
  expect(result.refusal).toBeInstanceOf(DomainError);
  return result.refusal;
}

const keys = (clocks: Map<string, unknown>) => [...clocks.keys()];

describe('start', () => {
  it('enters the initial state with the clocks it declares', () => {
    const started = start(disputeWorkflow, { category: 'neighbour' });
    expect(statePath(started.next.value)).toBe('intake.registered');
    expect(started.next.context).toMatchObject({ category: 'neighbour', supervised: false });
    expect(started.effects).toEqual([]);
    expect(keys(started.clocks.before)).toEqual([]);
    expect(keys(started.clocks.after)).toEqual(['dispute.intake']);
    expect(started.final).toBe(false);
  });
});

describe('decide: an accepted event', () => {
  it('moves to the next state, ends the old clock and starts the new one', () => {
    const decision = accepted(send(disputeWorkflow, walk(disputeWorkflow, []), d.accept));
    expect(statePath(decision.next.value)).toBe('triage.assessing');
    expect(keys(decision.clocks.before)).toEqual(['dispute.intake']);
    expect(keys(decision.clocks.after)).toEqual(['dispute.triage']);
    expect(decision.clocks.restarted).toEqual(new Set());
    expect(decision.final).toBe(false);
    expect(decision.event).toEqual({ type: 'ACCEPT', payload: {}, facts: d.accept.facts });
  });

  it('returns the effects the transition names, with the facts they read', () => {
    const triage = walk(disputeWorkflow, [d.accept, d.classifyLow]);
    const decision = accepted(send(disputeWorkflow, triage, d.referOne));
    expect(statePath(decision.next.value)).toBe('mediation.referred');
    expect(decision.effects).toEqual([{ kind: 'referrals.issue', referralIds: [IDS.referral1] }]);
    expect(decision.next.context).toMatchObject({ openReferrals: [IDS.referral1] });
    expect(keys(decision.clocks.before)).toEqual(['dispute.triage']);
  });

  it('names a clock that restarts when its state is exited and entered again', () => {
    const escalated = walk(disputeWorkflow, [d.accept, d.escalate]);
    expect(statePath(escalated.value)).toBe('escalation.pending');
    const decision = accepted(send(disputeWorkflow, escalated, elapsed('dispute.escalation'), SYSTEM));
    expect(statePath(decision.next.value)).toBe('escalation.pending');
    expect(decision.effects).toEqual([{ kind: 'notify', topic: 'deadline_breached' }, { kind: 'unit.escalate' }]);
    expect(keys(decision.clocks.before)).toEqual(['dispute.escalation']);
    expect(keys(decision.clocks.after)).toEqual(['dispute.escalation']);
    expect(decision.clocks.restarted).toEqual(new Set(['dispute.escalation']));
  });

  it('keeps a running clock across sibling states without restarting it', () => {
    const assigned = walk(disputeWorkflow, [d.accept, d.classifyLow, d.mediatorAtCommunity]);
    const decision = accepted(send(disputeWorkflow, assigned, d.schedule));
    expect(statePath(decision.next.value)).toBe('mediation.in_session');
    expect(keys(decision.clocks.before)).toEqual(['dispute.mediation']);
    expect(keys(decision.clocks.after)).toEqual(['dispute.mediation']);
    expect(decision.clocks.restarted).toEqual(new Set());
  });

  it('gives a snapshot that survives being stored and restored', () => {
    const decision = accepted(send(disputeWorkflow, walk(disputeWorkflow, [d.accept]), d.classifyLow));
    const stored = JSON.parse(JSON.stringify(storeSnapshot(decision.next)));
    const restored = restoreSnapshot(disputeWorkflow, stored);
    expect(storeSnapshot(restored)).toEqual(stored);
    expect(accepted(send(disputeWorkflow, restored, d.mediatorAtCommunity)).next.value).toEqual({
      mediation: 'assigned',
    });
  });

  it('runs the referral machine, whose reply asks to be sent on into the case', () => {
    const issued = start(referralWorkflow, referralInput()).next;
    const acknowledged = accepted(send(referralWorkflow, issued, ev('ACKNOWLEDGE')));
    expect(keys(acknowledged.clocks.before)).toEqual(['referral.acknowledge']);
    expect(keys(acknowledged.clocks.after)).toEqual(['referral.reply']);
    const taken = accepted(send(referralWorkflow, acknowledged.next, ev('ACCEPT'))).next;
    const replied = accepted(
      send(referralWorkflow, taken, ev('REPLY', { resolved: true, result: 'the wall was moved' })),
    );
    expect(statePath(replied.next.value)).toBe('replied');
    expect(replied.effects).toEqual([{ kind: 'case.send', type: 'REFERRAL_REPLIED', payload: { resolved: true } }]);
    expect(keys(replied.clocks.before)).toEqual(['referral.reply']);
    expect(keys(replied.clocks.after)).toEqual([]);
    expect(replied.final).toBe(false);
    const closed = accepted(send(referralWorkflow, replied.next, ev('CLOSE'), SYSTEM));
    expect(statePath(closed.next.value)).toBe('closed');
    expect(closed.final).toBe(true);
  });
});

describe('decide: a refused event', () => {
  it('names the guard that refused it, with the reason the machine gives', () => {
    const refusal = refused(send(disputeWorkflow, walk(disputeWorkflow, [d.accept]), d.referOne));
    expect(refusal.code).toBe(ErrorCode.RuleViolated);
    expect(refusal.message).toBe('The case must be classified (CLASSIFY) before it can be referred.');
    expect(refusal.details).toMatchObject({ state: 'triage.assessing', rules: ['categoryClassified'] });
  });

  it('names the specifics a guard reason reads from the facts', () => {
    const triage = walk(disputeWorkflow, [d.accept, d.classifyLow]);
    const refusal = refused(send(disputeWorkflow, triage, d.referOutside));
    expect(refusal.code).toBe(ErrorCode.RuleViolated);
    expect(refusal.details).toMatchObject({ rules: ['withinResponsibilityLists'] });
    expect(refusal.message).toBe('Category neighbour is not on the responsibility list (权责清单) of MARKET.');
  });

  it('refuses an event the state has no transition for, listing the events it allows', () => {
    const refusal = refused(send(disputeWorkflow, walk(disputeWorkflow, []), d.schedule));
    expect(refusal.code).toBe(ErrorCode.EventNotAllowed);
    expect(refusal.message).toBe('SCHEDULE_SESSION is not allowed in state intake.registered.');
    expect(refusal.details.state).toBe('intake.registered');
    expect(refusal.details.allowedEvents).toEqual(expect.arrayContaining(['ACCEPT', 'DECLINE', 'MERGE']));
    expect(refusal.details.allowedEvents).not.toContain('SCHEDULE_SESSION');
  });

  it('refuses a bad payload before the machine runs, naming the field', () => {
    const bad = { ...d.classifyLow, payload: { category: 'neighbour', riskLevel: 'apocalyptic' } };
    const refusal = refused(send(disputeWorkflow, walk(disputeWorkflow, [d.accept]), bad));
    expect(refusal.code).toBe(ErrorCode.ValidationFailed);
    expect(refusal.message).toBe('The CLASSIFY payload is invalid.');
    expect(refusal.errors.map((e) => e.field)).toEqual(['payload.riskLevel']);
  });

  it('refuses an event the machine does not know, listing those a client may send', () => {
    const refusal = refused(send(petitionWorkflow, walk(petitionWorkflow, []), ev('REFER')));
    expect(refusal.code).toBe(ErrorCode.ValidationFailed);
    expect(refusal.errors).toHaveLength(1);
    expect(refusal.errors[0]!.field).toBe('type');
    expect(refusal.errors[0]!.message).toMatch(/^is not an event of a petition case \(known: WITHDRAW, /);
    expect(refusal.errors[0]!.message).not.toContain('DEADLINE_ELAPSED');
  });

  it('refuses a system event sent by a user, in any state', () => {
    const refusal = refused(send(disputeWorkflow, walk(disputeWorkflow, []), elapsed('dispute.intake')));
    expect(refusal.code).toBe(ErrorCode.SystemEventOnly);
    expect(refusal.message).toBe('DEADLINE_ELAPSED is sent by Concord itself, never by a client.');
    const referral = refused(
      send(referralWorkflow, walk(referralWorkflow, [], referralInput()), ev('CANCEL', { reason: 'x' })),
    );
    expect(referral.code).toBe(ErrorCode.SystemEventOnly);
  });

  it('refuses every event in a final state, saying that it is final', () => {
    const declined = accepted(send(disputeWorkflow, walk(disputeWorkflow, []), d.decline));
    expect(statePath(declined.next.value)).toBe('archive.closed');
    expect(declined.final).toBe(true);
    expect(declined.next.context).toMatchObject({ outcome: 'declined' });
    expect(keys(declined.clocks.before)).toEqual(['dispute.intake']);
    expect(keys(declined.clocks.after)).toEqual([]);
    for (const event of [common.note, common.withdraw, d.accept]) {
      const refusal = refused(send(disputeWorkflow, declined.next, event));
      expect(refusal.code).toBe(ErrorCode.EventNotAllowed);
      expect(refusal.message).toBe(`${event.type} is not allowed: archive.closed is final and cannot change.`);
      expect(refusal.details.allowedEvents).toEqual([]);
    }
  });
});

describe('decide: an event the log recorded', () => {
  it('is not checked again: an added party is replayed from its sealed reference', () => {
    const sealed = { partyId: IDS.otherCase, role: 'respondent', vulnerable: [], piiDigest: 'ab'.repeat(32) };
    const snapshot = walk(petitionWorkflow, [p.accept]);
    expect(refused(send(petitionWorkflow, snapshot, ev('ADD_PARTY', sealed))).code).toBe(ErrorCode.ValidationFailed);
    const facts: CaseFacts = { unit: UNITS.community };
    const replayed = accepted(
      decide(petitionWorkflow, snapshot, { type: 'ADD_PARTY', payload: sealed, admitted: true }, facts),
    );
    expect(replayed.next.value).toEqual(snapshot.value);
    expect(replayed.next.context).toEqual(snapshot.context);
  });
});

describe('what the machines declare for the engine', () => {
  it('names the facts each event needs by kind, the events handled specially, and the reference prefix', () => {
    expect(disputeWorkflow.referencePrefix).toBe('DSP');
    expect(petitionWorkflow.referencePrefix).toBe('PET');
    expect(disputeWorkflow.facts).toEqual({
      REFER: { kind: 'referredDepartments' },
      CONVENE_JOINT_MEETING: { kind: 'departmentsExist', field: 'departmentCodes' },
      MERGE: { kind: 'mergeTarget', field: 'intoCaseId' },
    });
    expect(petitionWorkflow.facts).toEqual({
      FORWARD: { kind: 'departmentsExist', field: 'departmentCode' },
      ASSIGN_HANDLER: { kind: 'unitWithinReach', unitField: 'unitCode', departmentField: 'departmentCode' },
    });
    for (const workflow of [disputeWorkflow, petitionWorkflow]) {
      expect(workflow.handling).toEqual({ ADD_PARTY: 'sealParty', EXTEND_DEADLINE: 'extendClock' });
      for (const type of [...Object.keys(workflow.facts ?? {}), ...Object.keys(workflow.handling ?? {})]) {
        expect(workflow.events[type]).toBeDefined();
      }
    }
    expect(referralWorkflow.facts).toBeUndefined();
    expect(referralWorkflow.handling).toBeUndefined();
  });
});

function ev(type: string, payload: object = {}): MachineEvent {
  return { type, payload, facts: { unit: UNITS.community } };
}

function referralInput() {
  return { departmentCode: 'JUSTICE', role: 'lead', instructions: 'x', dueInWorkingDays: null, shareParties: false };
}
