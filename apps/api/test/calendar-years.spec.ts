import { ManualClock } from '#clock';
import { dispute, everyTableCount, petition, seedDirectory, startTestApi, type TestApi } from './support/index.js';

/** Test data in the shape of a State Council notice (not the real 2027 notice). */
const SCHEDULE_2027 = {
  source: '测试数据：2027 年节假日安排',
  holidays: [
    { date: '2027-01-01', name: '元旦' },
    ...['06', '07', '08', '09', '10', '11', '12'].map((d) => ({ date: `2027-02-${d}`, name: '春节' })),
  ],
  workdays: [{ date: '2027-02-20', name: '春节' }],
};
const with2027 = (patch: Partial<typeof SCHEDULE_2027>) => ({ ...structuredClone(SCHEDULE_2027), ...patch });

describe('a calendar year in one step, and the warnings while one is missing', () => {
  // Monday 2026-12-28: the shipped data ends with 2026.
  const clock = new ManualClock('2026-12-28T09:00:00+08:00');
  let api: TestApi;
  let origin: string;
  let justice: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startTestApi({ clock });
    origin = api.url.replace(/\/api\/v1$/, '');
    await seedDirectory(api);
    justice = await api.keyFor('department', { departmentCode: 'JUSTICE' });
  });
  afterAll(() => api.close());

  /** Rows of every table, by name (the calendar's own and the outbox's calendar jobs among them). */
  const tableCounts = () => everyTableCount(api.db);
  const metrics = async () => {
    const response = await fetch(`${origin}/metrics`);
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };
  const put = (body: unknown, key?: string, year = '2027') => api.call('PUT', `/calendar/years/${year}`, { body, key });

  it('health stays 200 and warns that 2027 has no schedule; the metric says 0 for 2027', async () => {
    const health = await api.call('GET', '/health', { key: null });
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      calendar: {
        years: [
          { year: 2026, coverage: 'official' },
          { year: 2027, coverage: 'missing' },
        ],
      },
    });
    expect(health.body.warnings).toEqual([
      expect.stringMatching(/^No holiday schedule for 2027: .*PUT \/api\/v1\/calendar\/years\/2027/),
    ]);

    const scraped = await metrics();
    expect(scraped.status).toBe(200);
    expect(scraped.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(scraped.text).toContain('concord_calendar_year_covered{year="2026"} 1');
    expect(scraped.text).toContain('concord_calendar_year_covered{year="2027"} 0');
    expect(scraped.text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(scraped.text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    // Outside the /api/v1 prefix only.
    expect((await api.call('GET', '/metrics', { key: null })).status).toBe(404);
  });

  it('every clock that runs into 2027 says so: the case, the deadline list and the referral', async () => {
    // A petition's intake: 15 calendar days, to Tuesday 2027-01-12.
    const created = await api.call('POST', '/cases', { body: petition() });
    ids.petition = created.body.id;
    expect(created.body.deadlines[0]).toMatchObject({
      key: 'petition.intake',
      dueAt: '2027-01-12T15:59:59.999Z',
      uncoveredYears: [2027],
      derivation: { uncoveredYears: [2027] },
      // The statute that sets the limit, as policies are checked against it.
      statute: { source: '信访工作条例 art. 22 ¶1, art. 23 ¶2–3', amount: 15, unit: 'calendar_days' },
    });
    // A dispute's intake (3 working days, to Thursday 12-31) does not reach 2027; no statute sets its limit.
    const within = await api.call('POST', '/cases', { body: dispute() });
    expect(within.body.deadlines[0]).toMatchObject({
      dueAt: '2026-12-31T15:59:59.999Z',
      uncoveredYears: [],
      statute: null,
    });
    // A referral's reply clock, 5 working days from the acknowledgement: 12-29 … 2027-01-04.
    for (const [type, payload] of [
      ['ACCEPT', {}],
      ['CLASSIFY', { category: 'neighbour', riskLevel: 'low' }],
      ['REFER', { departmentCode: 'JUSTICE', instructions: '请核实' }],
    ] as const) {
      expect((await api.call('POST', `/cases/${within.body.id}/events`, { body: { type, payload } })).status).toBe(200);
    }
    ids.referral = (await api.call('GET', `/cases/${within.body.id}`)).body.referrals[0].id;
    const acknowledged = await api.call('POST', `/referrals/${ids.referral}/events`, {
      key: justice,
      body: { type: 'ACKNOWLEDGE', payload: {} },
    });
    expect(acknowledged.status).toBe(200);
    const referral = await api.call('GET', `/referrals/${ids.referral}`, { key: justice });
    expect(referral.body.deadlines.find((d: { key: string }) => d.key === 'referral.reply')).toMatchObject({
      dueAt: '2027-01-04T15:59:59.999Z',
      uncoveredYears: [2027],
    });
    const short = (await api.call('POST', '/cases', { body: dispute() })).body.id;
    const list = await api.call('GET', '/deadlines?limit=200');
    const item = (caseId: string) => list.body.items.find((d: { caseId: string }) => d.caseId === caseId);
    expect(item(ids.petition)).toMatchObject({ key: 'petition.intake', uncoveredYears: [2027] });
    expect(item(within.body.id)).toMatchObject({
      key: 'referral.reply',
      referralId: ids.referral,
      uncoveredYears: [2027],
    });
    expect(item(short)).toMatchObject({ key: 'dispute.intake', uncoveredYears: [] });
  });

  it('refuses a bad schedule with one clear error per field, and writes nothing', async () => {
    const before = await tableCounts();
    const refusals: Array<[unknown, string, RegExp]> = [
      [with2027({ holidays: [{ date: '2027-02-30', name: '春节' }] }), 'holidays[0].date', /date that exists/],
      [with2027({ holidays: [{ date: '2026-12-31', name: '元旦' }] }), 'holidays[0].date', /2026-12-31 is not in 2027/],
      [
        with2027({
          holidays: [
            { date: '2027-01-01', name: '元旦' },
            { date: '2027-01-01', name: '元旦' },
          ],
        }),
        'holidays[1].date',
        /listed twice/,
      ],
      [
        with2027({ workdays: [{ date: '2027-01-01', name: '元旦' }] }),
        'workdays[0].date',
        /both a holiday and a working day/,
      ],
      // Monday 2027-02-22 is a working day already: a make-up day there changes nothing, so it must be a mistake.
      [with2027({ workdays: [{ date: '2027-02-22', name: '春节' }] }), 'workdays[0].date', /2027-02-22 is a weekday/],
      [with2027({ holidays: [{ date: '2027-01-01', name: '' }] }), 'holidays[0].name', /1 and 100|1 to 100|longer/],
      [with2027({ holidays: [{ date: '2027-01-01', name: '元'.repeat(101) }] }), 'holidays[0].name', /100/],
      [with2027({ holidays: [] }), 'holidays', /from 1 to 60/],
      [
        with2027({
          holidays: Array.from({ length: 61 }, (_, i) => ({
            date: `2027-03-${String((i % 28) + 1).padStart(2, '0')}`,
            name: 'x',
          })),
        }),
        'holidays',
        /60/,
      ],
      [with2027({ source: '' }), 'source', /./],
      [{ ...with2027({}), extra: true }, 'extra', /should not exist/],
      [{ holidays: SCHEDULE_2027.holidays, workdays: [] }, 'source', /./],
      [with2027({ holidays: [{ date: '2027-01-01' } as never] }), 'holidays[0].name', /./],
    ];
    for (const [body, field, message] of refusals) {
      const reply = await put(body);
      expect({ field, status: reply.status }).toEqual({ field, status: 422 });
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
      expect(reply.body.errors).toEqual(expect.arrayContaining([{ field, message: expect.stringMatching(message) }]));
    }
    // Outside the supported years, or not a year at all.
    const early = await put(SCHEDULE_2027, undefined, '1900');
    expect(early.status).toBe(422);
    expect(early.body.errors).toContainEqual({ field: 'year', message: 'must be a year from 1950 to 2199' });
    expect((await put(SCHEDULE_2027, undefined, '27')).status).toBe(404);
    expect((await put(SCHEDULE_2027, undefined, 'next')).status).toBe(404);
    expect((await api.call('GET', '/calendar/years/1900')).status).toBe(404);
    expect((await api.call('GET', '/calendar/years/2O27')).status).toBe(404);
    expect(await tableCounts()).toEqual(before);
  });

  it('only an admin of the whole deployment sets a year: a scoped admin and other roles get 403', async () => {
    const keys = [
      await api.keyFor('admin', { unitCode: 'XC' }),
      await api.keyFor('mediator'),
      await api.keyFor('auditor'),
      justice,
    ];
    const before = await tableCounts();
    for (const key of keys) {
      const reply = await put(SCHEDULE_2027, key);
      expect(reply.status).toBe(403);
      expect(reply.body.code).toBe('forbidden');
    }
    expect(await tableCounts()).toEqual(before);
    // Everyone who reads the calendar may read the years.
    expect((await api.call('GET', '/calendar/years', { key: justice })).status).toBe(200);
  });

  it('imports 2027 with who and when, records the change, and queues the recomputation in the same transaction', async () => {
    const reply = await put(SCHEDULE_2027);
    expect(reply.status).toBe(200);
    const [admin] = await api.db.query<{ id: string }>(
      `SELECT id FROM api_keys WHERE role = 'admin' AND unit_code IS NULL ORDER BY created_at LIMIT 1`,
    );
    expect(reply.body).toMatchObject({
      year: 2027,
      coverage: 'imported',
      source: SCHEDULE_2027.source,
      recordedBy: admin!.id,
      recordedAt: clock.now().toISOString(),
      holidays: SCHEDULE_2027.holidays,
      workdays: SCHEDULE_2027.workdays,
      change: {
        kind: 'year_imported',
        year: 2027,
        date: null,
        summary: `2027 schedule imported (${SCHEDULE_2027.source})`,
        changedDates: [
          '2027-01-01',
          '2027-02-08',
          '2027-02-09',
          '2027-02-10',
          '2027-02-11',
          '2027-02-12',
          '2027-02-20',
        ],
        recordedBy: admin!.id,
        detail: { before: null, after: SCHEDULE_2027 },
      },
    });
    const [job] = await api.db.query<{ payload: unknown; case_id: string | null }>(
      `SELECT payload, case_id FROM outbox WHERE queue = 'calendar'`,
    );
    expect(job).toEqual({ payload: { calendarChangeId: reply.body.change.id }, case_id: null });

    const day = await api.call('GET', '/calendar?from=2027-01-01&to=2027-01-01');
    expect(day.body.days).toEqual([
      { date: '2027-01-01', workday: false, kind: 'holiday', name: '元旦', source: 'imported' },
    ]);
    expect(day.body.coveredYears).toContain(2027);
    // New clocks count the new year's holidays at once: a petition's 15 days from 2026-12-28 end on 2027-01-12 as
    // before (a Tuesday), and a dispute's 3 working days from Wednesday 12-30 skip New Year's Day now.
    clock.set('2026-12-30T09:00:00+08:00');
    const later = await api.call('POST', '/cases', { body: dispute() });
    expect(later.body.deadlines[0]).toMatchObject({
      dueAt: '2027-01-05T15:59:59.999Z',
      uncoveredYears: [],
      derivation: {
        skipped: [
          { date: '2027-01-01', kind: 'holiday', name: '元旦', source: 'imported' },
          { date: '2027-01-02', kind: 'weekend', name: null, source: 'weekday' },
          { date: '2027-01-03', kind: 'weekend', name: null, source: 'weekday' },
        ],
      },
    });
    clock.set('2026-12-28T09:00:00+08:00');
  });

  it('the warnings go once the year is in: health, metric and every clock view, from the calendar as it is now', async () => {
    const health = await api.call('GET', '/health', { key: null });
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      calendar: {
        years: [
          { year: 2026, coverage: 'official' },
          { year: 2027, coverage: 'imported' },
        ],
      },
      warnings: [],
    });
    const scraped = await metrics();
    expect(scraped.text).toContain('concord_calendar_year_covered{year="2027"} 1');

    // The clock itself was not moved (no worker ran here), but it no longer warns; its derivation keeps the record.
    const petitionCase = await api.call('GET', `/cases/${ids.petition}`);
    expect(petitionCase.body.deadlines[0]).toMatchObject({
      uncoveredYears: [],
      derivation: { uncoveredYears: [2027] },
    });
    const referral = await api.call('GET', `/referrals/${ids.referral}`, { key: justice });
    expect(referral.body.deadlines.find((d: { key: string }) => d.key === 'referral.reply').uncoveredYears).toEqual([]);
    const list = await api.call('GET', '/deadlines?limit=200');
    expect(list.body.items.every((d: { uncoveredYears: number[] }) => d.uncoveredYears.length === 0)).toBe(true);
  });

  it('lists every year from 2004 with its coverage, and shows one year with its changes', async () => {
    const years = await api.call('GET', '/calendar/years');
    expect(years.status).toBe(200);
    expect(years.body.currentYear).toBe(2026);
    expect(years.body.years.map((y: { year: number }) => y.year)).toEqual(
      Array.from({ length: 24 }, (_, i) => 2004 + i),
    );
    expect(years.body.years.at(-2)).toEqual({
      year: 2026,
      coverage: 'official',
      source: 'chinese-days 1.5.7',
      recordedBy: null,
      recordedAt: null,
    });
    expect(years.body.years.at(-1)).toMatchObject({ year: 2027, coverage: 'imported', source: SCHEDULE_2027.source });
    expect(years.body.warnings).toEqual([]);

    const official = await api.call('GET', '/calendar/years/2026');
    expect(official.body).toMatchObject({ coverage: 'official', changes: [] });
    expect(official.body.workdays).toEqual([
      { date: '2026-01-04', name: '元旦' },
      { date: '2026-02-14', name: '春节' },
      { date: '2026-02-28', name: '春节' },
      { date: '2026-05-09', name: '劳动节' },
      { date: '2026-09-20', name: '国庆节' },
      { date: '2026-10-10', name: '国庆节' },
    ]);
    expect(official.body.holidays).toHaveLength(33);
    const missing = await api.call('GET', '/calendar/years/2030');
    expect(missing.body).toMatchObject({
      year: 2030,
      coverage: 'missing',
      source: null,
      holidays: [],
      workdays: [],
      changes: [],
    });
    const imported = await api.call('GET', '/calendar/years/2027');
    expect(imported.body.changes).toEqual([expect.objectContaining({ kind: 'year_imported' })]);
  });

  it('putting the same schedule again records nothing; a different one replaces it and records what changed', async () => {
    const before = await tableCounts();
    const again = await put(SCHEDULE_2027);
    expect(again.status).toBe(200);
    expect(again.body.change).toBeNull();
    expect(await tableCounts()).toEqual(before);

    // The notice is corrected: the make-up day moves to Sunday 02-21.
    const corrected = with2027({ source: '测试数据：更正', workdays: [{ date: '2027-02-21', name: '春节' }] });
    const replaced = await put(corrected);
    expect(replaced.body.change).toMatchObject({
      kind: 'year_replaced',
      changedDates: ['2027-02-20', '2027-02-21'],
      detail: {
        before: { source: SCHEDULE_2027.source, workdays: SCHEDULE_2027.workdays },
        after: { workdays: corrected.workdays },
      },
    });
    expect(replaced.body.changes.map((c: { kind: string }) => c.kind)).toEqual(['year_imported', 'year_replaced']);
    expect(await tableCounts()).toMatchObject({
      calendar_years: 1,
      calendar_changes: before.calendar_changes! + 1,
      outbox: before.outbox! + 1,
    });
  });

  it('overrides are recorded as changes too, and the change log is append-only', async () => {
    const set = await api.call('PUT', '/calendar/overrides/2027-03-03', {
      body: { kind: 'holiday', name: '防汛停工' },
    });
    expect(set.status).toBe(200);
    expect((await api.call('DELETE', '/calendar/overrides/2027-03-03')).status).toBe(204);
    const year = await api.call('GET', '/calendar/years/2027');
    expect(year.body.changes.slice(-2)).toEqual([
      expect.objectContaining({
        kind: 'override_set',
        date: '2027-03-03',
        changedDates: ['2027-03-03'],
        detail: { before: null, after: { kind: 'holiday', name: '防汛停工' } },
      }),
      expect.objectContaining({
        kind: 'override_removed',
        date: '2027-03-03',
        changedDates: ['2027-03-03'],
        summary: 'override of 2027-03-03 removed (was holiday 防汛停工)',
      }),
    ]);
    await expect(api.db.query(`UPDATE calendar_changes SET summary = 'rewritten'`)).rejects.toThrow(/append-only/);
    await expect(api.db.query(`DELETE FROM calendar_changes`)).rejects.toThrow(/append-only/);
  });
});
