import { randomUUID } from 'node:crypto';
import {
  dispute,
  petition,
  sampleOf,
  seedDirectory,
  startTestApi,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiSchema,
  type TestApi,
} from './support/index.js';

type Operation = OpenApiOperation;
type Schema = OpenApiSchema;
type OpenApi = OpenApiDocument;

const WRITES = ['post', 'put', 'patch', 'delete'];
/** The one write-shaped route that is a read: the auditor's explicit, logged unmask. Checked on its own below. */
const UNMASK = /^\/api\/v1\/audit\/cases\/\{[^}]+\}\/unmask$/;

/**
 * docs/architecture.md, "Guarantees": an auditor can read but never write. Every write route of the OpenAPI
 * document — so a route added later is covered without touching this file — answers an auditor key 403 and
 * changes no row of any table.
 */
describe('auditors read everything and write nothing', () => {
  let api: TestApi;
  let doc: OpenApi;
  const keys: Record<string, string> = {};
  const ids: Record<string, string> = {};

  /** Every table of the schema, with a digest of its whole content: "nothing changed" means none of them did. */
  async function fingerprint(except: string[] = []): Promise<Record<string, string>> {
    const tables = await api.db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    // api_key_usage is the bookkeeping of authentication (when a key was last used), not data a request changed.
    const names = tables.map((t) => t.name).filter((n) => n !== 'api_key_usage' && !except.includes(n));
    const [row] = await api.db.query<Record<string, string>>(
      `SELECT ${names.map((n) => `(SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM "${n}" t) AS "${n}"`).join(', ')}`,
    );
    return row!;
  }

  /** A value of the right shape for a path parameter: a real id of the collection it follows. */
  function pathValue(path: string, name: string): string {
    const collection = path
      .split('/')
      .slice(0, path.split('/').indexOf(`{${name}}`))
      .at(-1);
    const byCollection: Record<string, string | undefined> = {
      cases: ids.case,
      referrals: ids.referral,
      'deadline-policies': ids.policy,
      overrides: '2026-03-03',
      deliveries: ids.delivery,
      'api-keys': ids.apiKey,
      units: 'XC-XH',
      departments: 'JUSTICE',
      anchors: '2026-03-02',
      years: '2027',
    };
    return byCollection[collection ?? ''] ?? ids.case!;
  }
  const fill = (path: string) =>
    path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(pathValue(path, name)));

  /** A plausible value from a schema, with a real case id for a uuid. */
  const sample = (raw: Schema | undefined): unknown =>
    sampleOf(doc, raw, (format) =>
      format === 'date-time' ? '2026-03-02T09:00:00+08:00' : format === 'uuid' ? ids.case! : 'x',
    );
  /** Bodies a real client of these routes would send; the rest come from the document's schemas. */
  const KNOWN_BODIES: Record<string, unknown> = {
    'post /api/v1/cases': dispute(),
    'post /api/v1/cases/{id}/events': { type: 'ADD_NOTE', payload: { text: '审计员不能写' } },
    'post /api/v1/referrals/{id}/events': { type: 'ACKNOWLEDGE', payload: {} },
    'post /api/v1/api-keys': { role: 'auditor', name: 'another auditor' },
    'post /api/v1/units': { code: 'XC-YL-02', name: '月坛二社区', level: 'community', parentCode: 'XC-YL' },
    'post /api/v1/departments': { code: 'CIVIL', name: '民政局', categories: ['family'] },
    'put /api/v1/calendar/overrides/{date}': { kind: 'holiday', name: '审计' },
    'put /api/v1/calendar/years/{year}': {
      source: '审计',
      holidays: [{ date: '2027-01-01', name: '元旦' }],
      workdays: [],
    },
    'put /api/v1/deadline-policies': { key: 'dispute.intake', amount: 1, unit: 'working_days' },
  };
  function bodyFor(method: string, path: string, operation: Operation): unknown {
    const known = KNOWN_BODIES[`${method} ${path}`];
    if (known !== undefined) return known;
    const schema = operation.requestBody?.content?.['application/json']?.schema;
    return schema ? sample(schema) : method === 'delete' ? undefined : {};
  }
  /** Required query parameters, filled in. */
  function queryFor(operation: Operation): string {
    const now = new Date().toISOString();
    const values: Record<string, string> = {
      caseId: ids.case!,
      asOf: now,
      from: '2026-01-01T00:00:00Z',
      to: now,
      date: '2026-03-02',
    };
    const params = (operation.parameters ?? []).filter((p) => p.in === 'query' && p.required);
    const pairs = params.map((p): [string, string] => [p.name, values[p.name] ?? String(sample(p.schema))]);
    return pairs.length ? `?${new URLSearchParams(pairs).toString()}` : '';
  }
  const operations = (methods: string[]) =>
    Object.entries(doc.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod)
        .filter(([method]) => methods.includes(method))
        .map(([method, operation]) => ({ method, path, operation })),
    );
  const call = (key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    api.call(method.toUpperCase(), `${fill(path).replace(/^\/api\/v1/, '')}`, { key, body, headers });

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
    keys.auditor = await api.keyFor('auditor');
    keys.streetAuditor = await api.keyFor('auditor', { unitCode: 'XC-XH' });
    keys.otherStreetAuditor = await api.keyFor('auditor', { unitCode: 'XC-YL' });
    keys.intake = await api.keyFor('intake');
    keys.mediator = await api.keyFor('mediator');
    keys.department = await api.keyFor('department', { departmentCode: 'JUSTICE' });

    // Real rows for every kind of path id: a case with a referral, a petition, a policy, an override, a delivery.
    const created = await api.call('POST', '/cases', { body: dispute() });
    ids.case = created.body.id;
    for (const [type, payload] of [
      ['ACCEPT', {}],
      ['CLASSIFY', { category: 'neighbour', riskLevel: 'medium' }],
      ['REFER', { departmentCode: 'JUSTICE', instructions: '请司法所调处' }],
    ] as const) {
      expect((await api.call('POST', `/cases/${ids.case}/events`, { body: { type, payload } })).status).toBe(200);
    }
    ids.referral = (await api.call('GET', `/cases/${ids.case}`)).body.referrals[0].id;
    await api.call('POST', '/cases', { body: petition() });
    const policy = await api.call('PUT', '/deadline-policies', {
      body: { key: 'dispute.triage', amount: 4, unit: 'working_days' },
    });
    ids.policy = policy.body.id;
    expect(
      (await api.call('PUT', '/calendar/overrides/2026-03-03', { body: { kind: 'holiday', name: '防汛' } })).status,
    ).toBe(200);
    const [delivery] = await api.db.query<{ id: string }>('SELECT id FROM deliveries LIMIT 1');
    ids.delivery = delivery?.id ?? randomUUID();
    const [apiKey] = await api.db.query<{ id: string }>(`SELECT id FROM api_keys WHERE role = 'intake' LIMIT 1`);
    ids.apiKey = apiKey!.id;

    const response = await fetch(`${api.url.replace(/\/api\/v1$/, '')}/docs-json`);
    expect(response.status).toBe(200);
    doc = (await response.json()) as OpenApi;
  });
  afterAll(() => api.close());

  it('finds the write routes in the OpenAPI document', () => {
    const writes = operations(WRITES).map((o) => `${o.method.toUpperCase()} ${o.path}`);
    expect(writes).toEqual(
      expect.arrayContaining([
        'POST /api/v1/cases',
        'POST /api/v1/cases/{id}/events',
        'POST /api/v1/referrals/{id}/events',
        'POST /api/v1/api-keys',
        'DELETE /api/v1/api-keys/{id}',
        'POST /api/v1/api-keys/{id}/rotate',
        'POST /api/v1/units',
        'POST /api/v1/departments',
        'PUT /api/v1/calendar/overrides/{date}',
        'DELETE /api/v1/calendar/overrides/{date}',
        'PUT /api/v1/calendar/years/{year}',
        'PUT /api/v1/deadline-policies',
        'DELETE /api/v1/deadline-policies/{id}',
        'POST /api/v1/audit/cases/{id}/unmask',
      ]),
    );
  });

  it('every write route answers an auditor 403 and changes nothing, whatever its scope', async () => {
    // Signing in is open to anyone (an auditor's key sending it is a failed sign-in, 401), so it is left out.
    const writes = operations(WRITES).filter(
      (o) => !UNMASK.test(o.path) && !(o.method === 'post' && o.path === '/api/v1/session'),
    );
    expect(writes.length).toBeGreaterThanOrEqual(10);
    for (const key of [keys.auditor!, keys.streetAuditor!]) {
      for (const { method, path, operation } of writes) {
        const before = await fingerprint();
        const body = bodyFor(method, path, operation);
        const headers: Record<string, string> =
          method === 'post' ? { 'idempotency-key': `auditor-${randomUUID()}` } : {};
        const reply = await call(key, method, `${path}${queryFor(operation)}`, body, headers);
        const route = `${method.toUpperCase()} ${path}`;
        expect({ route, status: reply.status, code: reply.body?.code }).toEqual({
          route,
          status: 403,
          code: 'forbidden',
        });
        expect({ route, tables: await fingerprint() }).toEqual({ route, tables: before });
      }
    }
  });

  it('every audit read answers an auditor (only those routes that exist)', async () => {
    const reads = operations(['get']).filter((o) => /^\/api\/v1\/(audit|stats)\//.test(o.path));
    expect(reads.map((r) => r.path)).toContain('/api/v1/stats/kpis');
    for (const { method, path, operation } of reads) {
      // Raw: an export streams JSON Lines, not one JSON document.
      const response = await fetch(`${api.url}${fill(path).replace(/^\/api\/v1/, '')}${queryFor(operation)}`, {
        method: method.toUpperCase(),
        headers: { authorization: `Bearer ${keys.auditor}` },
      });
      const text = await response.text();
      const route = `GET ${path}`;
      expect({ route, status: response.status, body: response.status === 200 ? null : text }).toEqual({
        route,
        status: 200,
        body: null,
      });
    }
  });

  describe('unmask: the one way an auditor sees PII', () => {
    const path = () => `/audit/cases/${ids.case}/unmask`;
    const unmaskLog = () =>
      api.db.query<{
        principal_id: string;
        principal_role: string;
        case_id: string;
        detail: { reason: string };
        at: Date;
      }>(
        `SELECT principal_id, principal_role, case_id, detail, at FROM audit_access_log WHERE action = 'audit.unmask' ORDER BY at, id`,
      );

    it('the auditor’s case read stays masked', async () => {
      const view = await api.call('GET', `/cases/${ids.case}`, { key: keys.auditor });
      expect(view.body.parties.every((p: { masked: boolean }) => p.masked)).toBe(true);
      expect(JSON.stringify(view.body)).not.toMatch(/王小明|13812345678|110101199003071234|李大华/);
    });

    it('records an auditor’s reads of a case and of its history, and not another role’s', async () => {
      const reads = () =>
        api.db.query<{ action: string; case_id: string; principal_role: string }>(
          `SELECT action, case_id, principal_role FROM audit_access_log WHERE action LIKE 'cases.%' ORDER BY at, id`,
        );
      const before = (await reads()).length;
      expect((await api.call('GET', `/cases/${ids.case}`, { key: keys.auditor })).status).toBe(200);
      expect((await api.call('GET', `/cases/${ids.case}/history`, { key: keys.auditor })).status).toBe(200);
      expect((await api.call('GET', `/cases/${ids.case}`, { key: keys.mediator })).status).toBe(200);
      expect((await reads()).slice(before)).toEqual([
        { action: 'cases.read', case_id: ids.case, principal_role: 'auditor' },
        { action: 'cases.history', case_id: ids.case, principal_role: 'auditor' },
      ]);
    });

    it('answers the parties unmasked, records who, which case and why before answering, and writes nothing else', async () => {
      const before = await fingerprint(['audit_access_log']);
      const logged = (await unmaskLog()).length;
      const reason = '纪检复核：核实申请人身份信息';
      const reply = await api.call('POST', path(), { key: keys.auditor, body: { reason } });
      expect(reply.status).toBe(200);
      const admin = (await api.call('GET', `/cases/${ids.case}`)).body;
      expect(reply.body).toEqual({ caseId: ids.case, parties: admin.parties, reason, at: expect.any(String) });
      expect(reply.body.parties[0]).toMatchObject({
        name: '王小明',
        phone: '+8613812345678',
        idNumber: '110101199003071234',
        masked: false,
      });

      const log = await unmaskLog();
      expect(log).toHaveLength(logged + 1);
      expect(log.at(-1)).toMatchObject({ principal_role: 'auditor', case_id: ids.case, detail: { reason } });
      expect(Math.abs(log.at(-1)!.at.getTime() - Date.parse(reply.body.at))).toBeLessThan(1_000);
      expect(await fingerprint(['audit_access_log'])).toEqual(before);
      // The log keeps the reason, not the PII it disclosed.
      expect(JSON.stringify(log)).not.toMatch(/王小明|13812345678|110101199003071234/);
    });

    it('a replay with the same Idempotency-Key gets the first answer, stored sealed', async () => {
      const headers = { 'idempotency-key': `unmask-${randomUUID()}` };
      const body = { reason: '法院调卷' };
      const first = await api.call('POST', path(), { key: keys.auditor, body, headers });
      const again = await api.call('POST', path(), { key: keys.auditor, body, headers });
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      const stored = await api.db.query<{ text: string }>(
        'SELECT to_jsonb(k)::text AS text FROM idempotency_keys k WHERE key = $1',
        [headers['idempotency-key']],
      );
      expect(stored).toHaveLength(1);
      expect(stored[0]!.text).not.toMatch(/王小明|13812345678|110101199003071234/);
    });

    it('needs a reason of 1 to 500 characters; a refusal records nothing', async () => {
      const logged = (await unmaskLog()).length;
      for (const body of [
        {},
        { reason: '' },
        { reason: '   ' },
        { reason: 'x'.repeat(501) },
        { reason: 42 },
        { reason: 'ok', extra: 1 },
      ]) {
        const reply = await api.call('POST', path(), { key: keys.auditor, body });
        expect({ body, status: reply.status }).toEqual({ body, status: 422 });
      }
      expect((await api.call('POST', path(), { key: keys.auditor, body: { reason: 'x'.repeat(500) } })).status).toBe(
        200,
      );
      expect((await unmaskLog()).length).toBe(logged + 1);
    });

    it('is scoped: a case outside the auditor’s units, or no case at all, is not found and not logged', async () => {
      const logged = (await unmaskLog()).length;
      expect((await api.call('POST', path(), { key: keys.streetAuditor, body: { reason: '本街道复核' } })).status).toBe(
        200,
      );
      const outside = await api.call('POST', path(), { key: keys.otherStreetAuditor, body: { reason: '越权查看' } });
      expect(outside.status).toBe(404);
      for (const id of [randomUUID(), 'not-a-uuid']) {
        expect(
          (await api.call('POST', `/audit/cases/${id}/unmask`, { key: keys.auditor, body: { reason: '核查' } })).status,
        ).toBe(404);
      }
      expect((await unmaskLog()).length).toBe(logged + 1);
    });

    it('admins may too (logged); intake, mediators and departments may not', async () => {
      const logged = (await unmaskLog()).length;
      expect((await api.call('POST', path(), { body: { reason: '管理员核查' } })).status).toBe(200);
      for (const role of ['intake', 'mediator', 'department']) {
        const reply = await api.call('POST', path(), { key: keys[role], body: { reason: '想看看' } });
        expect({ role, status: reply.status }).toEqual({ role, status: 403 });
      }
      expect((await api.call('POST', path(), { key: null, body: { reason: 'x' } })).status).toBe(401);
      const log = await unmaskLog();
      expect(log.length).toBe(logged + 1);
      expect(log.at(-1)!.principal_role).toBe('admin');
    });
  });
});
