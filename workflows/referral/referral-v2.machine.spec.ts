import type { MachineEvent } from '#domain';
import { audit, declarations, run } from '../testing/graph-audit.js';
import {
  elapsed,
  REFERRAL_INPUT as INPUT,
  referral as r,
  referralV2SampleEvents,
  TRANSFER_INPUT,
} from '../testing/sample-events.js';
import { REFERRAL_V2_DEADLINES, referralV2Workflow } from './referral-v2.machine.js';
import { referralWorkflow } from './referral.machine.js';

const TRANSFER = TRANSFER_INPUT;
const samples: MachineEvent[] = referralV2SampleEvents;
const go = (...events: MachineEvent[]) => run(referralV2Workflow as never, events, INPUT);
const transfer = (...events: MachineEvent[]) => run(referralV2Workflow as never, events, TRANSFER);

/** A referral of a REFER walks one part of the machine, a transfer (转送) the other: together they cover it. */
describe('referral machine version 2, walked with xstate/graph from both inputs', () => {
  let reports: Array<ReturnType<typeof audit>>;
  beforeAll(() => {
    reports = [audit(referralV2Workflow, samples, INPUT), audit(referralV2Workflow, samples, TRANSFER)];
  }, 60_000);
  const both = (list: (r: ReturnType<typeof audit>) => string[]) => {
    const [a, b] = reports.map((report) => new Set(list(report)));
    return [...a!].filter((x) => b!.has(x));
  };
  const either = (list: (r: ReturnType<typeof audit>) => string[]) => reports.flatMap(list);

  it('reaches every state and takes every transition but the one that exists to say why it is refused', () => {
    expect(both((r) => r.unreachedStates)).toEqual([]);
    // A late objection is refused by a named guard that never passes, so that the refusal cites art. 23 ¶3.
    expect(both((r) => r.untakenTransitions)).toEqual([
      'referral.transfer.within_remit --REJECT [guarded]--> referral.rejected',
    ]);
  });

  it('restores every snapshot from JSON, explains every refusal, and handles exactly its states’ deadlines', () => {
    expect(either((r) => r.roundTripFailures)).toEqual([]);
    expect(either((r) => r.refusalsWithoutReason)).toEqual([]);
    expect(either((r) => r.foreignDeadlines)).toEqual([]);
    expect(either((r) => r.unhandledDeadlines)).toEqual([]);
    expect(either((r) => r.warningMismatches)).toEqual([]);
  });
});

describe('referral version 2 declarations', () => {
  const decl = declarations(referralV2Workflow, samples);

  it('declares every event it handles, handles every event it declares: version 1’s and the assignment events', () => {
    expect(decl.undeclaredEvents).toEqual([]);
    expect(decl.unhandledEvents).toEqual([]);
    expect(Object.keys(referralV2Workflow.events)).toEqual([
      ...Object.keys(referralWorkflow.events),
      'CLAIM',
      'ASSIGN',
      'UNASSIGN',
    ]);
  });

  it('declares the transfer’s clocks of 信访工作条例 art. 23 ¶3: 15 days to tell the petitioner, 5 working days to object', () => {
    const clocks = decl.deadlines.map(({ node, key, amount, unit }) => [node, key, amount, unit]);
    expect(clocks).toContainEqual(['referral.transfer', 'referral.transfer_notice', 15, 'calendar_days']);
    expect(clocks).toContainEqual(['referral.transfer.objectable', 'referral.transfer_objection', 5, 'working_days']);
  });
});

describe('a referral of a REFER runs as in version 1', () => {
  it('runs issued → acknowledged → accepted → replied, with the same answers into the case', () => {
    const v1 = run(referralWorkflow as never, [r.acknowledge, r.accept, r.replyUnresolved], INPUT);
    const v2 = go(r.acknowledge, r.accept, r.replyUnresolved);
    expect(v2.state).toBe(v1.state);
    expect(v2.effects).toEqual(v1.effects);
    expect(go().state).toBe('issued');
  });
});

describe('a transfer (转送)', () => {
  it('starts in its objection window, with no acknowledgement clock', () => {
    expect(transfer().state).toBe('transfer.objectable');
  });

  it('takes an objection within the window and sends it into the petition', () => {
    const objected = transfer(r.acknowledge, r.reject);
    expect(objected.state).toBe('rejected');
    expect(objected.effects).toEqual([
      { kind: 'case.send', type: 'REFERRAL_REJECTED', payload: { reason: 'not on our responsibility list' } },
    ]);
  });

  it('refuses an objection once the window has closed or the body has taken the petition on', () => {
    const closed = transfer(elapsed(REFERRAL_V2_DEADLINES.transferObjection.key));
    expect(closed.state).toBe('transfer.within_remit');
    expect(closed.refuses(r.reject)).toBe(true);
    const taken = transfer(r.accept);
    expect(taken.state).toBe('transfer.within_remit');
    expect(taken.refuses(r.reject)).toBe(true);
  });

  it('answers into the petition with its reply, and is supervised when the 15 days pass without one', () => {
    const late = transfer(elapsed(REFERRAL_V2_DEADLINES.transferNotice.key));
    expect(late.context).toMatchObject({ supervised: true });
    const answered = transfer(r.accept, r.replyResolved);
    expect(answered.state).toBe('replied');
    expect(answered.effects).toEqual([{ kind: 'case.send', type: 'REFERRAL_REPLIED', payload: { resolved: true } }]);
  });
});
