import { ManualClock } from '#clock';
import {
  BAD_DATES,
  BAD_INSTANTS,
  dispute,
  GOOD_EDGE_DATES,
  GOOD_EDGE_INSTANTS,
  rowCounts,
  seedDirectory,
  startTestApi,
  type TestApi,
} from './support/index.js';

/**
 * One rule for every date and instant that reaches the API (libs/domain/src/dates.ts): bodies, event payloads,
 * query strings and paths refuse what `Date`, PostgreSQL or the working-day calendar cannot hold — with 422 for
 * a body and 400 for a query string or a path, writing nothing — and take the edges that are real.
 */
describe('dates and instants at the edge', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let mediatorId: string;
  let auditor: string;
  let caseId: string;

  const q = encodeURIComponent;
  const overrides = async () =>
    (await api.db.query<{ n: string }>('SELECT count(*) AS n FROM calendar_overrides'))[0]!.n;

  /** Runs `request`, expects a refusal naming `field`, and that nothing was written. */
  async function refused(
    what: string,
    request: () => Promise<{ status: number; body: any }>,
    status: number,
    field: string,
  ) {
    const before = [await rowCounts(api.db), await overrides()];
    const reply = await request();
    expect({ what, status: reply.status, fields: reply.body?.errors?.map((e: { field: string }) => e.field) }).toEqual({
      what,
      status,
      fields: [field],
    });
    expect([await rowCounts(api.db), await overrides()]).toEqual(before);
  }

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    // Version 2 names a mediator by user id: one of the district, whose subtree holds every case here.
    ({ id: mediatorId } = await api.personFor(['mediator'], { unitCode: 'XC' }));
    auditor = await api.keyFor('auditor');
    caseId = (await api.call('POST', '/cases', { body: dispute() })).body.id;
    for (const [type, payload] of [
      ['ACCEPT', {}],
      ['CLASSIFY', { category: 'neighbour', riskLevel: 'low' }],
      ['ASSIGN_MEDIATOR', { mediatorId, channel: 'people' }],
    ] as const) {
      expect((await api.call('POST', `/cases/${caseId}/events`, { body: { type, payload } })).status).toBe(200);
    }
  });
  afterAll(() => api?.close());

  it.each(BAD_INSTANTS)('refuses the instant %s in a body, an event payload and every query string', async (value) => {
    await refused(
      'occurredAt',
      () => api.call('POST', '/cases', { body: dispute({ occurredAt: value }) }),
      422,
      'occurredAt',
    );
    await refused(
      'SCHEDULE_SESSION.at',
      () =>
        api.call('POST', `/cases/${caseId}/events`, {
          body: { type: 'SCHEDULE_SESSION', payload: { at: value, location: '调解室' } },
        }),
      422,
      'payload.at',
    );
    await refused('dueBefore', () => api.call('GET', `/deadlines?dueBefore=${q(value)}`), 400, 'dueBefore');
    for (const field of ['from', 'to']) {
      await refused(`cases ${field}`, () => api.call('GET', `/cases?${field}=${q(value)}`), 400, field);
      await refused(
        `audit events ${field}`,
        () => api.call('GET', `/audit/events?${field}=${q(value)}`, { key: auditor }),
        400,
        field,
      );
      await refused(
        `audit export ${field}`,
        () => api.call('GET', `/audit/export?${field}=${q(value)}`, { key: auditor }),
        400,
        field,
      );
      await refused(
        `kpis ${field}`,
        () => api.call('GET', `/stats/kpis?${field}=${q(value)}`, { key: auditor }),
        400,
        field,
      );
    }
    await refused(
      'asOf',
      () => api.call('GET', `/audit/cases/${caseId}/state?asOf=${q(value)}`, { key: auditor }),
      400,
      'asOf',
    );
  });

  it.each(BAD_DATES)('refuses the date %s in the calendar’s query string and path, and in the KPIs', async (value) => {
    await refused('calendar from', () => api.call('GET', `/calendar?from=${q(value)}&to=2026-03-01`), 400, 'from');
    await refused('calendar to', () => api.call('GET', `/calendar?from=2026-03-01&to=${q(value)}`), 400, 'to');
    await refused(
      'override',
      () => api.call('PUT', `/calendar/overrides/${q(value)}`, { body: { kind: 'holiday', name: '防汛' } }),
      400,
      'date',
    );
    await refused('override removal', () => api.call('DELETE', `/calendar/overrides/${q(value)}`), 400, 'date');
    await refused('kpis from', () => api.call('GET', `/stats/kpis?from=${q(value)}`, { key: auditor }), 400, 'from');
  });

  it('says why, without echoing the value', async () => {
    const reply = await api.call('POST', '/cases', { body: dispute({ occurredAt: '1899-12-31T16:00:00Z' }) });
    expect(reply.body.errors).toEqual([
      { field: 'occurredAt', message: 'must be an instant from 1950-01-01 to 2199-12-31 (China time)' },
    ]);
    const path = await api.call('PUT', '/calendar/overrides/2026-02-30', { body: { kind: 'holiday', name: '防汛' } });
    expect(path.body).toMatchObject({
      status: 400,
      errors: [{ field: 'date', message: 'must be a date that exists' }],
    });
  });

  it.each(GOOD_EDGE_INSTANTS)('takes the real edge instant %s everywhere', async (value) => {
    const created = await api.call('POST', '/cases', { body: dispute({ occurredAt: value }) });
    expect(created.status).toBe(201);
    expect(created.body.occurredAt).toBe(new Date(value).toISOString());
    const scheduled = await api.call('POST', `/cases/${caseId}/events`, {
      body: { type: 'SCHEDULE_SESSION', payload: { at: value } },
    });
    expect(scheduled.status).toBe(200);
    for (const path of [`/deadlines?dueBefore=${q(value)}`, `/cases?from=${q(value)}&to=${q(value)}`])
      expect((await api.call('GET', path)).status).toBe(200);
    for (const path of [
      `/audit/events?to=${q(value)}`,
      `/audit/cases/${caseId}/state?asOf=${q(value)}`,
      `/stats/kpis?to=${q(value)}`,
    ]) {
      expect((await api.call('GET', path, { key: auditor })).status).not.toBe(400);
    }
  });

  it.each(GOOD_EDGE_DATES)('takes the real edge date %s in the calendar', async (value) => {
    expect((await api.call('GET', `/calendar?from=${value}&to=${value}`)).body.days).toEqual([
      expect.objectContaining({ date: value }),
    ]);
    expect(
      (await api.call('PUT', `/calendar/overrides/${value}`, { body: { kind: 'holiday', name: '边界' } })).status,
    ).toBe(200);
    expect((await api.call('DELETE', `/calendar/overrides/${value}`)).status).toBe(204);
  });
});
