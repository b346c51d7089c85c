import { ManualClock } from '#clock';
import {
  dispute,
  seedDirectory,
  startTestApi,
  startTestWorker,
  type TestApi,
  type TestWorker,
  DAY,
  clocksOf,
  type ClockView,
} from './support/index.js';

/** A Monday morning in Beijing, clear of holidays for the 60 days the tests run. */
const START = '2026-03-02T09:00:00+08:00';

/**
 * Dispute version 2 by the letter of 人民调解法 and 民事诉讼法 (docs/statutes.md), over HTTP on simulated time with
 * the real worker firing what comes due: the mediation clock stops at the agreement, the parties' 30 days to apply
 * for judicial confirmation run from it, and the court's 30 days run from its acceptance, extendable once with
 * the approver recorded.
 */
describe('dispute version 2: agreement, judicial application and the court’s clock', () => {
  const clock = new ManualClock(START);
  let api: TestApi;
  let mediatorId: string;
  let worker: TestWorker;

  beforeAll(async () => {
    api = await startTestApi({ clock, config: { newCasesStartOn: { dispute: 2 } } });
    await seedDirectory(api);
    // Version 2 names a mediator by user id: one of the district, whose subtree holds every case here.
    ({ id: mediatorId } = await api.personFor(['mediator'], { unitCode: 'XC' }));
    worker = await startTestWorker(api.config, api.db, clock);
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  const send = (id: string, type: string, payload: Record<string, unknown> = {}) =>
    api.call('POST', `/cases/${id}/events`, { body: { type, payload } });
  const ok = async (id: string, type: string, payload: Record<string, unknown> = {}) => {
    const reply = await send(id, type, payload);
    expect({ type, status: reply.status, detail: reply.body.detail }).toMatchObject({ type, status: 200 });
    return reply.body as { state: string; deadlines: ClockView[]; machineVersion: number };
  };
  const view = async (id: string) =>
    (await api.call('GET', `/cases/${id}`)).body as { state: string; deadlines: ClockView[]; outcome: string | null };

  /** A dispute on version 2 with its mediator assigned now: the 30-day mediation clock runs. */
  async function inMediation(): Promise<string> {
    const created = await api.call('POST', '/cases', { body: dispute() });
    expect(created.body.machineVersion).toBe(2);
    const id = created.body.id as string;
    await ok(id, 'ACCEPT');
    await ok(id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
    const assigned = await ok(id, 'ASSIGN_MEDIATOR', { mediatorId, channel: 'people' });
    expect(assigned.state).toBe('mediation.assigned');
    return id;
  }

  it('stops the mediation clock at an agreement on day 29: the case never escalates', async () => {
    const id = await inMediation();
    const [mediation] = clocksOf((await view(id)).deadlines, 'dispute.mediation');
    expect(mediation).toMatchObject({ status: 'pending', open: true });

    clock.advance(29 * DAY);
    const agreed = await ok(id, 'REACH_AGREEMENT', { terms: '楼上住户负责修复漏水并赔偿 2,000 元' });
    expect(agreed.state).toBe('mediation.agreement');

    clock.advance(2 * DAY); // past the mediation clock's due time
    expect(new Date(clock.now()).getTime()).toBeGreaterThan(new Date(mediation!.dueAt).getTime());
    await worker.fireDue();
    const after = await view(id);
    expect(after.state).toBe('mediation.agreement');
    expect(clocksOf(after.deadlines, 'dispute.mediation')).toEqual([
      expect.objectContaining({ open: false, status: expect.not.stringMatching(/pending|breached/) }),
    ]);
    // The parties' window is what runs now.
    expect(clocksOf(after.deadlines, 'dispute.judicial_application')).toEqual([
      expect.objectContaining({ status: 'pending', open: true }),
    ]);
  });

  it('refuses a judicial application after the parties’ 30 days (人民调解法 art. 33), and takes one within them', async () => {
    const late = await inMediation();
    const timely = await inMediation();
    const agreedAt = clock.now().getTime();
    await ok(late, 'REACH_AGREEMENT', { terms: '双方同意分期付款' });
    const agreed = await ok(timely, 'REACH_AGREEMENT', { terms: '双方同意一次性付款' });
    const [window] = clocksOf(agreed.deadlines, 'dispute.judicial_application');
    const due = new Date(window!.dueAt).getTime();
    // 30 days from the agreement, rolled over to the next working day when the 30th is a rest day (民法典 art. 203).
    expect(due - agreedAt).toBeGreaterThanOrEqual(30 * DAY);

    clock.advance(due - agreedAt - 60_000); // the window's last minute
    expect((await ok(timely, 'REQUEST_JUDICIAL_CONFIRMATION')).state).toBe('mediation.judicial_confirmation.applied');

    clock.advance(DAY); // day 31 or later: the window has closed, whether or not the worker has fired its breach
    const beforeTheBreach = await send(late, 'REQUEST_JUDICIAL_CONFIRMATION');
    expect(beforeTheBreach.status).toBe(409);
    expect(beforeTheBreach.body.detail).toContain('人民调解法 art. 33');
    await worker.fireDue();
    const afterTheBreach = await send(late, 'REQUEST_JUDICIAL_CONFIRMATION');
    expect(afterTheBreach.status).toBe(409);
    expect((await view(late)).state).toBe('mediation.agreement');
  });

  it('runs the court’s 30 days from its acceptance and extends them once, only with the approver recorded', async () => {
    const id = await inMediation();
    await ok(id, 'REACH_AGREEMENT', { terms: '双方同意由被申请人赔偿' });
    clock.advance(3 * DAY);
    await ok(id, 'REQUEST_JUDICIAL_CONFIRMATION');
    clock.advance(2 * DAY);
    const accepted = await ok(id, 'COURT_ACCEPTED', {
      courtCaseNumber: '(2026)京0102民特123号',
      acceptedAt: new Date(clock.now()).toISOString(),
    });
    expect(accepted.state).toBe('mediation.judicial_confirmation.in_court');
    const [court] = clocksOf(accepted.deadlines, 'dispute.court_confirmation');
    expect(court).toMatchObject({ status: 'pending', open: true });
    expect(new Date(court!.dueAt).getTime() - new Date(court!.startsAt).getTime()).toBeGreaterThanOrEqual(30 * DAY);

    const unapproved = await send(id, 'EXTEND_DEADLINE', { days: 15, reason: '需补充鉴定材料' });
    expect(unapproved.status).toBe(409);
    expect(unapproved.body.detail).toContain('approver');

    const extended = await ok(id, 'EXTEND_DEADLINE', {
      days: 15,
      reason: '需补充鉴定材料',
      approver: { name: '李院长', title: '院长' },
    });
    const courtClocks = clocksOf(extended.deadlines, 'dispute.court_confirmation');
    expect(courtClocks.map((d) => d.status).sort()).toEqual(['pending', 'superseded']);
    const successor = courtClocks.find((d) => d.status === 'pending')!;
    expect(new Date(successor.dueAt).getTime() - new Date(court!.dueAt).getTime()).toBeGreaterThanOrEqual(15 * DAY);

    const again = await send(id, 'EXTEND_DEADLINE', {
      days: 5,
      reason: '再次延长',
      approver: { name: '李院长', title: '院长' },
    });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('already been extended');
  });
});
