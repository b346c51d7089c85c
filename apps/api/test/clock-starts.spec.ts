import { ManualClock } from '#clock';
import { WorkingCalendar, chinaDateOf, endOfChinaDay } from '#deadlines';
import {
  dispute,
  openOnVersion,
  petition,
  seedDirectory,
  startTestApi,
  type Reply,
  type TestApi,
} from './support/index.js';

type ClockView = { key: string; startsAt: string; dueAt: string; status: string; derivation: Record<string, any> };

const DAY = 86_400_000;
const DAY_0 = new Date('2026-03-02T09:00:00+08:00');
const day = (n: number, hour = 9) => new Date(DAY_0.getTime() + n * DAY + (hour - 9) * 3_600_000);

/** The end of the period of `n` calendar days from `start`, from the calendar's days one by one (民法典 art. 203). */
function periodEnd(start: Date, n: number): { due: Date; nominal: string } {
  const calendar = new WorkingCalendar();
  const nominal = chinaDateOf(new Date(start.getTime() + n * DAY));
  let date = nominal;
  while (!calendar.day(date).workday) date = chinaDateOf(new Date(endOfChinaDay(date).getTime() + 1));
  return { due: endOfChinaDay(date), nominal };
}

/**
 * Clocks that start at an instant the event states (送达, 立案), on version 2, over HTTP on simulated time: the
 * petitioner's 30 days to ask for 复查 run from receipt of the written answer (信访工作条例 art. 35), the court's 30
 * days from its acceptance (民事诉讼法 art. 187).
 */
describe('clocks from an instant in the payload', () => {
  const clock = new ManualClock(DAY_0.toISOString());
  let api: TestApi;
  let mediatorId: string;

  const reply = (id: string, type: string, payload: Record<string, unknown> = {}) =>
    api.call('POST', `/cases/${id}/events`, { body: { type, payload } });
  const ok = (what: string, r: Reply, status = 200) => {
    if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const send = async (id: string, type: string, payload: Record<string, unknown> = {}) =>
    ok(type, await reply(id, type, payload));
  const clockOf = (view: { deadlines: ClockView[] }, key: string) =>
    view.deadlines.filter((d) => d.key === key).at(-1)!;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    // Version 2 names a mediator by user id: one of the district, whose subtree holds every case here.
    ({ id: mediatorId } = await api.personFor(['mediator'], { unitCode: 'XC' }));
  });
  afterAll(() => api.close());

  const openOnV2 = async (body: Record<string, unknown>) => (await openOnVersion(api, 2, body)).id;

  it('an opinion issued on day 40 and delivered on day 47 opens a review window ending 30 days after day 47', async () => {
    clock.set(DAY_0.toISOString());
    const id = await openOnV2(petition());
    await send(id, 'ACCEPT', { petitionType: 'claim' });
    await send(id, 'ASSIGN_HANDLER', { unitCode: 'XC-XH-01' });
    clock.set(day(40).toISOString());
    await send(id, 'ISSUE_OPINION', { opinion: '诉求部分支持', supported: 'partial' });

    // Recorded on day 49, two days after the petitioner signed for it.
    clock.set(day(49, 15).toISOString());
    const deliveredAt = day(47, 11);
    const delivered = await send(id, 'DELIVER_OPINION', {
      deliveredAt: deliveredAt.toISOString(),
      method: 'post',
      proof: '挂号信回执',
    });
    expect(delivered.state).toBe('escalation.awaiting_review_request');
    const window = clockOf(delivered, 'petition.review_request');
    const { due, nominal } = periodEnd(deliveredAt, 30);
    expect(nominal).toBe(chinaDateOf(day(77)));
    expect(window).toMatchObject({ status: 'pending', startsAt: deliveredAt.toISOString(), dueAt: due.toISOString() });
    expect(window.derivation).toMatchObject({
      startsAt: deliveredAt.toISOString(),
      startDate: chinaDateOf(day(47)),
      dueDate: chinaDateOf(due),
      startedFrom: { event: 'DELIVER_OPINION', field: 'deliveredAt', recordedAt: day(49, 15).toISOString() },
    });
    if (nominal !== chinaDateOf(due)) expect(window.derivation.rolledOverFrom).toBe(nominal);
    else expect(window.derivation.rolledOverFrom).toBeUndefined();
  });

  it('refuses a delivery in the future, before the opinion was issued, or before the case was registered (422)', async () => {
    clock.set('2026-06-01T09:00:00+08:00');
    const id = await openOnV2(petition());
    await send(id, 'ACCEPT', { petitionType: 'claim' });
    await send(id, 'ASSIGN_HANDLER', { unitCode: 'XC-XH-01' });
    clock.set('2026-06-10T09:00:00+08:00');
    await send(id, 'ISSUE_OPINION', { opinion: '不予支持', supported: 'none' });
    clock.set('2026-06-12T09:00:00+08:00');
    for (const [deliveredAt, message] of [
      ['2026-06-12T09:00:01+08:00', /future/],
      ['2026-06-09T18:00:00+08:00', /before the case entered escalation\.awaiting_delivery/],
      ['2026-05-31T09:00:00+08:00', /before the case was registered/],
    ] as const) {
      const refused = await reply(id, 'DELIVER_OPINION', { deliveredAt, method: 'in_person' });
      expect({ deliveredAt, status: refused.status }).toEqual({ deliveredAt, status: 422 });
      expect(refused.body.errors).toEqual([{ field: 'payload.deliveredAt', message: expect.stringMatching(message) }]);
    }
    const view = ok('get', await api.call('GET', `/cases/${id}`));
    expect(view.state).toBe('escalation.awaiting_delivery');
    // The moment itself is accepted: delivered when recorded.
    const delivered = await send(id, 'DELIVER_OPINION', {
      deliveredAt: clock.now().toISOString(),
      method: 'in_person',
    });
    expect(clockOf(delivered, 'petition.review_request').startsAt).toBe(clock.now().toISOString());
  });

  it("the court's 30 days run from its acceptance, as COURT_ACCEPTED states it", async () => {
    clock.set('2026-07-01T09:00:00+08:00');
    const id = await openOnV2(dispute());
    await send(id, 'ACCEPT');
    await send(id, 'ASSIGN_MEDIATOR', { mediatorId, channel: 'people' });
    await send(id, 'REACH_AGREEMENT', { terms: '楼上负责维修' });
    clock.set('2026-07-06T09:00:00+08:00');
    await send(id, 'REQUEST_JUDICIAL_CONFIRMATION');
    clock.set('2026-07-20T09:00:00+08:00');
    const acceptedAt = new Date('2026-07-14T10:00:00+08:00');
    const accepted = await send(id, 'COURT_ACCEPTED', {
      courtCaseNumber: '(2026)京0102民特123号',
      acceptedAt: acceptedAt.toISOString(),
    });
    expect(accepted.state).toBe('mediation.judicial_confirmation.in_court');
    const court = clockOf(accepted, 'dispute.court_confirmation');
    expect(court).toMatchObject({
      startsAt: acceptedAt.toISOString(),
      dueAt: periodEnd(acceptedAt, 30).due.toISOString(),
    });
    expect(court.derivation.startedFrom).toEqual({
      event: 'COURT_ACCEPTED',
      field: 'acceptedAt',
      recordedAt: clock.now().toISOString(),
    });
  });
});
