import type { Effect, MachineEvent } from '#domain';
import { declarations, describeGraphWalk, run } from '../testing/graph-audit.js';
import { REFERRAL_INPUT as INPUT, referral as r, referralSampleEvents as samples } from '../testing/sample-events.js';
import { referralWorkflow } from './referral.machine.js';

const go = (...events: MachineEvent[]) => run(referralWorkflow as never, events, INPUT);
const working = [r.acknowledge, r.accept];

describeGraphWalk(referralWorkflow, samples, { name: 'referral', input: INPUT });

describe('referral declarations', () => {
  const decl = declarations(referralWorkflow, samples);

  it('declares every event it handles, handles every event it declares, and has a valid sample of each', () => {
    expect(decl.undeclaredEvents).toEqual([]);
    expect(decl.unhandledEvents).toEqual([]);
    expect(decl.eventsWithoutSample).toEqual([]);
    expect(decl.invalidSamples).toEqual([]);
  });

  it('lets departments send only the protocol events; the rest come from Concord', () => {
    const bySource = (source: string) =>
      Object.entries(referralWorkflow.events)
        .filter(([, e]) => e.source === source)
        .map(([t]) => t)
        .sort();
    expect(bySource('client')).toEqual(['ACCEPT', 'ACKNOWLEDGE', 'PROGRESS', 'REJECT', 'REPLY']);
    expect(bySource('system')).toEqual(['CANCEL', 'CLOSE', 'DEADLINE_ELAPSED', 'DEADLINE_WARNING']);
  });

  it('declares the two clocks of docs/legal-clocks.md: 1 working day to acknowledge, 5 to reply', () => {
    expect(decl.deadlines.map(({ node, key, amount, unit }) => [node, key, amount, unit])).toEqual([
      ['referral.issued', 'referral.acknowledge', 1, 'working_days'],
      ['referral.acknowledged', 'referral.reply', 5, 'working_days'],
      ['referral.accepted', 'referral.reply', 5, 'working_days'],
      ['referral.in_progress', 'referral.reply', 5, 'working_days'],
    ]);
  });
});

describe('referral protocol', () => {
  it('runs issued → acknowledged → accepted → in_progress → replied → closed', () => {
    expect(go().state).toBe('issued');
    expect(go(r.acknowledge).state).toBe('acknowledged');
    expect(go(...working).state).toBe('accepted');
    const progressing = go(...working, r.progress, r.progress);
    expect(progressing.state).toBe('in_progress');
    const replied = go(...working, r.progress, r.replyResolved);
    expect(replied.state).toBe('replied');
    expect(replied.context).toMatchObject({ resolved: true, result: 'the fence was moved' });
    expect(go(...working, r.progress, r.replyResolved, r.close).snapshot.status).toBe('done');
  });

  it('sends the reply into the case, with its resolution', () => {
    const expected: Effect = { kind: 'case.send', type: 'REFERRAL_REPLIED', payload: { resolved: false } };
    expect(go(...working, r.replyUnresolved).effects).toEqual([expected]);
  });

  it('sends a rejection into the case, with its reason, and ends there', () => {
    const rejected = go(r.acknowledge, r.reject);
    expect(rejected.state).toBe('rejected');
    expect(rejected.effects).toEqual([
      { kind: 'case.send', type: 'REFERRAL_REJECTED', payload: { reason: 'not on our responsibility list' } },
    ]);
    expect(rejected.refuses(r.replyResolved)).toBe(true);
    expect(rejected.refuses(r.cancel)).toBe(true);
  });

  it('must be acknowledged before it is accepted or rejected, and accepted before a reply', () => {
    expect(go().refuses(r.accept)).toBe(true);
    expect(go().refuses(r.reject)).toBe(true);
    expect(go(r.acknowledge).refuses(r.replyResolved)).toBe(true);
    expect(go(...working).refuses(r.reject)).toBe(true);
  });

  it('urges (催办) an unacknowledged referral once its day passes, and tells the case owner', () => {
    const urged = go(r.ackElapsed);
    expect(urged.state).toBe('issued');
    expect(urged.context.urged).toBe(true);
    expect(urged.effects).toEqual([{ kind: 'notify', topic: 'referral_urged' }]);
    expect(go(r.ackElapsed, r.acknowledge).state).toBe('acknowledged');
  });

  it('supervises (督办) an unanswered referral once its reply is due, in any state the reply clock runs', () => {
    for (const path of [[r.acknowledge], working, [...working, r.progress]]) {
      const supervised = go(...path, r.replyElapsed);
      expect(supervised.context.supervised).toBe(true);
      expect(supervised.effects).toEqual([{ kind: 'notify', topic: 'referral_supervised' }]);
    }
  });

  it('ignores a clock that is not its state’s', () => {
    expect(go().refuses(r.replyElapsed)).toBe(true);
    expect(go(...working).refuses(r.ackElapsed)).toBe(true);
  });

  it('is cancelled from any open state when its case stops waiting; a replied one is closed instead', () => {
    for (const path of [[], [r.acknowledge], working, [...working, r.progress]]) {
      const cancelled = go(...path, r.cancel);
      expect(cancelled.state).toBe('cancelled');
      expect(cancelled.context.cancellationReason).toBe('the case was withdrawn');
    }
    expect(go(...working, r.replyResolved).refuses(r.cancel)).toBe(true);
    expect(go(...working, r.replyResolved, r.close).state).toBe('closed');
  });
});
