import { dispute, rowCounts, seedDirectory, startTestApi, type TestApi } from './support/index.js';

describe('every route checks the key, the role and the scope', () => {
  let api: TestApi;
  const keys: Record<string, string> = {};
  let caseId: string;

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
    keys.admin = api.adminKey;
    keys.intake = await api.keyFor('intake', { unitCode: 'XC-XH' });
    keys.mediator = await api.keyFor('mediator', { unitCode: 'XC-XH-01' });
    keys.auditor = await api.keyFor('auditor');
    keys.department = await api.keyFor('department', { departmentCode: 'POLICE' });
    keys.otherStreet = await api.keyFor('mediator', { unitCode: 'XC-YL' });
    keys.scopedAdmin = await api.keyFor('admin', { unitCode: 'XC-XH' });
    caseId = (await api.call('POST', '/cases', { key: keys.intake, body: dispute() })).body.id;
  });
  afterAll(() => api.close());

  /** Every route with a body that would pass validation, and the roles that may call it. */
  const routes = () => [
    { method: 'POST', path: '/api-keys', body: { role: 'intake', name: 'x', unitCode: 'XC-XH' }, roles: ['admin'] },
    { method: 'GET', path: '/api-keys', roles: ['admin'] },
    { method: 'DELETE', path: '/api-keys/01a206fc-0168-788c-88a6-93199b8a6775', roles: ['admin'] },
    {
      method: 'POST',
      path: '/api-keys/01a206fc-0168-788c-88a6-93199b8a6775/rotate',
      body: { overlapMinutes: 5 },
      roles: ['admin'],
    },
    { method: 'GET', path: '/audit/security-log', roles: ['admin', 'auditor'] },
    {
      method: 'POST',
      path: '/units',
      body: { code: 'XC-YL-02', name: 'x', level: 'community', parentCode: 'XC-YL' },
      roles: ['admin'],
    },
    { method: 'GET', path: '/units', roles: ['admin', 'intake', 'mediator', 'department', 'auditor'] },
    {
      method: 'POST',
      path: '/departments',
      body: { code: 'CIVIL', name: '民政局', categories: ['family'] },
      roles: ['admin'],
    },
    { method: 'GET', path: '/departments', roles: ['admin', 'intake', 'mediator', 'department', 'auditor'] },
    { method: 'POST', path: '/cases', body: dispute(), roles: ['admin', 'intake', 'mediator'] },
    { method: 'GET', path: '/cases', roles: ['admin', 'intake', 'mediator', 'auditor'] },
    { method: 'GET', path: `/cases/${caseId}`, roles: ['admin', 'intake', 'mediator', 'auditor'] },
    {
      method: 'POST',
      path: `/cases/${caseId}/events`,
      body: { type: 'ADD_NOTE', payload: { text: 'x' } },
      roles: ['admin', 'intake', 'mediator'],
    },
    { method: 'GET', path: `/cases/${caseId}/history`, roles: ['admin', 'intake', 'mediator', 'auditor'] },
    { method: 'GET', path: '/deadlines', roles: ['admin', 'intake', 'mediator', 'auditor'] },
    {
      method: 'GET',
      path: '/calendar?from=2026-03-01&to=2026-03-02',
      roles: ['admin', 'intake', 'mediator', 'department', 'auditor'],
    },
    { method: 'GET', path: '/calendar/overrides', roles: ['admin', 'auditor'] },
    { method: 'PUT', path: '/calendar/overrides/2026-03-03', body: { kind: 'holiday', name: 'x' }, roles: ['admin'] },
    { method: 'DELETE', path: '/calendar/overrides/2026-03-03', roles: ['admin'] },
    { method: 'GET', path: '/deadline-policies', roles: ['admin', 'auditor'] },
    {
      method: 'PUT',
      path: '/deadline-policies',
      body: { key: 'dispute.intake', amount: 2, unit: 'working_days' },
      roles: ['admin'],
    },
    { method: 'DELETE', path: '/deadline-policies/01a206fc-0168-788c-88a6-93199b8a6775', roles: ['admin'] },
  ];

  it('a missing or unknown key is a 401 with WWW-Authenticate, and writes nothing', async () => {
    for (const route of routes()) {
      for (const key of [null, 'ck_admin_not-a-real-key-at-all-000000000000']) {
        const before = await rowCounts(api.db);
        const reply = await api.call(route.method, route.path, { key, body: route.body });
        expect({ route: route.path, status: reply.status }).toEqual({ route: route.path, status: 401 });
        expect(reply.headers.get('www-authenticate')).toBe('Bearer');
        expect(reply.body.code).toBe('unauthenticated');
        expect(await rowCounts(api.db)).toEqual(before);
      }
    }
    const malformed = await api.call('GET', '/cases', {
      key: null,
      headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
    });
    expect(malformed.status).toBe(401);
  });

  it('a role the route does not allow is a 403 and writes nothing', async () => {
    for (const route of routes()) {
      for (const role of ['admin', 'intake', 'mediator', 'department', 'auditor']) {
        if (route.roles.includes(role)) continue;
        const before = await rowCounts(api.db);
        const reply = await api.call(route.method, route.path, { key: keys[role], body: route.body });
        expect({ route: `${route.method} ${route.path}`, role, status: reply.status }).toEqual({
          route: `${route.method} ${route.path}`,
          role,
          status: 403,
        });
        expect(await rowCounts(api.db)).toEqual(before);
      }
    }
  });

  it('out-of-scope cases are not found, for reads and writes alike', async () => {
    const key = keys.otherStreet;
    expect((await api.call('GET', `/cases/${caseId}`, { key })).status).toBe(404);
    expect((await api.call('GET', `/cases/${caseId}/history`, { key })).status).toBe(404);
    const before = await rowCounts(api.db);
    expect((await api.call('POST', `/cases/${caseId}/events`, { key, body: { type: 'ACCEPT' } })).status).toBe(404);
    expect(await rowCounts(api.db)).toEqual(before);
    const list = await api.call('GET', '/cases', { key });
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(caseId);
    // The parent street sees it; a case in its subtree is in scope.
    expect((await api.call('GET', `/cases/${caseId}`, { key: keys.intake })).status).toBe(200);
    expect(
      (await api.call('GET', '/cases', { key: keys.intake })).body.items.map((c: { id: string }) => c.id),
    ).toContain(caseId);
  });

  it('creating outside one’s scope is refused', async () => {
    const before = await rowCounts(api.db);
    const reply = await api.call('POST', '/cases', { key: keys.mediator, body: dispute({ unitCode: 'XC-YL-01' }) });
    expect(reply.status).toBe(403);
    expect(await rowCounts(api.db)).toEqual(before);
    const key = await api.call('POST', '/api-keys', {
      key: keys.scopedAdmin,
      body: { role: 'admin', name: 'escalate myself' },
    });
    expect(key.status).toBe(403);
    const unit = await api.call('POST', '/units', {
      key: keys.scopedAdmin,
      body: { code: 'DC-X', name: 'x', level: 'street', parentCode: 'DC' },
    });
    expect(unit.status).toBe(403);
  });

  it('PII is masked for roles that do not need it', async () => {
    const full = await api.call('GET', `/cases/${caseId}`, { key: keys.mediator });
    expect(full.body.parties[0]).toMatchObject({
      name: '王小明',
      phone: '+8613812345678',
      idNumber: '110101199003071234',
      masked: false,
    });
    const masked = await api.call('GET', `/cases/${caseId}`, { key: keys.auditor });
    expect(masked.body.parties[0]).toMatchObject({
      name: '王**',
      phone: '*********5678',
      idNumber: '**************1234',
      masked: true,
    });
    expect(JSON.stringify(masked.body)).not.toMatch(/王小明|13812345678|110101199003071234|李大华|13987654321/);
  });

  it('department webhook URLs are shown to admins only; secrets to nobody', async () => {
    await api.call('POST', '/departments', {
      body: {
        code: 'MARKET',
        name: '市场监管局',
        categories: ['consumer'],
        webhookUrl: 'https://market.example/hooks',
        webhookSecret: 'a-very-secret-value-1234',
      },
    });
    const asAdmin = await api.call('GET', '/departments?limit=200');
    const asIntake = await api.call('GET', '/departments?limit=200', { key: keys.intake });
    expect(asAdmin.body.items.find((d: { code: string }) => d.code === 'MARKET').webhookUrl).toBe(
      'https://market.example/hooks',
    );
    expect(asIntake.body.items.find((d: { code: string }) => d.code === 'MARKET').webhookUrl).toBeNull();
    expect(JSON.stringify([asAdmin.body, asIntake.body])).not.toContain('a-very-secret-value-1234');
    const [stored] = await api.db.query<{ webhook_secret: string }>(
      "SELECT webhook_secret FROM departments WHERE code = 'MARKET'",
    );
    expect(stored!.webhook_secret).not.toContain('a-very-secret-value-1234');
  });

  it('health is public and reports both stores', async () => {
    const reply = await api.call('GET', '/health', { key: null });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'ok', checks: { postgres: { ok: true }, redis: { ok: true } } });
  });

  it('the OpenAPI document lists every route and every event payload', async () => {
    const response = await fetch(api.url.replace('/api/v1', '/docs-json'));
    const doc = (await response.json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    for (const path of [
      '/api/v1/api-keys',
      '/api/v1/units',
      '/api/v1/departments',
      '/api/v1/cases',
      '/api/v1/cases/{id}',
      '/api/v1/cases/{id}/events',
      '/api/v1/cases/{id}/history',
      '/api/v1/health',
      '/api/v1/deadlines',
      '/api/v1/calendar',
      '/api/v1/calendar/overrides/{date}',
      '/api/v1/deadline-policies',
      '/api/v1/api-keys/{id}',
      '/api/v1/api-keys/{id}/rotate',
      '/api/v1/audit/security-log',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.components.schemas['dispute.v1.REFER']).toMatchObject({ type: 'object' });
    expect(doc.components.schemas['petition.v1.ISSUE_OPINION']).toMatchObject({ type: 'object' });
  });
});
