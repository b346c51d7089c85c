import { ManualClock } from '#clock';
import type { NotificationChannel, OwnerNotice } from '#notifications';
import {
  dispute,
  seedDirectory,
  startTestApi,
  startTestWorker,
  verifyChain,
  type TestApi,
  type TestWorker,
} from './support/index.js';

const MONDAY = '2026-03-02T09:00:00+08:00';

/** A channel that keeps what it was given, standing in for SMS or a messaging app. */
class RecordingChannel implements NotificationChannel {
  readonly name = 'recording';
  readonly notices: OwnerNotice[] = [];
  async send(notice: OwnerNotice): Promise<void> {
    this.notices.push(notice);
  }
}

describe('referral deadlines: 催办 and 督办, with the real worker and a clock that moves only when told', () => {
  const clock = new ManualClock(MONDAY);
  const channel = new RecordingChannel();
  let api: TestApi;
  let worker: TestWorker;
  let mediator: string;
  let justice: string;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    worker = await startTestWorker(api.config, api.db, clock, { channels: [channel] });
    mediator = await api.keyFor('mediator', { unitCode: 'XC-XH' });
    justice = await api.keyFor('department', { departmentCode: 'JUSTICE' });
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  const send = async (id: string, type: string, payload: Record<string, unknown> = {}) => {
    const reply = await api.call('POST', `/cases/${id}/events`, { key: mediator, body: { type, payload } });
    expect({ type, status: reply.status, detail: reply.body.detail }).toMatchObject({ type, status: 200 });
    return reply.body;
  };
  const act = async (referralId: string, type: string, payload: Record<string, unknown> = {}) => {
    const reply = await api.call('POST', `/referrals/${referralId}/events`, { key: justice, body: { type, payload } });
    expect({ type, status: reply.status, detail: reply.body.detail }).toMatchObject({ type, status: 200 });
    return reply.body;
  };
  const referral = async (id: string) => (await api.call('GET', `/referrals/${id}`, { key: justice })).body;
  const history = async (id: string) =>
    (await api.call('GET', `/cases/${id}/history?limit=200`, { key: mediator })).body.items as Array<{
      type: string;
      payload: any;
      referralId?: string;
      actor: { id: string };
    }>;

  /** Moves notices to the worker and waits until it has handled every one (on the jobs' completion, not on time). */
  async function deliverNotices(): Promise<void> {
    await worker.settle();
    const [row] = await api.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE name = 'notify' AND processed_at IS NULL`,
    );
    expect(row!.n).toBe(0);
  }

  async function referredCase(): Promise<{ caseId: string; referralId: string }> {
    const created = (await api.call('POST', '/cases', { key: mediator, body: dispute() })).body;
    await send(created.id, 'ACCEPT');
    await send(created.id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
    const view = await send(created.id, 'REFER', { departmentCode: 'JUSTICE', instructions: '请司法所调处' });
    return { caseId: created.id, referralId: view.referrals[0].id };
  }

  it('urges an unacknowledged referral after one working day, supervises an unanswered one after five, and tells the owner each time', async () => {
    clock.set(MONDAY);
    const { caseId, referralId } = await referredCase();
    const issued = await referral(referralId);
    // Issued Monday 09:00: one working day, the issue date not counted, is the end of Tuesday (China time).
    expect(issued.deadlines).toEqual([
      expect.objectContaining({ key: 'referral.acknowledge', dueAt: '2026-03-03T15:59:59.999Z' }),
    ]);

    await worker.relay();
    clock.set('2026-03-03T23:00:00+08:00');
    expect(await worker.fireDue()).toEqual([]);
    clock.set('2026-03-04T00:00:01+08:00');
    expect(await worker.fireDue()).toEqual([{ deadlineId: issued.deadlines[0].id, result: 'fired' }]);

    const urged = await referral(referralId);
    expect(urged).toMatchObject({
      state: 'issued',
      urged: true,
      supervised: false,
      urgedAt: '2026-03-03T16:00:01.000Z',
    });
    await deliverNotices();
    const afterUrge = await history(caseId);
    expect(afterUrge.slice(-2).map((e) => [e.type, e.referralId ?? null, e.actor.id])).toEqual([
      ['DEADLINE_ELAPSED', referralId, 'system:deadlines'],
      ['OWNER_NOTIFIED', null, 'system:notifications'],
    ]);
    expect(afterUrge.at(-1)!.payload).toEqual({
      topic: 'referral_urged',
      channels: ['case_file', 'inbox', 'recording'],
      recipient: 'XC-XH-01',
      referralId,
    });
    expect(channel.notices.filter((n) => n.caseId === caseId).map((n) => n.topic)).toEqual(['referral_urged']);

    // Acknowledged on Wednesday: five working days to reply, to the end of the next Wednesday.
    await act(referralId, 'ACKNOWLEDGE');
    await act(referralId, 'ACCEPT');
    const working = await referral(referralId);
    const reply = working.deadlines.find((d: { key: string }) => d.key === 'referral.reply');
    expect(reply).toMatchObject({
      dueAt: '2026-03-11T15:59:59.999Z',
      open: true,
      warnings: [expect.objectContaining({ percent: 80 })],
    });

    await worker.relay();
    clock.set('2026-03-12T00:00:01+08:00');
    const fired = await worker.fireDue();
    expect(fired.map((f) => f.result)).toEqual(['fired', 'fired']); // the 80% warning, then the clock
    const supervised = await referral(referralId);
    expect(supervised).toMatchObject({ state: 'accepted', urged: true, supervised: true, overdue: true });
    await deliverNotices();
    expect((await history(caseId)).filter((e) => e.type === 'OWNER_NOTIFIED').map((e) => e.payload.topic)).toEqual([
      'referral_urged',
      'referral_supervised',
    ]);

    // A late reply is still taken in, and the supervision stays on the record.
    await act(referralId, 'REPLY', { resolved: true, result: '已调解' });
    const closed = await referral(referralId);
    expect(closed).toMatchObject({ state: 'closed', supervised: true, resolved: true });
    expect((await api.call('GET', `/cases/${caseId}`, { key: mediator })).body.state).toBe('archive.follow_up');
    expect(await verifyChain(api.db, caseId)).toMatchObject({ valid: true });
  });

  it('fires nothing for a referral its case stopped waiting for', async () => {
    clock.set('2026-03-16T09:00:00+08:00');
    const { caseId, referralId } = await referredCase();
    await send(caseId, 'WITHDRAW', { reason: '当事人撤回申请' });
    const cancelled = await referral(referralId);
    expect(cancelled).toMatchObject({ state: 'cancelled', dueAt: null });
    expect(cancelled.deadlines).toEqual([
      expect.objectContaining({ key: 'referral.acknowledge', status: 'cancelled', open: false }),
    ]);
    await worker.relay();
    clock.set('2026-03-20T09:00:00+08:00');
    // (The first case's follow-up clock may fire meanwhile; none of this referral's does.)
    const fired = (await worker.fireDue()).map((f) => f.deadlineId);
    expect(fired).not.toContain(cancelled.deadlines[0].id);
    expect((await referral(referralId)).urged).toBe(false);
    expect((await history(caseId)).filter((e) => e.referralId).map((e) => e.type)).toEqual(['CANCEL']);
  });
});
