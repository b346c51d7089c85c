import { ManualClock } from '#clock';
import { petition, seedDirectory, startTestApi, type TestApi, DAY, clocksOf, type ClockView } from './support/index.js';

/** Monday 2 March 2026, 09:00 in Beijing. */
const MONDAY = '2026-03-02T09:00:00+08:00';

/**
 * Petition version 2 by 信访工作条例 (2022), over HTTP on simulated time: the class at acceptance (arts. 29–31),
 * the 60 days from acceptance (art. 34), reviews one level up (arts. 35–36). Units: XC (district) → XC-XH (street)
 * → XC-XH-01 (community).
 */
describe('petition version 2', () => {
  const clock = new ManualClock(MONDAY);
  let api: TestApi;
  /** Keys of the street and of the community below it. */
  let street: string;
  let community: string;

  beforeAll(async () => {
    api = await startTestApi({ clock, config: { newCasesStartOn: { petition: 2 } } });
    await seedDirectory(api);
    street = await api.keyFor('mediator', { unitCode: 'XC-XH' });
    community = await api.keyFor('mediator', { unitCode: 'XC-XH-01' });
  });
  afterAll(() => api.close());

  const send = (id: string, type: string, payload: Record<string, unknown> = {}, key?: string) =>
    api.call('POST', `/cases/${id}/events`, { key, body: { type, payload } });
  const ok = async (id: string, type: string, payload: Record<string, unknown> = {}, key?: string) => {
    const reply = await send(id, type, payload, key);
    expect({ type, status: reply.status, detail: reply.body.detail }).toMatchObject({ type, status: 200 });
    return reply.body as { state: string; unitCode: string; outcome: string | null; deadlines: ClockView[] };
  };
  const open = async (unitCode = 'XC-XH') => {
    const created = await api.call('POST', '/cases', { body: petition({ unitCode }) });
    expect(created.body.machineVersion).toBe(2);
    return created.body.id as string;
  };
  const handlingClocks = (deadlines: ClockView[]) => clocksOf(deadlines, 'petition.handling');

  it('runs the 60 days of a claim from its acceptance: accepted on day 0 and assigned on day 20, it is due on day 60', async () => {
    const id = await open();
    const acceptedAt = clock.now().getTime();
    const accepted = await ok(id, 'ACCEPT', { petitionType: 'claim' });
    expect(accepted.state).toBe('triage.assigning');
    const [running] = handlingClocks(accepted.deadlines);
    expect(new Date(running!.startsAt).getTime()).toBe(acceptedAt);

    clock.advance(20 * DAY);
    const assigned = await ok(id, 'ASSIGN_HANDLER', { unitCode: 'XC-XH-01' });
    expect(assigned.state).toBe('mediation.handling');
    // One clock across choosing the handler and handling: the same row, still due 60 days after acceptance.
    expect(handlingClocks(assigned.deadlines)).toEqual([
      expect.objectContaining({ id: running!.id, status: 'pending', open: true }),
    ]);
    const due = new Date(handlingClocks(assigned.deadlines)[0]!.dueAt).getTime();
    // Day 60, or the working day after it when day 60 is a rest day (民法典 art. 203); never day 80.
    expect(due - acceptedAt).toBeGreaterThanOrEqual(60 * DAY);
    expect(due - acceptedAt).toBeLessThan(70 * DAY);
  });

  it('refuses an extension of the 60 days without its approver (422), and takes one with it', async () => {
    const id = await open();
    await ok(id, 'ACCEPT', { petitionType: 'claim' });
    const unapproved = await send(id, 'EXTEND_DEADLINE', { days: 30, reason: '需现场核查' });
    expect(unapproved.status).toBe(422);
    expect(JSON.stringify(unapproved.body.errors)).toContain('approver');
    const extended = await ok(id, 'EXTEND_DEADLINE', {
      days: 30,
      reason: '需现场核查',
      approver: { name: '王主任', title: '信访局局长' },
    });
    expect(
      handlingClocks(extended.deadlines)
        .map((d) => d.status)
        .sort(),
    ).toEqual(['pending', 'superseded']);
  });

  it('moves a review (复查) to the unit one level above the handler; the handler’s key then gets 404', async () => {
    const id = await open('XC-XH-01');
    await ok(id, 'ACCEPT', { petitionType: 'claim' }, community);
    await ok(id, 'ASSIGN_HANDLER', { unitCode: 'XC-XH-01' }, community);
    await ok(id, 'ISSUE_OPINION', { opinion: '物业收费符合规定', supported: 'none' }, community);
    const delivered = await ok(
      id,
      'DELIVER_OPINION',
      { deliveredAt: new Date(clock.now()).toISOString(), method: 'in_person' },
      community,
    );
    expect(delivered.state).toBe('escalation.awaiting_review_request');
    const reviewed = await ok(id, 'REQUEST_REVIEW', { reason: '对处理意见不服' }, community);
    expect(reviewed).toMatchObject({ state: 'escalation.review', unitCode: 'XC-XH' });
    expect((await api.call('GET', `/cases/${id}`, { key: community })).status).toBe(404);
    expect((await api.call('GET', `/cases/${id}`, { key: street })).status).toBe(200);
  });

  it('has no review path for a suggestion (建议意见类): REQUEST_REVIEW is 409, its answer closes it', async () => {
    const id = await open();
    expect((await ok(id, 'ACCEPT', { petitionType: 'suggestion' })).state).toBe('mediation.studying');
    expect((await send(id, 'REQUEST_REVIEW', { reason: '希望复查' })).status).toBe(409);
    expect(await ok(id, 'ANSWER_SUGGESTION', { answer: '建议已转有关部门研究采纳' })).toMatchObject({
      state: 'archive.follow_up',
      outcome: 'handled',
    });
  });

  it('directs a claim that belongs to a statutory channel there, with the channel recorded (art. 31(1)–(5))', async () => {
    const id = await open();
    const directed = await ok(id, 'DIRECT', { channel: 'litigation', reason: '属于民事纠纷，已告知向法院起诉' });
    expect(directed).toMatchObject({ state: 'archive.closed', outcome: 'directed' });
  });
});
