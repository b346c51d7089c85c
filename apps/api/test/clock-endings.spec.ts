import { ManualClock } from '#clock';
import { dispute, seedDirectory, startTestApi, type Reply, type TestApi } from './support/index.js';

type Clock = {
  id: string;
  key: string;
  dueAt: string;
  status: string;
  open: boolean;
  warnings: Array<{ status: string }>;
};

/**
 * How a clock ended, over HTTP: met when its state was left in time, lapsed when left after its due time with the
 * breach not yet fired, cancelled only by withdrawal, merge or a cancelled referral.
 */
describe('clock endings: met, lapsed, cancelled', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let justice: string;

  const ok = (what: string, reply: Reply, status = 200) => {
    if (reply.status !== status) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  const open = async () => ok('open', await api.call('POST', '/cases', { body: dispute() }), 201);
  const send = async (id: string, type: string, payload: Record<string, unknown> = {}) =>
    ok(type, await api.call('POST', `/cases/${id}/events`, { body: { type, payload } }));
  const clockOf = (view: { deadlines: Clock[] }, key: string) => view.deadlines.filter((d) => d.key === key).at(-1)!;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    justice = await api.keyFor('department', { departmentCode: 'JUSTICE' });
  });
  afterAll(() => api.close());

  it('a clock whose state is left in time is met, its unsent warnings with it', async () => {
    const created = await open();
    clock.advance(3_600_000);
    const accepted = await send(created.id, 'ACCEPT');
    const intake = clockOf(accepted, 'dispute.intake');
    expect(intake).toMatchObject({ status: 'met', open: false });
    expect(intake.warnings.map((w) => w.status)).toEqual(['met', 'met']);
    expect(clockOf(accepted, 'dispute.triage')).toMatchObject({ status: 'pending', open: true });
  });

  it('a withdrawal cancels the running clock; a merge cancels it too', async () => {
    const withdrawn = await open();
    await send(withdrawn.id, 'ACCEPT');
    const closed = await send(withdrawn.id, 'WITHDRAW', { reason: '当事人撤回申请' });
    expect(closed.outcome).toBe('withdrawn');
    expect(clockOf(closed, 'dispute.intake').status).toBe('met');
    expect(clockOf(closed, 'dispute.triage')).toMatchObject({ status: 'cancelled', open: false });

    const target = await open();
    const duplicate = await open();
    const merged = await send(duplicate.id, 'MERGE', { intoCaseId: target.id });
    expect(merged.outcome).toBe('merged');
    expect(clockOf(merged, 'dispute.intake')).toMatchObject({ status: 'cancelled', open: false });
  });

  it('a clock left after its due time, before its breach fired, lapsed', async () => {
    const created = await open();
    const due = new Date(clockOf(created, 'dispute.intake').dueAt);
    clock.set(new Date(due.getTime() + 60_000).toISOString()); // no worker runs: the breach job never fires
    const accepted = await send(created.id, 'ACCEPT');
    const intake = clockOf(accepted, 'dispute.intake');
    expect(intake).toMatchObject({ status: 'lapsed', open: false });
    // The warnings' times passed unsent as well.
    expect(intake.warnings.map((w) => w.status)).toEqual(['lapsed', 'lapsed']);
    const [stored] = await api.db.query<{ status: string; ended_at: Date }>(
      `SELECT status, ended_at FROM deadlines WHERE id = $1`,
      [intake.id],
    );
    expect(stored).toEqual({ status: 'lapsed', ended_at: clock.now() });
  });

  it("a referral's clock is met when the department answers, cancelled when the case stops waiting", async () => {
    clock.set('2026-04-07T09:00:00+08:00');
    const created = await open();
    await send(created.id, 'ACCEPT');
    await send(created.id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'medium' });
    const referred = await send(created.id, 'REFER', {
      departments: [
        { code: 'JUSTICE', role: 'lead' },
        { code: 'POLICE', role: 'assist' },
      ],
      instructions: '请调处',
    });
    const ids = Object.fromEntries(
      referred.referrals.map((r: { departmentCode: string; id: string }) => [r.departmentCode, r.id]),
    );
    const ack = await api.call('POST', `/referrals/${ids.JUSTICE}/events`, {
      key: justice,
      body: { type: 'ACKNOWLEDGE', payload: { note: '已报到' } },
    });
    ok('ACKNOWLEDGE', ack);
    const acknowledged = ok('referral', await api.call('GET', `/referrals/${ids.JUSTICE}`, { key: justice }));
    expect(clockOf(acknowledged, 'referral.acknowledge')).toMatchObject({ status: 'met', open: false });

    await send(created.id, 'WITHDRAW', { reason: '当事人撤回申请' });
    const police = ok('referral', await api.call('GET', `/referrals/${ids.POLICE}`));
    expect(police.state).toBe('cancelled');
    expect(clockOf(police, 'referral.acknowledge')).toMatchObject({ status: 'cancelled', open: false });
    const justiceAfter = ok('referral', await api.call('GET', `/referrals/${ids.JUSTICE}`));
    expect(justiceAfter.state).toBe('cancelled');
    expect(justiceAfter.deadlines.filter((d: Clock) => d.status === 'cancelled').length).toBeGreaterThan(0);
  });
});
