import { ManualClock } from '#clock';
import { loadDeadlineJobs } from '#deadlines';
import { CaseEngine } from '#engine';
import {
  dispute,
  petition,
  seedDirectory,
  startTestApi,
  startTestWorker,
  verifyChain,
  type TestApi,
  type TestWorker,
} from './support/index.js';

const MONDAY = '2026-03-02T09:00:00+08:00';

describe('deadlines, with the real worker and a clock that moves only when told', () => {
  const clock = new ManualClock(MONDAY);
  let api: TestApi;
  let mediatorId: string;
  let worker: TestWorker;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    // Version 2 names a mediator by user id: one of the district, whose subtree holds every case here.
    ({ id: mediatorId } = await api.personFor(['mediator'], { unitCode: 'XC' }));
    worker = await startTestWorker(api.config, api.db, clock);
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });
  beforeEach(() => clock.set(MONDAY));

  const open = async (body = dispute()) => (await api.call('POST', '/cases', { body })).body;
  const get = async (id: string) => (await api.call('GET', `/cases/${id}`)).body;
  const send = async (id: string, type: string, payload: Record<string, unknown> = {}) => {
    const reply = await api.call('POST', `/cases/${id}/events`, { body: { type, payload } });
    expect({ type, status: reply.status, detail: reply.body.detail }).toMatchObject({ type, status: 200 });
    return reply.body;
  };
  const history = async (id: string) =>
    (await api.call('GET', `/cases/${id}/history?limit=200`)).body.items as Array<{ type: string; payload: any }>;

  it('arms the intake clock on registration, with its derivation and its warnings', async () => {
    const created = await open();
    expect(created.deadlines).toHaveLength(1);
    const [clockView] = created.deadlines;
    // Monday 09:00 + 3 working days, the start date not counted: the end of Thursday, China time.
    expect(clockView).toMatchObject({
      key: 'dispute.intake',
      state: 'intake.registered',
      startsAt: '2026-03-02T01:00:00.000Z',
      dueAt: '2026-03-05T15:59:59.999Z',
      status: 'pending',
      open: true,
      overdue: false,
      derivation: {
        rule: { key: 'dispute.intake', amount: 3, unit: 'working_days', source: 'default' },
        startDate: '2026-03-02',
        dueDate: '2026-03-05',
      },
    });
    expect(clockView.warnings.map((w: { percent: number; status: string }) => [w.percent, w.status])).toEqual([
      [50, 'pending'],
      [80, 'pending'],
    ]);
  });

  it('a deadline fires and the case escalates to the parent unit, once', async () => {
    const created = await open();
    await worker.relay();
    clock.set('2026-03-06T00:00:01+08:00');
    const fired = await worker.fireDue();
    expect(fired.find((f) => f.deadlineId === created.deadlines[0].id)).toEqual({
      deadlineId: created.deadlines[0].id,
      result: 'fired',
    });

    const after = await get(created.id);
    expect(after).toMatchObject({ state: 'escalation.pending', unitCode: 'XC-XH', supervised: true });
    const elapsed = (await history(created.id)).filter((e) => e.type === 'DEADLINE_ELAPSED');
    expect(elapsed).toEqual([expect.objectContaining({ payload: { deadlineId: created.deadlines[0].id } })]);
    const [intake, escalation] = after.deadlines;
    expect(intake).toMatchObject({
      key: 'dispute.intake',
      status: 'breached',
      open: false,
      breachedAt: '2026-03-05T16:00:01.000Z',
    });
    // The escalation clock is armed for the parent street: 5 working days from Friday 03-06 is Friday 03-13.
    expect(escalation).toMatchObject({
      key: 'dispute.escalation',
      status: 'pending',
      open: true,
      dueAt: '2026-03-13T15:59:59.999Z',
    });

    // Firing again (a redelivered job, another worker) changes nothing. The owner's breach notice is recorded
    // (OWNER_NOTIFIED) whenever the worker gets to it, so it is left out of the comparison.
    const recorded = async () =>
      (await history(created.id)).filter((e) => e.type !== 'OWNER_NOTIFIED').map((e) => e.type);
    const before = await recorded();
    await worker.fireDue();
    expect(await worker.deadlines.process({ data: { deadlineId: intake.id } } as never)).toBe('ignored');
    expect(await recorded()).toEqual(before);
    expect(before.filter((type) => type === 'DEADLINE_ELAPSED')).toHaveLength(1);
    expect(await verifyChain(api.db, created.id)).toMatchObject({ valid: true });
  });

  it('warnings fire at 50% and 80% and change nothing but the record', async () => {
    const created = await open();
    const [half, most] = created.deadlines[0].warnings as Array<{ percent: number; at: string }>;
    await worker.relay();
    clock.set(new Date(Date.parse(half!.at) + 1_000));
    await worker.fireDue();
    clock.set(new Date(Date.parse(most!.at) + 1_000));
    await worker.fireDue();
    const after = await get(created.id);
    expect(after.state).toBe('intake.registered');
    expect(after.deadlines[0].warnings.map((w: { percent: number; status: string }) => [w.percent, w.status])).toEqual([
      [50, 'sent'],
      [80, 'sent'],
    ]);
    const warnings = (await history(created.id)).filter((e) => e.type === 'DEADLINE_WARNING');
    expect(warnings.map((e) => e.payload)).toEqual([
      { deadlineId: created.deadlines[0].id, percent: 50 },
      { deadlineId: created.deadlines[0].id, percent: 80 },
    ]);
  });

  it('a case that left the state is untouched when the old deadline fires', async () => {
    const created = await open(); // intake clock: due Thursday 03-05
    await worker.relay();
    clock.set('2026-03-04T09:00:00+08:00');
    const accepted = await send(created.id, 'ACCEPT'); // triage clock: due Monday 03-09, after the jump below
    const intake = accepted.deadlines.find((d: { key: string }) => d.key === 'dispute.intake');
    expect(intake).toMatchObject({ status: 'met', open: false });

    clock.set('2026-03-06T00:00:01+08:00');
    const [job] = await loadDeadlineJobs(api.db, [intake.id]);
    expect(await api.app.get(CaseEngine).fireDeadline(job!)).toEqual({
      outcome: 'ignored',
      reason: 'no longer pending',
    });
    expect(await worker.deadlines.process({ data: { deadlineId: intake.id } } as never)).toBe('ignored');
    const after = await get(created.id);
    expect(after.version).toBe(accepted.version);
    expect(
      (await history(created.id)).some((e) => e.type === 'DEADLINE_ELAPSED' && e.payload.deadlineId === intake.id),
    ).toBe(false);
  });

  it('EXTEND_DEADLINE moves the due time once, keeping both in the record', async () => {
    const created = await open();
    await send(created.id, 'ACCEPT');
    const mediating = await send(created.id, 'ASSIGN_MEDIATOR', { mediatorId, channel: 'people' });
    const mediation = mediating.deadlines.find(
      (d: { key: string; open: boolean }) => d.key === 'dispute.mediation' && d.open,
    );
    // 30 calendar days from 03-02: Wednesday 04-01, a working day.
    expect(mediation.dueAt).toBe('2026-04-01T15:59:59.999Z');

    const extended = await send(created.id, 'EXTEND_DEADLINE', { days: 10, reason: '当事人住院，需延期' });
    const clocks = extended.deadlines.filter((d: { key: string }) => d.key === 'dispute.mediation');
    expect(clocks.map((d: { status: string; open: boolean }) => [d.status, d.open])).toEqual([
      ['superseded', false],
      ['pending', true],
    ]);
    // 04-01 + 10 days = Saturday 04-11: the period ends on the next working day, Monday 04-13.
    expect(clocks[1]).toMatchObject({
      dueAt: '2026-04-13T15:59:59.999Z',
      derivation: {
        extension: { days: 10, reason: '当事人住院，需延期', previousDueAt: '2026-04-01T15:59:59.999Z' },
        rolledOverFrom: '2026-04-11',
      },
    });
    expect(clocks[1].warnings.map((w: { percent: number }) => w.percent)).toEqual([50, 80]);

    const again = await api.call('POST', `/cases/${created.id}/events`, {
      body: { type: 'EXTEND_DEADLINE', payload: { days: 5, reason: '再次延期' } },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'rule_violated', rules: ['notExtended'] });
  });

  it('lists overdue cases and the clocks due before a time', async () => {
    // A petition's intake breach keeps its clock open (supervised, still in intake), so the listing below does
    // not depend on whether the running worker has fired it yet.
    const late = await open(petition()); // 15 calendar days from Monday 03-02: due Tuesday 03-17
    clock.set('2026-03-16T09:00:00+08:00');
    const onTime = await open(); // dispute intake: due Thursday 03-19
    clock.set('2026-03-18T08:00:00+08:00');

    const overdue = (await api.call('GET', '/cases?overdue=true&limit=200')).body.items.map(
      (c: { id: string }) => c.id,
    );
    expect(overdue).toContain(late.id);
    expect(overdue).not.toContain(onTime.id);
    const notOverdue = (await api.call('GET', '/cases?overdue=false&limit=200')).body.items.map(
      (c: { id: string }) => c.id,
    );
    expect(notOverdue).toContain(onTime.id);
    expect(notOverdue).not.toContain(late.id);
    expect((await get(late.id)).deadlines[0]).toMatchObject({ key: 'petition.intake', open: true, overdue: true });

    const supervisor = await api.keyFor('auditor', { unitCode: 'XC-XH' });
    const dueBefore = encodeURIComponent('2026-03-18T00:00:00+08:00');
    const due = await api.call('GET', `/deadlines?dueBefore=${dueBefore}&limit=200`, { key: supervisor });
    expect(due.status).toBe(200);
    const ids = due.body.items.map((d: { caseId: string }) => d.caseId);
    expect(ids).toContain(late.id);
    expect(ids).not.toContain(onTime.id);
    expect(due.body.items.every((d: { dueAt: string }) => d.dueAt < '2026-03-17T16:00:00.000Z')).toBe(true);
    const outOfScope = await api.keyFor('auditor', { unitCode: 'XC-YL' });
    expect(
      (await api.call('GET', '/deadlines?limit=200', { key: outOfScope })).body.items.map(
        (d: { caseId: string }) => d.caseId,
      ),
    ).not.toContain(late.id);
  });

  it('a petition’s handling breach marks it supervised and moves ownership up, where it stays', async () => {
    const created = await open(petition({ unitCode: 'XC-XH-01' }));
    await send(created.id, 'ACCEPT', { petitionType: 'claim' });
    const handling = await send(created.id, 'ASSIGN_HANDLER', { unitCode: 'XC-XH-01' });
    const clockView = handling.deadlines.find(
      (d: { key: string; open: boolean }) => d.key === 'petition.handling' && d.open,
    );
    // 60 days from 03-02 is 05-01, inside the Labour Day holiday (05-01..05-05): rolled to Wednesday 05-06.
    expect(clockView).toMatchObject({
      dueAt: '2026-05-06T15:59:59.999Z',
      derivation: { rolledOverFrom: '2026-05-01' },
    });
    await worker.relay();
    clock.set('2026-05-07T09:00:00+08:00');
    await worker.fireDue();
    expect(await get(created.id)).toMatchObject({ state: 'mediation.handling', supervised: true, unitCode: 'XC-XH' });
  });
});
