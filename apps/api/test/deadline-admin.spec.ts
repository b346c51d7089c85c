import { ManualClock } from '#clock';
import { dispute, rowCounts, seedDirectory, startTestApi, type TestApi } from './support/index.js';

const MONDAY = '2026-03-02T09:00:00+08:00';

describe('deadline policies and the calendar', () => {
  const clock = new ManualClock(MONDAY);
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
  });
  afterAll(() => api.close());

  const intakeClock = async (body = dispute()) => {
    const created = (await api.call('POST', '/cases', { body })).body;
    return created.deadlines.find((d: { key: string }) => d.key === 'dispute.intake');
  };
  const setPolicy = (body: Record<string, unknown>, key?: string) =>
    api.call('PUT', '/deadline-policies', { body, key });

  it('lists every clock with its default and the statute that bounds it', async () => {
    const reply = await api.call('GET', '/deadline-policies');
    expect(reply.status).toBe(200);
    expect(reply.body.defaults).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'dispute.intake', amount: 3, unit: 'working_days', statutory: null }),
        expect.objectContaining({
          key: 'petition.handling',
          amount: 60,
          unit: 'calendar_days',
          statutory: '信访工作条例 art. 34',
        }),
        expect.objectContaining({ key: 'dispute.judicial_confirmation', amount: 30, statutory: '民事诉讼法 art. 187' }),
      ]),
    );
  });

  it('the nearest unit’s policy sets the limit, and the derivation names it', async () => {
    const district = await setPolicy({ key: 'dispute.intake', unitCode: 'XC', amount: 2, unit: 'working_days' });
    const street = await setPolicy({ key: 'dispute.intake', unitCode: 'XC-XH', amount: 1, unit: 'working_days' });
    expect([district.status, street.status]).toEqual([200, 200]);
    // Monday + 1 working day: end of Tuesday.
    expect(await intakeClock()).toMatchObject({
      dueAt: '2026-03-03T15:59:59.999Z',
      derivation: { rule: { amount: 1, unit: 'working_days', source: `policy:${street.body.id}` } },
    });
    // A community of the other street follows the district's policy.
    expect(await intakeClock(dispute({ unitCode: 'XC-YL-01' }))).toMatchObject({
      dueAt: '2026-03-04T15:59:59.999Z',
      derivation: { rule: { source: `policy:${district.body.id}` } },
    });
    // Setting the same scope again replaces the policy rather than adding a second one.
    const replaced = await setPolicy({ key: 'dispute.intake', unitCode: 'XC-XH', amount: 4, unit: 'working_days' });
    expect(replaced.body.id).toBe(street.body.id);
    await api.call('DELETE', `/deadline-policies/${street.body.id}`);
    await api.call('DELETE', `/deadline-policies/${district.body.id}`);
    expect(await intakeClock()).toMatchObject({
      dueAt: '2026-03-05T15:59:59.999Z',
      derivation: { rule: { source: 'default' } },
    });
  });

  it('within one scope a policy for the case’s category beats one for every category', async () => {
    const labour = await setPolicy({ key: 'dispute.intake', category: 'labour', amount: 1, unit: 'working_days' });
    const every = await setPolicy({ key: 'dispute.intake', amount: 5, unit: 'calendar_days' });
    expect((await intakeClock(dispute({ category: 'labour' }))).derivation.rule.source).toBe(
      `policy:${labour.body.id}`,
    );
    expect((await intakeClock(dispute({ category: 'neighbour' }))).derivation.rule.source).toBe(
      `policy:${every.body.id}`,
    );
    await api.call('DELETE', `/deadline-policies/${labour.body.id}`);
    await api.call('DELETE', `/deadline-policies/${every.body.id}`);
  });

  it('refuses to lengthen a statutory limit, an unknown clock, and writes nothing', async () => {
    const before = await api.db.query('SELECT count(*) FROM deadline_policies');
    const longer = await setPolicy({ key: 'petition.intake', amount: 20, unit: 'calendar_days' });
    expect(longer.status).toBe(422);
    expect(longer.body.errors).toEqual([
      {
        field: 'amount',
        message: 'petition.intake may not exceed 15 calendar days (信访工作条例 art. 22 ¶1, art. 23 ¶2–3)',
      },
    ]);
    expect((await setPolicy({ key: 'petition.intake', amount: 10, unit: 'working_days' })).status).toBe(422);
    expect((await setPolicy({ key: 'dispute.nap_time', amount: 1, unit: 'working_days' })).body.errors[0].field).toBe(
      'key',
    );
    expect((await setPolicy({ key: 'dispute.intake', amount: 0, unit: 'working_days' })).status).toBe(422);
    expect((await setPolicy({ key: 'petition.intake', amount: 10, unit: 'calendar_days' })).status).toBe(200); // shorter is fine
    expect(await api.db.query('SELECT count(*) FROM deadline_policies')).not.toEqual(before);
  });

  it('a calendar override moves working-day deadlines computed after it', async () => {
    const set = await api.call('PUT', '/calendar/overrides/2026-03-03', {
      body: { kind: 'holiday', name: '防汛停工' },
    });
    expect(set.status).toBe(200);
    const days = await api.call('GET', '/calendar?from=2026-03-01&to=2026-03-08');
    expect(days.body.days.find((d: { date: string }) => d.date === '2026-03-03')).toEqual({
      date: '2026-03-03',
      workday: false,
      kind: 'holiday',
      name: '防汛停工',
      source: 'override',
    });
    // Monday + 3 working days, Tuesday now a rest day: Wednesday, Thursday, Friday.
    expect(await intakeClock()).toMatchObject({
      dueAt: '2026-03-06T15:59:59.999Z',
      derivation: { skipped: [expect.objectContaining({ date: '2026-03-03', name: '防汛停工', source: 'override' })] },
    });
    expect((await api.call('DELETE', '/calendar/overrides/2026-03-03')).status).toBe(204);
    expect((await intakeClock()).dueAt).toBe('2026-03-05T15:59:59.999Z');
  });

  it('shows the official schedule, make-up days included', async () => {
    const reply = await api.call('GET', '/calendar?from=2026-02-13&to=2026-03-01');
    expect(reply.body.coveredYears).toContain(2026);
    const rest = reply.body.days.filter((d: { workday: boolean }) => !d.workday).map((d: { date: string }) => d.date);
    expect(rest).toEqual([
      '2026-02-15',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-02-21',
      '2026-02-22',
      '2026-02-23',
      '2026-03-01',
    ]);
    expect(reply.body.days.find((d: { date: string }) => d.date === '2026-02-28')).toMatchObject({
      workday: true,
      kind: 'makeup_workday',
      name: '春节',
    });
  });

  it('only a deployment-wide admin changes the calendar; others may read it; bad dates are refused', async () => {
    const scopedAdmin = await api.keyFor('admin', { unitCode: 'XC-XH' });
    const mediator = await api.keyFor('mediator', { unitCode: 'XC-XH' });
    const auditor = await api.keyFor('auditor');
    const before = await rowCounts(api.db);
    expect(
      (
        await api.call('PUT', '/calendar/overrides/2026-03-09', {
          key: scopedAdmin,
          body: { kind: 'holiday', name: 'x' },
        })
      ).status,
    ).toBe(403);
    expect(
      (await api.call('PUT', '/calendar/overrides/2026-03-09', { key: mediator, body: { kind: 'holiday', name: 'x' } }))
        .status,
    ).toBe(403);
    expect(
      (
        await api.call('PUT', '/deadline-policies', {
          key: auditor,
          body: { key: 'dispute.intake', amount: 1, unit: 'working_days' },
        })
      ).status,
    ).toBe(403);
    expect((await api.call('GET', '/deadline-policies', { key: auditor })).status).toBe(200);
    expect((await api.call('GET', '/calendar?from=2026-03-01&to=2026-03-02', { key: mediator })).status).toBe(200);
    expect(
      (await api.call('PUT', '/calendar/overrides/2026-02-30', { body: { kind: 'holiday', name: 'x' } })).status,
    ).toBe(400);
    expect((await api.call('PUT', '/calendar/overrides/2026-03-09', { body: { kind: 'nap', name: 'x' } })).status).toBe(
      422,
    );
    expect((await api.call('GET', '/calendar?from=2026-01-01&to=2027-06-01')).status).toBe(422);
    expect((await api.call('GET', '/calendar?from=yesterday&to=2026-01-01')).status).toBe(400);
    expect((await api.call('GET', '/calendar?from=2026-02-29&to=2026-03-01')).status).toBe(400); // 2026 is no leap year
    expect((await api.call('DELETE', '/calendar/overrides/2026-03-09')).status).toBe(404);
    expect(await rowCounts(api.db)).toEqual(before);
    const overrides = await api.db.query('SELECT * FROM calendar_overrides');
    expect(overrides).toEqual([]);
  });
});
