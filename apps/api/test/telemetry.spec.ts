import { randomUUID } from 'node:crypto';
import { dispute, LogCapture, seedDirectory, startTestApi, type TestApi } from './support/index.js';

/** The value of one sample of the exposition text, 0 when the series has none yet. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('telemetry of the API: request ids, request lines, metrics', () => {
  const log = new LogCapture();
  let api: TestApi;
  let origin: string;
  let intakeKey: string;

  beforeAll(async () => {
    api = await startTestApi({ api: { logStream: log, logger: ['log', 'warn', 'error'] } });
    origin = new URL(api.url).origin;
    await seedDirectory(api);
    intakeKey = await api.keyFor('intake');
  });
  afterAll(async () => {
    await api.close();
  });

  const scrape = async () => (await fetch(`${origin}/metrics`)).text();

  it('a transition increments its counter; a refused one counts under its code', async () => {
    const created = await api.call('POST', '/cases', { key: intakeKey, body: dispute() });
    expect(created.status).toBe(201);
    const applied = 'concord_transitions_total{kind="dispute",event="ACCEPT",outcome="applied"}';
    const refused = 'concord_transitions_total{kind="dispute",event="ACCEPT",outcome="event_not_allowed"}';
    const refusals = 'concord_refusals_total{code="event_not_allowed"}';
    const before = await scrape();

    const accept = () =>
      api.call('POST', `/cases/${created.body.id}/events`, { key: intakeKey, body: { type: 'ACCEPT', payload: {} } });
    expect((await accept()).status).toBe(200);
    const afterApplied = await scrape();
    expect(sample(afterApplied, applied)).toBe(sample(before, applied) + 1);
    expect(sample(afterApplied, refused)).toBe(sample(before, refused));

    // Accepted already: the same event is refused now, and counted as refused by its code.
    expect((await accept()).status).toBe(409);
    const afterRefused = await scrape();
    expect(sample(afterRefused, applied)).toBe(sample(afterApplied, applied));
    expect(sample(afterRefused, refused)).toBe(sample(afterApplied, refused) + 1);
    expect(sample(afterRefused, refusals)).toBe(sample(afterApplied, refusals) + 1);
    expect(sample(afterRefused, 'concord_transitions_total{kind="dispute",event="REGISTER",outcome="applied"}')).toBe(
      1,
    );

    // Requests are timed by route pattern and status, never by path.
    expect(afterRefused).toMatch(
      /^concord_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/cases\/:id\/events",status="409"\} 1$/m,
    );
    expect(afterRefused).not.toContain(created.body.id);
    expect(afterRefused).toMatch(/^concord_db_pool_connections\{state="total"\} [1-9]/m);
    expect(afterRefused).toMatch(/^concord_db_pool_waiting_clients \d+$/m);
  });

  it('a request keeps a valid X-Request-Id, answers it, logs one line with it, and records it with its event and outbox rows', async () => {
    const requestId = `req-${randomUUID()}`;
    const created = await api.call('POST', '/cases', {
      key: intakeKey,
      body: dispute(),
      headers: { 'x-request-id': requestId },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-request-id')).toBe(requestId);

    const lines = log.entries().filter((e) => e.requestId === requestId && e.msg === 'request');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'api',
        method: 'POST',
        route: '/api/v1/cases',
        status: 201,
        principal: { id: expect.any(String), role: 'intake' },
      }),
    ]);
    expect(typeof lines[0]!.durationMs).toBe('number');
    expect(typeof lines[0]!.time).toBe('string');

    const events = await api.db.query<{ type: string; request_id: string | null }>(
      'SELECT type, request_id FROM case_events WHERE case_id = $1',
      [created.body.id],
    );
    expect(events).toEqual([{ type: 'REGISTER', request_id: requestId }]);
    const outbox = await api.db.query<{ request_id: string | null }>(
      'SELECT request_id FROM outbox WHERE case_id = $1',
      [created.body.id],
    );
    expect(outbox.length).toBeGreaterThan(0);
    expect(outbox.every((row) => row.request_id === requestId)).toBe(true);
  });

  it('replaces an X-Request-Id that is not a plain token, and gives one to a request that brought none', async () => {
    for (const sent of ['has spaces in it', 'x'.repeat(129), '<script>', 'a,b', '13812345678;drop']) {
      const reply = await api.call('GET', '/units', { key: intakeKey, headers: { 'x-request-id': sent } });
      const answered = reply.headers.get('x-request-id');
      expect(answered).toMatch(/^[0-9a-f-]{36}$/);
      expect(log.text()).not.toContain(sent);
    }
    const none = await api.call('GET', '/units', { key: intakeKey });
    const id = none.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(log.entries().filter((e) => e.requestId === id && e.msg === 'request')).toHaveLength(1);
  });

  it('a 404 without a route is logged and timed as unmatched, not by its path', async () => {
    const reply = await api.call('GET', '/no-such-route/13812345678', { key: null });
    expect(reply.status).toBe(404);
    const id = reply.headers.get('x-request-id');
    expect(log.entries().find((e) => e.requestId === id && e.msg === 'request')).toMatchObject({
      route: 'unmatched',
      status: 404,
      principal: null,
    });
    expect(log.text()).not.toContain('13812345678');
    expect(await scrape()).toMatch(
      /concord_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\}/,
    );
  });
});
