import { ManualClock } from '#clock';
import { loadDeadlineJobs } from '#deadlines';
import { CaseEngine } from '#engine';
import {
  dispute,
  petition,
  rowCounts,
  seedDirectory,
  ON_VERSION_1,
  startTestApi,
  type TestApi,
} from './support/index.js';

const DAY = 24 * 60 * 60 * 1000;

interface Deadline {
  id: string;
  key: string;
  dueAt: string;
  status: string;
  open: boolean;
}

/**
 * MIGRATE_MACHINE over HTTP (POST /cases/{id}/events): an admin moves an open version-1 case to version 2. The
 * case's clocks that version 2 also declares keep their due times, the others end or start; the event is in the
 * hash chain; point-in-time rebuilds on either side of it equal what was stored; later events run on version 2.
 */
describe('MIGRATE_MACHINE: an open version-1 case moves to version 2', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let mediator: string;
  let auditor: string;

  const send = async (id: string, type: string, payload: Record<string, unknown> = {}, key = mediator) => {
    clock.advance(60_000);
    return api.call('POST', `/cases/${id}/events`, { key, body: { type, payload } });
  };
  const step = async (id: string, type: string, payload: Record<string, unknown> = {}) => {
    const reply = await send(id, type, payload);
    expect({ type, status: reply.status, body: reply.status === 200 ? null : reply.body }).toEqual({
      type,
      status: 200,
      body: null,
    });
    return reply.body;
  };
  const migrate = (id: string, payload: Record<string, unknown>, key = api.adminKey) =>
    send(id, 'MIGRATE_MACHINE', payload, key);
  const open = async (body: Record<string, unknown>) => {
    const created = await api.call('POST', '/cases', { key: mediator, body });
    expect(created.status).toBe(201);
    expect(created.body.machineVersion).toBe(1);
    return created.body.id as string;
  };
  const stored = async (id: string) =>
    (
      await api.db.query<{ snapshot: unknown; version: number }>('SELECT snapshot, version FROM cases WHERE id = $1', [
        id,
      ])
    )[0]!;
  const rebuild = async (id: string, asOf?: string) => {
    const reply = await api.call('GET', `/audit/cases/${id}/state${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ''}`, {
      key: auditor,
    });
    expect(reply.status).toBe(200);
    return reply.body;
  };
  const verify = async (id: string) => (await api.call('GET', `/audit/verify?caseId=${id}`, { key: auditor })).body;
  const history = async (id: string) =>
    (await api.call('GET', `/cases/${id}/history?limit=100`, { key: mediator })).body.items as Array<{
      seq: number;
      type: string;
      payload: Record<string, unknown>;
      machineVersion: number;
      state: string;
      actor: { role: string };
    }>;
  const clockOf = (view: { deadlines: Deadline[] }, key: string) => view.deadlines.filter((d) => d.key === key);

  beforeAll(async () => {
    api = await startTestApi({ clock, config: ON_VERSION_1 });
    await seedDirectory(api);
    mediator = await api.keyFor('mediator', { unitCode: 'XC-XH' });
    auditor = await api.keyFor('auditor');
  });
  afterAll(() => api.close());

  describe('a dispute in mediation', () => {
    let id: string;
    let before: { deadlines: Deadline[] };
    let storedBefore: { snapshot: unknown; version: number };
    let lastV1At: string;

    beforeAll(async () => {
      id = await open(dispute());
      await step(id, 'ACCEPT');
      await step(id, 'ASSIGN_MEDIATOR', { mediatorId: 'med-7', channel: 'people' });
      clock.advance(5 * DAY);
      before = await step(id, 'SCHEDULE_SESSION', { at: new Date(clock.now().getTime() + 2 * DAY).toISOString() });
      expect(before).toMatchObject({ state: 'mediation.in_session', machineVersion: 1 });
      storedBefore = await stored(id);
      lastV1At = clock.now().toISOString();
    });

    it('moves to version 2 in the same state, its mediation clock keeping its due time, recorded in the event', async () => {
      const [mediation] = clockOf(before, 'dispute.mediation');
      expect(mediation).toMatchObject({ status: 'pending', open: true });

      const reply = await migrate(id, { toVersion: 2, reason: '调解中心切换至第二版流程' });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        machineVersion: 2,
        state: 'mediation.in_session',
        version: storedBefore.version + 1,
      });
      expect(clockOf(reply.body, 'dispute.mediation')).toEqual([
        expect.objectContaining({ id: mediation!.id, dueAt: mediation!.dueAt, status: 'pending', open: true }),
      ]);
      // Version 2's own fields are there, empty, for the events it adds.
      expect(reply.body.details).toMatchObject({
        court: null,
        courtExtended: false,
        conclusion: null,
        mediatorId: 'med-7',
      });

      const last = (await history(id)).at(-1)!;
      expect(last).toMatchObject({
        type: 'MIGRATE_MACHINE',
        machineVersion: 2,
        state: 'mediation.in_session',
        actor: { role: 'admin' },
        payload: {
          fromVersion: 1,
          toVersion: 2,
          answers: {},
          reason: '调解中心切换至第二版流程',
          clocks: {
            kept: [{ key: 'dispute.mediation', clockId: mediation!.id, dueAt: mediation!.dueAt, status: 'pending' }],
            ended: [],
            armed: [],
          },
        },
      });
    });

    it('keeps a verifiable chain, and rebuilds either side of the migration equal to what was stored', async () => {
      expect(await verify(id)).toMatchObject({ valid: true, checked: storedBefore.version + 1, cases: 1 });

      const earlier = await rebuild(id, lastV1At);
      expect(earlier).toMatchObject({
        seq: storedBefore.version,
        machineVersion: 1,
        matchesStored: null,
        divergence: null,
      });
      expect(earlier.snapshot).toEqual(storedBefore.snapshot);

      const now = await rebuild(id);
      expect(now).toMatchObject({
        machineVersion: 2,
        state: 'mediation.in_session',
        matchesStored: true,
        divergence: null,
      });
      expect(now.snapshot).toEqual((await stored(id)).snapshot);
    });

    it('runs later events on version 2: the agreement stops the mediation clock and the court’s events follow', async () => {
      const agreed = await step(id, 'REACH_AGREEMENT', { terms: '楼上住户赔偿维修费3000元' });
      expect(agreed).toMatchObject({ machineVersion: 2, state: 'mediation.agreement' });
      // Version 1 kept the mediation clock running through the agreement; version 2 stops it and opens the
      // parties' 30 days to apply to the court.
      expect(clockOf(agreed, 'dispute.mediation').every((d) => !d.open)).toBe(true);
      expect(clockOf(agreed, 'dispute.judicial_application')).toEqual([expect.objectContaining({ open: true })]);

      await step(id, 'REQUEST_JUDICIAL_CONFIRMATION');
      const accepted = await step(id, 'COURT_ACCEPTED', {
        courtCaseNumber: '(2026)京0102民特123号',
        acceptedAt: clock.now().toISOString(),
      });
      expect(accepted).toMatchObject({
        machineVersion: 2,
        state: 'mediation.judicial_confirmation.in_court',
        details: { court: { caseNumber: '(2026)京0102民特123号' } },
      });
      expect(clockOf(accepted, 'dispute.court_confirmation')).toEqual([expect.objectContaining({ open: true })]);

      expect(await verify(id)).toMatchObject({ valid: true });
      const now = await rebuild(id);
      expect(now).toMatchObject({
        state: 'mediation.judicial_confirmation.in_court',
        matchesStored: true,
        divergence: null,
      });
    });

    it('refuses to move it again: it already runs on version 2 (409, with the reason), and writes nothing', async () => {
      const counts = await rowCounts(api.db);
      const again = await migrate(id, { toVersion: 2, reason: '再次迁移' });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'conflict', fromVersion: 2, toVersion: 2 });
      expect(again.body.detail).toContain('already runs on version 2');
      expect(await rowCounts(api.db)).toEqual(counts);
    });
  });

  it('fires a kept clock at the due time version 1 gave it, and version 2 takes the breach', async () => {
    const id = await open(dispute());
    await step(id, 'ACCEPT');
    const assigned = await step(id, 'ASSIGN_MEDIATOR', { mediatorId: 'med-9', channel: 'people' });
    const [mediation] = clockOf(assigned, 'dispute.mediation');
    clock.advance(10 * DAY);
    expect((await migrate(id, { toVersion: 2, reason: '切换流程' })).status).toBe(200);

    const engine = api.app.get(CaseEngine);
    const fire = async () => {
      const due = await api.db.query<{ id: string }>(
        `SELECT id FROM deadlines WHERE case_id = $1 AND status = 'pending' AND due_at <= $2 ORDER BY due_at, id`,
        [id, clock.now()],
      );
      for (const job of await loadDeadlineJobs(
        api.db,
        due.map((d) => d.id),
      ))
        await engine.fireDeadline(job);
    };
    clock.set(new Date(Date.parse(mediation!.dueAt) - 60_000));
    await fire();
    expect((await api.call('GET', `/cases/${id}`, { key: mediator })).body.state).toBe('mediation.assigned');
    clock.set(new Date(mediation!.dueAt));
    await fire();
    const after = await api.call('GET', `/cases/${id}`, { key: mediator });
    expect(after.body).toMatchObject({ machineVersion: 2, state: 'escalation.pending' });
    expect(clockOf(after.body, 'dispute.mediation')).toEqual([
      expect.objectContaining({ id: mediation!.id, dueAt: mediation!.dueAt, status: 'breached' }),
    ]);
    expect((await history(id)).at(-1)).toMatchObject({ type: 'DEADLINE_ELAPSED', machineVersion: 2 });
    expect(await rebuild(id)).toMatchObject({ state: 'escalation.pending', matchesStored: true, divergence: null });
  });

  it('ends a clock only version 1 declares and arms one only version 2 declares, at the migration', async () => {
    const id = await open(dispute());
    await step(id, 'ACCEPT');
    await step(id, 'ASSIGN_MEDIATOR', { mediatorId: 'med-8', channel: 'people' });
    const agreed = await step(id, 'REACH_AGREEMENT', { terms: '双方和解' });
    expect(clockOf(agreed, 'dispute.mediation')).toEqual([expect.objectContaining({ open: true })]);

    clock.advance(2 * DAY);
    const at = clock.now().getTime() + 60_000;
    const reply = await migrate(id, { toVersion: 2, reason: '切换流程' });
    expect(reply.status).toBe(200);
    expect(clockOf(reply.body, 'dispute.mediation')).toEqual([expect.objectContaining({ open: false })]);
    const [window] = clockOf(reply.body, 'dispute.judicial_application');
    expect(window).toMatchObject({ open: true, status: 'pending' });
    // 30 calendar days from the migration (rolled over to a working day when it falls on a rest day).
    expect(Date.parse(window!.dueAt) - at).toBeGreaterThanOrEqual(30 * DAY);
    expect(Date.parse(window!.dueAt) - at).toBeLessThan(40 * DAY);

    const last = (await history(id)).at(-1)!;
    expect(last.payload.clocks).toEqual({
      kept: [],
      ended: ['dispute.mediation'],
      armed: [{ key: 'dispute.judicial_application', clockId: window!.id, dueAt: window!.dueAt }],
    });
    expect((await rebuild(id)).matchesStored).toBe(true);
  });

  describe('a petition being handled', () => {
    let id: string;
    let storedBefore: { snapshot: unknown; version: number };
    let lastV1At: string;

    beforeAll(async () => {
      id = await open(petition());
      await step(id, 'ACCEPT');
      await step(id, 'ASSIGN_HANDLER', { unitCode: 'XC-XH-01' });
      storedBefore = await stored(id);
      lastV1At = clock.now().toISOString();
    });

    it.each([
      ['no answers', {}, 'payload.answers'],
      ['no class', { answers: {} }, 'payload.answers.petitionType'],
      ['a class that does not exist', { answers: { petitionType: 'complaint' } }, 'payload.answers.petitionType'],
    ])('is refused with %s (422), writing nothing', async (_, extra, field) => {
      const counts = await rowCounts(api.db);
      const reply = await migrate(id, { toVersion: 2, reason: '切换流程', ...extra });
      expect(reply.status).toBe(422);
      expect(reply.body).toMatchObject({ code: 'validation_failed', errors: [expect.objectContaining({ field })] });
      expect(await rowCounts(api.db)).toEqual(counts);
    });

    it('is refused as an accusation (409): version 2 has no state for one already being handled', async () => {
      const counts = await rowCounts(api.db);
      const reply = await migrate(id, { toVersion: 2, reason: '切换流程', answers: { petitionType: 'accusation' } });
      expect(reply.status).toBe(409);
      expect(reply.body).toMatchObject({ code: 'conflict', state: 'mediation.handling' });
      expect(reply.body.detail).toContain('信访工作条例 art. 30');
      expect(await rowCounts(api.db)).toEqual(counts);
    });

    it('moves with its class stated, its 60-day clock kept', async () => {
      const before = await api.call('GET', `/cases/${id}`, { key: mediator });
      const [handling] = clockOf(before.body, 'petition.handling');
      const reply = await migrate(id, { toVersion: 2, reason: '信访工作条例施行', answers: { petitionType: 'claim' } });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        machineVersion: 2,
        state: 'mediation.handling',
        details: { petitionType: 'claim', delivered: false },
      });
      expect(clockOf(reply.body, 'petition.handling')).toEqual([
        expect.objectContaining({ id: handling!.id, dueAt: handling!.dueAt, open: true }),
      ]);
      expect((await history(id)).at(-1)!.payload).toMatchObject({ answers: { petitionType: 'claim' } });
      // The chain verifies across the migration, and a rebuild either side of it equals what was stored then.
      expect(await verify(id)).toMatchObject({ valid: true, checked: storedBefore.version + 1 });
      const earlier = await rebuild(id, lastV1At);
      expect(earlier).toMatchObject({ seq: storedBefore.version, machineVersion: 1, state: 'mediation.handling' });
      expect(earlier.snapshot).toEqual(storedBefore.snapshot);
      const now = await rebuild(id);
      expect(now).toMatchObject({ machineVersion: 2, matchesStored: true, divergence: null });
      expect(now.snapshot).toEqual((await stored(id)).snapshot);
    });
  });

  it('refuses an archived case with the mapping’s reason (409)', async () => {
    const id = await open(dispute());
    await step(id, 'DECLINE', { reason: '不属于受理范围' });
    const counts = await rowCounts(api.db);
    const reply = await migrate(id, { toVersion: 2, reason: '切换流程' });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({
      code: 'conflict',
      detail: 'An archived case stays on the version it ended on.',
      state: 'archive.closed',
      fromVersion: 1,
      toVersion: 2,
    });
    expect(await rowCounts(api.db)).toEqual(counts);
  });

  it('refuses a version that does not follow the case’s own (409)', async () => {
    const id = await open(dispute());
    for (const toVersion of [1, 3]) {
      const reply = await migrate(id, { toVersion, reason: '切换流程' });
      expect(reply.status).toBe(409);
      expect(reply.body.detail).toContain(toVersion === 1 ? 'already runs on version 1' : 'has version 3');
    }
  });

  it('refuses anyone but an admin (403), even with the case in scope', async () => {
    const id = await open(dispute());
    const intake = await api.keyFor('intake', { unitCode: 'XC-XH' });
    const counts = await rowCounts(api.db);
    for (const key of [mediator, intake]) {
      const reply = await migrate(id, { toVersion: 2, reason: '切换流程' }, key);
      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject({ code: 'forbidden' });
    }
    expect(await rowCounts(api.db)).toEqual(counts);
    const after = await api.call('GET', `/cases/${id}`, { key: mediator });
    expect(after.body.machineVersion).toBe(1);
  });
});
