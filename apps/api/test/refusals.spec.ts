import { dispute, rowCounts, seedDirectory, startTestApi, type TestApi } from './support/index.js';

describe('refused requests write nothing', () => {
  let api: TestApi;
  let caseId: string;

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
    caseId = (await api.call('POST', '/cases', { body: dispute() })).body.id;
  });
  afterAll(() => api.close());

  /** Runs `request`, checks its answer, and checks that no table changed. */
  async function refusedWithoutWrites(
    request: () => Promise<{ status: number; body: any; headers: Headers }>,
    status: number,
    code: string,
  ) {
    const before = await rowCounts(api.db);
    const reply = await request();
    expect(reply.status).toBe(status);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(reply.body).toMatchObject({ status, code, type: `urn:concord:problem:${code}` });
    expect(typeof reply.body.title).toBe('string');
    expect(typeof reply.body.detail).toBe('string');
    expect(await rowCounts(api.db)).toEqual(before);
    return reply.body;
  }

  const send = (body: unknown, headers?: Record<string, string>) =>
    api.call('POST', `/cases/${caseId}/events`, { body, headers });

  it('an event the state does not accept: 409 listing the allowed events', async () => {
    const body = await refusedWithoutWrites(
      () => send({ type: 'RECORD_FOLLOW_UP', payload: { satisfaction: 5, reached: true } }),
      409,
      'event_not_allowed',
    );
    expect(body.state).toBe('intake.registered');
    expect(body.allowedEvents).toEqual(expect.arrayContaining(['ACCEPT', 'DECLINE', 'MERGE', 'WITHDRAW']));
    expect(body.allowedEvents).not.toContain('RECORD_FOLLOW_UP');
  });

  it('a bad payload: 422 with one error per field', async () => {
    const body = await refusedWithoutWrites(
      () => send({ type: 'DECLINE', payload: { reason: '', extra: 1 } }),
      422,
      'validation_failed',
    );
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { field: 'payload.reason', message: 'must not be empty' },
        { field: 'payload.extra', message: 'is not a known field' },
      ]),
    );
  });

  it('a payload of the wrong types', async () => {
    await send({ type: 'ACCEPT' });
    const body = await refusedWithoutWrites(
      () => send({ type: 'CLASSIFY', payload: { category: 42, riskLevel: 'apocalyptic', tags: 'x' } }),
      422,
      'validation_failed',
    );
    expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'payload.category',
      'payload.riskLevel',
      'payload.tags',
    ]);
  });

  it('an event no machine of the kind knows', async () => {
    const body = await refusedWithoutWrites(
      () => send({ type: 'LAUNCH_ROCKET', payload: {} }),
      422,
      'validation_failed',
    );
    expect(body.errors[0].field).toBe('type');
  });

  it('a system event from a client', async () => {
    await refusedWithoutWrites(
      () => send({ type: 'DEADLINE_ELAPSED', payload: { deadlineId: '01a206fc-0168-788c-88a6-93199b8a6775' } }),
      403,
      'system_event_only',
    );
  });

  it('a reference to something that does not exist', async () => {
    const body = await refusedWithoutWrites(
      () => send({ type: 'REFER', payload: { departmentCode: 'NOPE', instructions: '请处理' } }),
      422,
      'validation_failed',
    );
    expect(body.errors).toEqual([{ field: 'payload.departmentCode', message: 'department NOPE does not exist' }]);
  });

  it('a stale expectedVersion: 409 with the current version', async () => {
    const current = (await api.call('GET', `/cases/${caseId}`)).body.version;
    const body = await refusedWithoutWrites(
      () => send({ type: 'ADD_NOTE', payload: { text: 'late' }, expectedVersion: current - 1 }),
      409,
      'version_conflict',
    );
    expect(body.currentVersion).toBe(current);
  });

  it('malformed bodies and unknown fields at the HTTP layer', async () => {
    await refusedWithoutWrites(
      () => api.call('POST', `/cases/${caseId}/events`, { rawBody: '{"type": "ACCEPT",' }),
      400,
      'malformed_request',
    );
    await refusedWithoutWrites(
      () => send({ type: 'ADD_NOTE', payload: { text: 'x' }, sneaky: true }),
      422,
      'validation_failed',
    );
    await refusedWithoutWrites(() => send([1, 2, 3]), 422, 'validation_failed');
    await refusedWithoutWrites(
      () => api.call('POST', '/cases', { body: { ...dispute(), kind: 'lawsuit', parties: [{ role: 'judge' }] } }),
      422,
      'validation_failed',
    );
    await refusedWithoutWrites(
      () =>
        api.call('POST', `/cases/${caseId}/events`, {
          rawBody: 'type=ACCEPT',
          headers: { 'content-type': 'text/plain' },
        }),
      415,
      'unsupported_media_type',
    );
    await refusedWithoutWrites(
      () => send({ type: 'ADD_NOTE', payload: { text: 'x'.repeat(1_100_000) } }),
      413,
      'payload_too_large',
    );
  });

  it('ids and routes that do not exist: 404', async () => {
    await refusedWithoutWrites(() => api.call('GET', '/cases/not-a-uuid'), 404, 'not_found');
    await refusedWithoutWrites(() => api.call('GET', '/cases/01a206fc-0168-788c-88a6-93199b8a6775'), 404, 'not_found');
    await refusedWithoutWrites(
      () => api.call('POST', '/cases/01a206fc-0168-788c-88a6-93199b8a6775/events', { body: { type: 'ACCEPT' } }),
      404,
      'not_found',
    );
    await refusedWithoutWrites(() => api.call('GET', '/nowhere'), 404, 'not_found');
  });

  it('bad query strings: 400', async () => {
    const body = await refusedWithoutWrites(
      () => api.call('GET', '/cases?limit=500&stage=limbo&colour=red'),
      400,
      'malformed_request',
    );
    expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['colour', 'limit', 'stage']);
    await refusedWithoutWrites(() => api.call('GET', '/cases?cursor=bm90LWEtdXVpZA'), 400, 'malformed_request');
  });
});

describe('Idempotency-Key', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
  });
  afterAll(() => api.close());

  it('a repeated key creates nothing new and answers the first answer', async () => {
    const headers = { 'idempotency-key': 'create-case-0001' };
    const first = await api.call('POST', '/cases', { body: dispute(), headers });
    expect(first.status).toBe(201);
    const before = await rowCounts(api.db);
    const again = await api.call('POST', '/cases', { body: dispute(), headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await rowCounts(api.db)).toEqual(before);
  });

  it('a repeated event is applied once', async () => {
    const id = (await api.call('POST', '/cases', { body: dispute() })).body.id;
    const headers = { 'idempotency-key': `accept-${id}` };
    const first = await api.call('POST', `/cases/${id}/events`, { body: { type: 'ACCEPT' }, headers });
    const again = await api.call('POST', `/cases/${id}/events`, { body: { type: 'ACCEPT' }, headers });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body.version).toBe(2);
    expect((await api.call('GET', `/cases/${id}`)).body.version).toBe(2);
  });

  it('concurrent retries with one key create exactly one case', async () => {
    const headers = { 'idempotency-key': 'storm-0001' };
    const before = (await rowCounts(api.db)).cases;
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => api.call('POST', '/cases', { body: dispute(), headers })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    expect((await rowCounts(api.db)).cases).toBe(before + 1);
  });

  it('the same key with another body is refused', async () => {
    const headers = { 'idempotency-key': 'reuse-0001' };
    await api.call('POST', '/cases', { body: dispute(), headers });
    const before = await rowCounts(api.db);
    const reply = await api.call('POST', '/cases', { body: dispute({ summary: '另一件事' }), headers });
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('idempotency_key_reused');
    expect(await rowCounts(api.db)).toEqual(before);
  });

  it('a refused request does not use up its key', async () => {
    const headers = { 'idempotency-key': 'first-try-bad' };
    const bad = await api.call('POST', '/cases', { body: dispute({ unitCode: 'NOWHERE' }), headers });
    expect(bad.status).toBe(422);
    // Nothing was recorded for the refused request, so the corrected one may use the same key.
    const fixed = await api.call('POST', '/cases', { body: dispute(), headers });
    expect(fixed.status).toBe(201);
    const replay = await api.call('POST', '/cases', { body: dispute(), headers });
    expect(replay.body.id).toBe(fixed.body.id);
  });

  it('keys are per principal and replay a new API key without storing it in the clear', async () => {
    const headers = { 'idempotency-key': 'new-key-0001' };
    const body = { role: 'intake', name: 'Intake desk', unitCode: 'XC-XH' };
    const first = await api.call('POST', '/api-keys', { body, headers });
    const again = await api.call('POST', '/api-keys', { body, headers });
    expect(again.body).toEqual(first.body);
    const [stored] = await api.db.query<{ text: string }>(
      "SELECT to_jsonb(k)::text AS text FROM idempotency_keys k WHERE key = 'new-key-0001'",
    );
    expect(stored!.text).not.toContain(first.body.key);
    expect((await api.db.query('SELECT 1 FROM api_keys WHERE name = $1', ['Intake desk'])).length).toBe(1);
  });

  it('rejects a malformed key', async () => {
    const reply = await api.call('POST', '/cases', {
      body: dispute(),
      headers: { 'idempotency-key': 'x'.repeat(300) },
    });
    expect(reply.status).toBe(400);
  });
});
