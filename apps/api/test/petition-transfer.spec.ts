import { ManualClock } from '#clock';
import {
  petition,
  seedDirectory,
  startTestApi,
  startTestWorker,
  type TestApi,
  type TestWorker,
  DAY,
  type ClockView,
} from './support/index.js';

/** Monday 2 March 2026, 09:00 in Beijing: five working days end on Monday 9 March. */
const MONDAY = '2026-03-02T09:00:00+08:00';

/**
 * 转送 by 信访工作条例 art. 23 ¶3, over HTTP on simulated time: a petition version 2 handed on (FORWARD) waits for the
 * receiving body, which tells the petitioner within 15 days (its reply returns into the petition) and may object
 * within 5 working days that the matter is outside its remit; after them, or once it has taken the petition on,
 * an objection is refused.
 */
describe('a forwarded petition and the receiving body’s objection window', () => {
  const clock = new ManualClock(MONDAY);
  let api: TestApi;
  let worker: TestWorker;
  let housing: string;

  beforeAll(async () => {
    api = await startTestApi({ clock, config: { newCasesStartOn: { petition: 2 } } });
    await seedDirectory(api);
    worker = await startTestWorker(api.config, api.db, clock);
    housing = await api.keyFor('department', { departmentCode: 'HOUSING' });
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  const caseView = async (id: string) => (await api.call('GET', `/cases/${id}`)).body;
  const referralView = async (id: string) => (await api.call('GET', `/referrals/${id}`, { key: housing })).body;
  const act = (id: string, type: string, payload: Record<string, unknown> = {}) =>
    api.call('POST', `/referrals/${id}/events`, { key: housing, body: { type, payload } });

  /** A petition on version 2 handed on to HOUSING now: its case id and the transfer's referral id. */
  async function forwarded(): Promise<{ caseId: string; referralId: string }> {
    const created = await api.call('POST', '/cases', { body: petition() });
    expect(created.body.machineVersion).toBe(2);
    const reply = await api.call('POST', `/cases/${created.body.id}/events`, {
      body: { type: 'FORWARD', payload: { departmentCode: 'HOUSING' } },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.state).toBe('intake.forwarded');
    return { caseId: created.body.id, referralId: reply.body.referrals[0].id };
  }

  it('arms the 15 days to tell the petitioner and the 5 working days to object, both from receipt', async () => {
    const { referralId } = await forwarded();
    const referral = await referralView(referralId);
    expect(referral.state).toBe('transfer.objectable'); // a state only referral version 2 has
    const deadlines = referral.deadlines as ClockView[];
    const notice = deadlines.find((d) => d.key === 'referral.transfer_notice')!;
    const objection = deadlines.find((d) => d.key === 'referral.transfer_objection')!;
    expect(new Date(notice.dueAt).getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(15 * DAY);
    // Five working days from Monday 2 March 2026 (no holiday that week): the end of Monday 9 March, Beijing time.
    expect(new Date(objection.dueAt).toISOString()).toBe(new Date('2026-03-09T23:59:59.999+08:00').toISOString());
    expect(deadlines.map((d) => d.key)).not.toContain('referral.acknowledge');
  });

  it('takes an objection within the 5 working days: the petition returns to intake', async () => {
    const { caseId, referralId } = await forwarded();
    clock.advance(3 * DAY);
    const objected = await act(referralId, 'REJECT', { reason: '该事项属于区市场监管局职责，请重新转送' });
    expect(objected.status).toBe(200);
    expect(objected.body.state).toBe('rejected');
    expect(await caseView(caseId)).toMatchObject({ state: 'intake.registered', outcome: null });
  });

  it('refuses an objection after the 5 working days, and the body’s answer archives the petition as forwarded', async () => {
    const { caseId, referralId } = await forwarded();
    clock.advance(8 * DAY);
    await worker.fireDue();
    expect((await referralView(referralId)).state).toBe('transfer.within_remit');
    const late = await act(referralId, 'REJECT', { reason: '不属于本机关职责' });
    expect(late.status).toBe(409);
    expect(late.body.detail).toContain('信访工作条例 art. 23 ¶3');
    expect((await referralView(referralId)).state).toBe('transfer.within_remit');

    const answered = await act(referralId, 'REPLY', { resolved: true, result: '已书面告知信访人受理情况及办理程序' });
    expect(answered.status).toBe(200);
    expect(await caseView(caseId)).toMatchObject({ state: 'archive.follow_up', outcome: 'forwarded' });
  });

  it('refuses an objection once the body has taken the petition on', async () => {
    const { referralId } = await forwarded();
    expect((await act(referralId, 'ACCEPT', { note: '属本机关职责，已受理' })).body.state).toBe(
      'transfer.within_remit',
    );
    const objected = await act(referralId, 'REJECT', { reason: '改变主意' });
    expect(objected.status).toBe(409);
  });
});
