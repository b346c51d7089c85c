import { dispute, rowCounts, seedDirectory, startTestApi, type TestApi } from './support/index.js';

/**
 * `prototype`, `constructor` and `__proto__` are refused like any unknown field, wherever they appear: at the
 * top of a body, inside a party, in an event payload, in a query string. They used to be dropped silently.
 */
describe('keys that name a prototype', () => {
  let api: TestApi;
  let caseId: string;

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
    caseId = (await api.call('POST', '/cases', { body: dispute() })).body.id;
  });
  afterAll(() => api?.close());

  async function refused(path: string, rawBody: string | undefined, status: number, fields?: string[]) {
    const before = await rowCounts(api.db);
    const reply = await api.call(
      rawBody === undefined ? 'GET' : 'POST',
      path,
      rawBody === undefined ? {} : { rawBody },
    );
    expect({ path, rawBody, status: reply.status, type: reply.headers.get('content-type') }).toEqual({
      path,
      rawBody,
      status,
      type: 'application/problem+json; charset=utf-8',
    });
    expect(reply.body.status).toBe(status);
    if (fields) expect(reply.body.errors).toEqual(fields.map((field) => ({ field, message: 'is not a known field' })));
    expect(await rowCounts(api.db)).toEqual(before);
  }

  /** `body` as JSON with `key: value` spliced in as its first member. */
  const withKey = (body: object, key: string, value: unknown) =>
    JSON.stringify(body).replace(/^\{/, `{${JSON.stringify(key)}:${JSON.stringify(value)},`);

  it('refuses them at the top of POST /cases, as unknown fields', async () => {
    for (const key of ['prototype', 'constructor']) {
      for (const value of [1, { isAdmin: true }, null, 'x'])
        await refused('/cases', withKey(dispute(), key, value), 422, [key]);
    }
  });

  it('refuses them in a nested party', async () => {
    for (const key of ['prototype', 'constructor']) {
      const party = JSON.parse(withKey({ role: 'applicant', name: '王小明' }, key, { polluted: true }));
      await refused('/cases', JSON.stringify(dispute({ parties: [party] })), 422, [`parties[0].${key}`]);
    }
  });

  it('refuses them in an event payload', async () => {
    for (const key of ['prototype', 'constructor']) {
      await refused(
        `/cases/${caseId}/events`,
        JSON.stringify({ type: 'ADD_NOTE', payload: JSON.parse(withKey({ text: '备注' }, key, 1)) }),
        422,
        [`payload.${key}`],
      );
      await refused(`/cases/${caseId}/events`, withKey({ type: 'ACCEPT', payload: {} }, key, 1), 422, [key]);
    }
  });

  it('refuses __proto__ and constructor.prototype in the JSON parser, as problem+json', async () => {
    await refused('/cases', withKey(dispute(), '__proto__', { isAdmin: true }), 400);
    await refused('/cases', withKey(dispute(), 'constructor', { prototype: { isAdmin: true } }), 400);
    const party = `{"__proto__":{"isAdmin":true},"role":"applicant","name":"王小明"}`;
    await refused(
      '/cases',
      JSON.stringify(dispute({ parties: [] })).replace('"parties":[]', `"parties":[${party}]`),
      400,
    );
    await refused(`/cases/${caseId}/events`, `{"type":"ADD_NOTE","payload":{"text":"x","__proto__":{"a":1}}}`, 400);
  });

  it('refuses them in a query string', async () => {
    for (const key of ['prototype', 'constructor', '__proto__'])
      await refused(`/cases?${key}=1`, undefined, 400, [key]);
  });

  it('still takes the same bodies without them', async () => {
    expect((await api.call('POST', '/cases', { body: dispute() })).status).toBe(201);
    expect(
      (await api.call('POST', `/cases/${caseId}/events`, { body: { type: 'ADD_NOTE', payload: { text: '备注' } } }))
        .status,
    ).toBe(200);
  });
});

/** Two bodies the request fuzzer found answered 500, whatever their Idempotency-Key or their route. */
describe('bodies no rule can take', () => {
  let api: TestApi;
  let caseId: string;

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
    caseId = (await api.call('POST', '/cases', { body: dispute() })).body.id;
  });
  afterAll(() => api?.close());

  it('refuses a number too large to be finite (JSON.parse reads 1e999 as Infinity), with or without an Idempotency-Key', async () => {
    for (const headers of [{}, { 'idempotency-key': 'infinite-1' }] as Array<Record<string, string>>) {
      const before = await rowCounts(api.db);
      const reply = await api.call('POST', `/cases/${caseId}/events`, {
        rawBody: '{"type":"ADD_NOTE","payload":{"text":"x"},"expectedVersion":1e999}',
        headers,
      });
      expect(reply.status).toBe(422);
      expect(reply.body.errors).toEqual([{ field: 'expectedVersion', message: 'must be a finite number' }]);
      expect(await rowCounts(api.db)).toEqual(before);
    }
  });

  it('refuses a blank calendar override name, which the calendar cannot load, so case creation goes on', async () => {
    const reply = await api.call('PUT', '/calendar/overrides/2026-03-09', { body: { kind: 'holiday', name: '   ' } });
    expect(reply.status).toBe(422);
    expect(reply.body.errors).toEqual([{ field: 'name', message: 'must not be blank' }]);
    expect(await api.db.query('SELECT * FROM calendar_overrides')).toEqual([]);
    expect((await api.call('POST', '/cases', { body: dispute() })).status).toBe(201);
  });

  it('refuses an item of a list of objects that is not an object (an array passed class-validator as a party)', async () => {
    const base = dispute();
    for (const [path, body] of [
      ['/cases', { ...base, parties: [[], ...base.parties] }],
      ['/cases', { ...base, parties: [null] }],
      ['/cases', { ...base, parties: ['王小明'] }],
    ] as const) {
      const before = await rowCounts(api.db);
      const reply = await api.call('POST', path, { body });
      expect(reply.status).toBe(422);
      expect(reply.body.errors.map((e: { field: string }) => e.field)).toContain('parties');
      expect(await rowCounts(api.db)).toEqual(before);
    }
    const year = await api.call('PUT', '/calendar/years/2027', {
      body: { source: '测试', holidays: [[{ date: '2027-01-01', name: '元旦' }]], workdays: [] },
    });
    expect(year.status).toBe(422);
    expect(year.body.errors.map((e: { field: string }) => e.field)).toEqual(['holidays']);
  });
});
