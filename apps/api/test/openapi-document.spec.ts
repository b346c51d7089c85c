import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ManualClock } from '#clock';
import { MIGRATE_MACHINE, MIGRATIONS, referralWorkflows, workflows } from '#workflows';
import {
  answerChecker,
  derefSchema,
  dispute,
  loadOpenApi,
  petition,
  routesOf,
  seedDirectory,
  startApiWithProvider,
  TestBrowser,
  SseClient,
  type AnswerChecker,
  type CallOptions,
  type OpenApiDocument,
  type OpenApiSchema,
  type Reply,
  type TestApi,
  type TestProvider,
} from './support/index.js';

const run = promisify(execFile);

/**
 * The OpenAPI document is what integrators and the console's generated client know of Concord: it must lint
 * clean with spectral's `spectral:oas` ruleset (.spectral.yaml), describe every operation fully, reach every
 * event payload of every machine version from the events operations, and describe every answer exactly as the
 * API gives it. The walk below calls every operation of the document with real requests and checks each answer
 * against the document strictly (no undeclared field, no undeclared null, no undeclared status).
 */
describe('the OpenAPI document', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let idp: TestProvider;
  let doc: OpenApiDocument;
  let checker: AnswerChecker;

  beforeAll(async () => {
    // With single sign-on through a provider of its own, so that its routes are walked too.
    ({ api, idp } = await startApiWithProvider({ clock }));
    await seedDirectory(api);
    doc = await loadOpenApi(api);
    checker = answerChecker(doc);
  });
  afterAll(async () => {
    await api?.close();
    await idp?.close();
  });

  it('passes spectral with the spectral:oas ruleset: no error, warning, information or hint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concord-openapi-'));
    try {
      const document = join(dir, 'openapi.json');
      const results = join(dir, 'spectral.json');
      await writeFile(document, JSON.stringify(doc, null, 2));
      // The CLI exits 1 when it finds anything; the findings are in its JSON output either way.
      await run(
        process.execPath,
        [
          'node_modules/@stoplight/spectral-cli/dist/index.js',
          'lint',
          document,
          '--ruleset',
          '.spectral.yaml',
          '--format',
          'json',
          '--output',
          results,
          '--fail-severity',
          'hint',
          '--quiet',
        ],
        { cwd: process.cwd(), timeout: 60_000 },
      ).catch((error: { code?: number }) => {
        if (error.code !== 1) throw error;
      });
      const findings = JSON.parse(await readFile(results, 'utf8')) as Array<{
        code: string;
        severity: number;
        message: string;
        path: string[];
      }>;
      expect(
        findings.map(
          (f) => `${['error', 'warning', 'info', 'hint'][f.severity]} ${f.code} ${f.path.join('.')}: ${f.message}`,
        ),
      ).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('describes every operation: id, summary, description, a declared tag, its answers and its problems', () => {
    const tags = new Set((doc as { tags?: Array<{ name: string; description?: string }> }).tags?.map((t) => t.name));
    const ids = new Set<string>();
    const problems: string[] = [];
    const isProblem = (r?: { content?: Record<string, { schema?: OpenApiSchema }> }) =>
      r?.content?.['application/problem+json']?.schema?.$ref === '#/components/schemas/Problem';
    for (const { method, path, operation: op } of routesOf(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      const fail = (what: string) => problems.push(`${where}: ${what}`);
      const responses = op.responses ?? {};
      const has = (status: number) => Object.hasOwn(responses, String(status));
      if (!op.operationId || !/^[a-z][A-Za-z]+$/.test(op.operationId)) fail(`operationId ${op.operationId}`);
      else if (ids.has(op.operationId)) fail(`operationId ${op.operationId} is used twice`);
      ids.add(op.operationId ?? '');
      if (!op.summary?.trim()) fail('no summary');
      if (!op.description?.trim()) fail('no description');
      if (!op.tags?.length || !op.tags.every((t) => tags.has(t))) fail(`tags ${op.tags} not declared`);
      // A browser navigation (single sign-on) succeeds with a redirect: its Location, and no body.
      const success = Object.entries(responses).filter(([status]) => /^[23]\d\d$/.test(status));
      if (!success.length) fail('no success answer');
      for (const [status, response] of success) {
        const schemas = Object.values(response.content ?? {}).map((m) => m.schema);
        if (status.startsWith('3')) {
          if (schemas.length || !response.headers?.Location) fail(`${status} needs a Location header and no body`);
        } else if (status === '204' ? schemas.length > 0 : !schemas.length || schemas.some((s) => !s))
          fail(`${status} schema`);
      }
      if (!isProblem(responses.default)) fail('no `default` problem answer');
      for (const [status, response] of Object.entries(responses)) {
        // Readiness answers its own body with its 503, naming the failing check; every other refusal is a problem.
        const healthBody = (path === '/api/v1/health' || path === '/api/v1/health/ready') && status === '503';
        if (/^[45]\d\d$/.test(status) && !healthBody && !isProblem(response)) fail(`${status} is not a Problem`);
      }
      // The conventions of apps/api/src/common/api-docs.ts, so that a route added later keeps to them.
      const parameters = op.parameters ?? [];
      if (op.security?.length && !has(401)) fail('takes a key but documents no 401');
      if (parameters.some((p) => p.in === 'query') && !has(400)) fail('takes a query string but documents no 400');
      if (parameters.some((p) => p.in === 'path') && !has(404) && !has(400)) fail('has a path id but no 404');
      if (op.requestBody && ![400, 413, 415, 422].every(has)) fail('takes a body but lacks one of 400 413 415 422');
      if (method === 'post') {
        if (!parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key')) fail('no Idempotency-Key');
        if (!has(422)) fail('a POST (Idempotency-Key reused) documents no 422');
      }
    }
    expect(problems).toEqual([]);
    expect(ids.size).toBe(routesOf(doc).length);
  });

  /** The payload schemas an events operation reaches: its body's `oneOf`, each envelope's `payload.anyOf`. */
  function reachedPayloads(path: string): { types: string[]; payloads: string[] } {
    const body = doc.paths[path]!.post!.requestBody!.content!['application/json']!.schema!;
    const types: string[] = [];
    const payloads: string[] = [];
    const mapping = body.discriminator?.mapping ?? {};
    expect(body.discriminator?.propertyName).toBe('type');
    for (const alternative of body.oneOf ?? []) {
      const envelope = derefSchema(doc, alternative);
      const type = envelope.properties!.type!.enum as string[];
      expect(type).toHaveLength(1);
      expect(mapping[type[0]!]).toBe(alternative.$ref);
      types.push(type[0]!);
      for (const payload of envelope.properties!.payload!.anyOf ?? []) payloads.push(payload.$ref!.split('/').at(-1)!);
    }
    return { types, payloads };
  }

  it('is the document the console is built against (apps/console/src/api/openapi.json; `npm run openapi` refreshes it)', async () => {
    // The console's API types are generated from this copy at build time, so a changed DTO fails the console's
    // type check in `npm run build`, never its users. The copy must be what the API serves.
    const copy = join(process.cwd(), 'apps/console/src/api/openapi.json');
    const served = JSON.stringify(doc, null, 2) + '\n';
    if (process.env.CONCORD_WRITE_OPENAPI === '1') await writeFile(copy, served);
    expect(await readFile(copy, 'utf8')).toBe(served);
  });

  it('reaches every event payload of every case kind, machine version and the referral machine', () => {
    const expected = (machine: string, versions: Record<number, { events: Record<string, unknown> }>) =>
      Object.entries(versions).flatMap(([version, w]) =>
        Object.keys(w.events).map((t) => `${machine}.v${version}.${t}`),
      );
    const cases = reachedPayloads('/api/v1/cases/{id}/events');
    const referrals = reachedPayloads('/api/v1/referrals/{id}/events');
    // MIGRATE_MACHINE, which the engine carries out, for every kind and version a case can be moved from.
    const migrations = MIGRATIONS.map((m) => `${m.kind}.v${m.from}.${MIGRATE_MACHINE}`);
    expect(migrations).toEqual(expect.arrayContaining(['dispute.v1.MIGRATE_MACHINE', 'petition.v1.MIGRATE_MACHINE']));
    const caseEvents = [
      ...Object.entries(workflows).flatMap(([kind, versions]) => expected(kind, versions)),
      ...migrations,
    ];
    expect(cases.payloads.sort()).toEqual(caseEvents.sort());
    expect(referrals.payloads.sort()).toEqual(expected('referral', referralWorkflows).sort());
    expect(new Set(cases.types)).toEqual(new Set(caseEvents.map((n) => n.split('.').at(-1))));
    // Each payload schema is the machine's own: a dispute's REFER names its departments.
    expect(doc.components!.schemas!['dispute.v1.REFER']).toMatchObject({
      type: 'object',
      properties: { departments: { type: 'array' } },
    });
    // A petition's migration asks for its class; a dispute's asks nothing.
    expect(doc.components!.schemas!['petition.v1.MIGRATE_MACHINE']).toMatchObject({
      required: ['toVersion', 'answers', 'reason'],
      properties: {
        answers: {
          required: ['petitionType'],
          properties: { petitionType: { enum: ['suggestion', 'accusation', 'claim'] } },
        },
      },
    });
    expect(doc.components!.schemas!['dispute.v1.MIGRATE_MACHINE']).toMatchObject({ required: ['toVersion', 'reason'] });
  });

  it('describes every answer as the API gives it: each operation walked with real requests', async () => {
    const origin = new URL(api.url).origin;
    const mismatches: string[] = [];
    const answered = new Set<string>();
    const keys = {
      intake: await api.keyFor('intake', { unitCode: 'XC-XH' }),
      auditor: await api.keyFor('auditor'),
    };

    /** Calls the documented `path` (filled with `params`) and checks the answer against the document. */
    async function hit<T = any>(
      method: string,
      path: string,
      expected: number,
      options: CallOptions & { params?: Record<string, string>; query?: string } = {},
    ): Promise<Reply<T>> {
      const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(options.params![name]!));
      const headers: Record<string, string> = { ...options.headers };
      const key = options.key === undefined ? api.adminKey : options.key;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${origin}${filled}${options.query ?? ''}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        redirect: 'manual',
      });
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      const body = /[/+]json/.test(type) && text ? JSON.parse(text) : text;
      const where = `${method} ${path} → ${response.status}`;
      if (response.status !== expected) mismatches.push(`${where}, expected ${expected}: ${text.slice(0, 300)}`);
      for (const error of checker.answer({ method: method.toLowerCase(), path }, response.status, type, body))
        mismatches.push(`${where}: ${error}`);
      if (response.status < 400) answered.add(`${method.toLowerCase()} ${path}`);
      return { status: response.status, body: body as T, headers: response.headers };
    }

    // The directory and keys.
    await hit('POST', '/api/v1/units', 201, {
      body: { code: 'XC-XH-02', name: '新华二社区', level: 'community', parentCode: 'XC-XH' },
    });
    await hit('GET', '/api/v1/units', 200, { query: '?limit=3' });
    await hit('POST', '/api/v1/departments', 201, {
      body: {
        code: 'CIVIL',
        name: '民政局',
        categories: ['neighbour', 'family'],
        webhookUrl: 'https://civil.example/hook',
        webhookSecret: 'civil-webhook-secret-0123',
      },
    });
    await hit('POST', '/api/v1/departments', 201, {
      body: { code: 'JIJIAN', name: '区纪委监委', categories: [], function: 'discipline_inspection' },
    });
    await hit('PUT', '/api/v1/departments/{code}/function', 200, {
      params: { code: 'JIJIAN' },
      body: { function: null },
    });
    await hit('PUT', '/api/v1/departments/{code}/function', 200, {
      params: { code: 'JIJIAN' },
      body: { function: 'discipline_inspection' },
    });
    await hit('PATCH', '/api/v1/units/{code}', 200, { params: { code: 'XC-XH-02' }, body: { name: '新华第二社区' } });
    await hit('PATCH', '/api/v1/units/{code}', 200, { params: { code: 'XC-XH-02' }, body: { retired: true } });
    await hit('PATCH', '/api/v1/units/{code}', 409, { params: { code: 'XC-XH' }, body: { retired: true } });
    await hit('PATCH', '/api/v1/departments/{code}', 200, {
      params: { code: 'CIVIL' },
      body: { name: '区民政局', categories: ['neighbour', 'family', 'elderly_care'] },
    });
    await hit('PATCH', '/api/v1/departments/{code}', 200, {
      params: { code: 'CIVIL' },
      body: { rotateSecret: { overlapHours: 1 } },
    });
    await hit('PATCH', '/api/v1/departments/{code}', 404, { params: { code: 'NOPE' }, body: { name: 'x' } });
    await hit('GET', '/api/v1/departments', 200);
    await hit('GET', '/api/v1/departments', 200, { key: keys.intake });
    const civil = await hit<{ id: string; key: string }>('POST', '/api/v1/api-keys', 201, {
      body: { role: 'department', name: '民政局接口', departmentCode: 'CIVIL', expiresAt: '2027-03-02T09:00:00+08:00' },
    });
    const spare = await hit<{ id: string }>('POST', '/api/v1/api-keys', 201, {
      body: { role: 'mediator', name: '调解员', unitCode: 'XC-XH-01' },
    });
    const rotated = await hit<{ id: string }>('POST', '/api/v1/api-keys/{id}/rotate', 201, {
      params: { id: spare.body.id },
      body: { overlapMinutes: 5 },
    });
    await hit('DELETE', '/api/v1/api-keys/{id}', 204, { params: { id: rotated.body.id } });
    await hit('GET', '/api/v1/api-keys', 200);

    // Staff accounts, and a person signing in, changing the one-time password, and signing out.
    const user = await hit<{ id: string; oneTimePassword: string }>('POST', '/api/v1/users', 201, {
      body: { username: 'walk.user', name: '走查员', unitCode: 'XC-XH', roles: ['mediator'] },
    });
    await hit('POST', '/api/v1/users', 409, {
      body: { username: 'WALK.USER', name: '重名', unitCode: 'XC-XH', roles: ['mediator'] },
    });
    await hit('GET', '/api/v1/users', 200, { query: '?limit=2&role=mediator' });
    await hit('GET', '/api/v1/users/{id}', 200, { params: { id: user.body.id } });
    await hit('PATCH', '/api/v1/users/{id}', 200, { params: { id: user.body.id }, body: { name: '走查员甲' } });
    const reset = await hit<{ oneTimePassword: string }>('POST', '/api/v1/users/{id}/password-reset', 201, {
      params: { id: user.body.id },
    });
    await hit('POST', '/api/v1/session', 401, {
      key: null,
      body: { username: 'walk.user', password: 'wrong-Pass-123' },
    });
    const signedIn = await hit<{ csrfToken: string }>('POST', '/api/v1/session', 200, {
      key: null,
      body: { username: 'walk.user', password: reset.body.oneTimePassword },
    });
    const browser = {
      cookie: signedIn.headers
        .getSetCookie()
        .map((c) => c.split(';')[0]!)
        .join('; '),
      'x-csrf-token': signedIn.body.csrfToken,
    };
    await hit('GET', '/api/v1/me', 200, { key: null, headers: browser });
    await hit('GET', '/api/v1/me', 200);
    await hit('POST', '/api/v1/me/password', 204, {
      key: null,
      headers: browser,
      body: { currentPassword: reset.body.oneTimePassword, newPassword: 'walk-Through-2026' },
    });
    // The person's notices (none yet), and their live stream: its first lines are read, then it is closed.
    await hit('GET', '/api/v1/me/notices', 200, { key: null, headers: browser, query: '?unread=true&limit=5' });
    await hit('POST', '/api/v1/me/notices/read', 200, { key: null, headers: browser, body: { all: true } });
    await hit('GET', '/api/v1/me/notices', 403);
    await hit('GET', '/api/v1/me/notices/stream', 403);
    const stream = await SseClient.open(`${origin}/api/v1/me/notices/stream`, { cookie: browser.cookie });
    const opening = await stream.next();
    stream.close();
    expect(opening).toEqual({ retry: 3000, comment: 'connected' });
    for (const error of checker.answer(
      { method: 'get', path: '/api/v1/me/notices/stream' },
      stream.status,
      stream.headers.get('content-type') ?? '',
      'retry: 3000\n: connected\n\n',
    ))
      mismatches.push(`GET /api/v1/me/notices/stream → ${stream.status}: ${error}`);
    answered.add('get /api/v1/me/notices/stream');
    await hit('DELETE', '/api/v1/session', 204, { key: null, headers: browser });

    // The same person through single sign-on: begun, logged in at the provider, come back signed in; then the same
    // callback again, refused.
    idp.accounts.set('sub-walk', { preferred_username: 'walk.user' });
    const begun = await hit('GET', '/api/v1/session/oidc', 302, { key: null, query: '?next=%2Fcases' });
    const binding = begun.headers.getSetCookie()[0]!.split(';')[0]!;
    const callback = new URL(
      await new TestBrowser().follow(begun.headers.get('location')!, `${api.url}/session/oidc/callback`, 'sub-walk'),
    );
    await hit('GET', '/api/v1/session/oidc/callback', 302, {
      key: null,
      query: callback.search,
      headers: { cookie: binding },
    });
    await hit('GET', '/api/v1/session/oidc/callback', 401, {
      key: null,
      query: callback.search,
      headers: { cookie: binding },
    });

    // A dispute referred to a department that answers it, a dispute merged into it, and a petition.
    const created = await hit<{ id: string; queryCode: string }>('POST', '/api/v1/cases', 201, {
      key: keys.intake,
      body: dispute(),
    });
    const caseId = created.body.id;
    const send = (type: string, payload: object, key = keys.intake) =>
      hit('POST', '/api/v1/cases/{id}/events', 200, { key, params: { id: caseId }, body: { type, payload } });
    await send('ACCEPT', {});
    await send('CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
    const referred = await send('REFER', {
      departments: [{ code: 'CIVIL', role: 'lead' }],
      instructions: '请核查并答复',
    });
    const referralId = (referred.body as { referrals: Array<{ id: string }> }).referrals[0]!.id;
    const duplicate = await hit<{ id: string }>('POST', '/api/v1/cases', 201, { key: keys.intake, body: dispute() });
    await hit('POST', '/api/v1/cases/{id}/events', 200, {
      key: keys.intake,
      params: { id: duplicate.body.id },
      body: { type: 'MERGE', payload: { intoCaseId: caseId } },
    });
    await hit('POST', '/api/v1/cases', 201, { body: petition() });
    // Work queues, read by people: a mediator's (the petition with its clock, the referred dispute with none) and a
    // department person's (the referral, waiting to be acknowledged); an API key has none.
    const signInAs = async (username: string) => {
      const session = await hit<{ csrfToken: string }>('POST', '/api/v1/session', 200, {
        key: null,
        body: { username, password: 'walk-Through-2026' },
      });
      return {
        cookie: session.headers
          .getSetCookie()
          .map((c) => c.split(';')[0]!)
          .join('; '),
      };
    };
    await hit('POST', '/api/v1/users', 201, {
      body: {
        username: 'walk.civil',
        name: '民政局走查员',
        departmentCode: 'CIVIL',
        roles: ['department'],
        password: 'walk-Through-2026',
      },
    });
    const mediatorBrowser = await signInAs('walk.user');
    const unassigned = await hit<{ items: unknown[] }>('GET', '/api/v1/me/queue', 200, {
      key: null,
      headers: mediatorBrowser,
      query: '?view=unassigned',
    });
    expect(unassigned.body.items).toHaveLength(2);
    await hit('GET', '/api/v1/me/queue/counts', 200, { key: null, headers: mediatorBrowser });
    const departmentQueue = await hit<{ items: unknown[] }>('GET', '/api/v1/me/queue', 200, {
      key: null,
      headers: await signInAs('walk.civil'),
      query: '?view=unassigned&kind=dispute',
    });
    expect(departmentQueue.body.items).toHaveLength(1);
    await hit('GET', '/api/v1/me/queue', 403);
    await hit('GET', '/api/v1/me/queue', 400, { key: null, headers: mediatorBrowser, query: '?view=all' });
    await hit('GET', '/api/v1/referrals/{id}', 200, { key: civil.body.key, params: { id: referralId } });
    for (const [type, payload] of [
      ['ACKNOWLEDGE', {}],
      ['ACCEPT', {}],
      ['PROGRESS', { note: '已上门走访' }],
      ['REPLY', { resolved: true, result: '已协调修复' }],
    ] as const) {
      await hit('POST', '/api/v1/referrals/{id}/events', 200, {
        key: civil.body.key,
        params: { id: referralId },
        body: { type, payload },
      });
    }
    await hit('GET', '/api/v1/referrals/{id}', 200, { params: { id: referralId } });
    await hit('GET', '/api/v1/referrals', 200, { key: civil.body.key });
    await hit('GET', '/api/v1/cases', 200, { key: keys.intake, query: '?kind=dispute' });
    await hit('GET', '/api/v1/cases/{id}', 200, { params: { id: caseId } });
    await hit('GET', '/api/v1/cases/{id}', 200, { key: keys.auditor, params: { id: caseId } });
    await hit('GET', '/api/v1/cases/{id}/history', 200, { params: { id: caseId } });

    // Clocks, the calendar and policies.
    await hit('GET', '/api/v1/deadlines', 200);
    await hit('GET', '/api/v1/calendar', 200, { query: '?from=2026-02-01&to=2026-02-28' });
    await hit('PUT', '/api/v1/calendar/overrides/{date}', 200, {
      params: { date: '2026-03-10' },
      body: { kind: 'holiday', name: '防汛' },
    });
    await hit('GET', '/api/v1/calendar/overrides', 200);
    await hit('DELETE', '/api/v1/calendar/overrides/{date}', 204, { params: { date: '2026-03-10' } });
    await hit('GET', '/api/v1/calendar/years', 200);
    await hit('PUT', '/api/v1/calendar/years/{year}', 200, {
      params: { year: '2027' },
      body: {
        source: '国办发明电〔2026〕X号',
        holidays: [
          { date: '2027-01-01', name: '元旦' },
          { date: '2027-02-08', name: '春节' },
          { date: '2027-02-09', name: '春节' },
        ],
        workdays: [{ date: '2027-02-20', name: '春节' }],
      },
    });
    await hit('GET', '/api/v1/calendar/years/{year}', 200, { params: { year: '2027' } });
    await hit('GET', '/api/v1/deadline-policies', 200);
    const policy = await hit<{ id: string }>('PUT', '/api/v1/deadline-policies', 200, {
      body: { key: 'dispute.intake', unitCode: 'XC-XH', amount: 4, unit: 'working_days' },
    });
    await hit('DELETE', '/api/v1/deadline-policies/{id}', 204, { params: { id: policy.body.id } });

    // Deliveries of the referral's events to the department's webhook (no worker runs: they are pending).
    const deliveries = await hit<{ items: Array<{ id: string }> }>('GET', '/api/v1/admin/deliveries', 200);
    await hit('GET', '/api/v1/admin/deliveries/{id}', 200, { params: { id: deliveries.body.items[0]!.id } });
    await hit('POST', '/api/v1/admin/deliveries/{id}/replay', 200, { params: { id: deliveries.body.items[0]!.id } });
    await hit('POST', '/api/v1/admin/deliveries/replay', 200, { body: {} });

    // The auditor's reads.
    await hit('GET', '/api/v1/audit/cases/{id}/state', 200, { key: keys.auditor, params: { id: caseId } });
    await hit('GET', '/api/v1/audit/events', 200, { key: keys.auditor });
    await hit('GET', '/api/v1/audit/verify', 200, { key: keys.auditor });
    await hit('GET', '/api/v1/audit/verify', 200, { key: keys.auditor, query: `?caseId=${caseId}` });
    await hit('GET', '/api/v1/audit/anchors', 200, { key: keys.auditor });
    await hit('POST', '/api/v1/audit/cases/{id}/unmask', 200, {
      key: keys.auditor,
      params: { id: caseId },
      body: { reason: '复核' },
    });
    await hit('GET', '/api/v1/audit/security-log', 200, { key: keys.auditor });
    await hit('GET', '/api/v1/audit/export', 200, { key: keys.auditor, query: '?format=csv' });
    const jsonl = await hit<string>('GET', '/api/v1/audit/export', 200, { key: keys.auditor });
    const lines = jsonl.body.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines)
      for (const error of checker.component('AuditEvent', JSON.parse(line))) mismatches.push(`export line: ${error}`);
    await hit('GET', '/api/v1/stats/kpis', 200, { key: keys.auditor });
    // The machine definitions the console draws: every version of every kind, as documented.
    for (const [kind, versions] of [...Object.entries(workflows), ['referral', referralWorkflows] as const])
      for (const version of Object.keys(versions))
        await hit('GET', '/api/v1/machines/{kind}/versions/{version}', 200, { params: { kind, version } });
    await hit('GET', '/api/v1/machines/{kind}/versions/{version}', 404, { params: { kind: 'dispute', version: '9' } });
    await hit('GET', '/api/v1/machines/{kind}/versions/{version}', 400, { params: { kind: 'dispute', version: 'x' } });

    // The public and operational routes.
    await hit('GET', '/api/v1/public/progress/{queryCode}', 200, {
      key: null,
      params: { queryCode: created.body.queryCode },
    });
    await hit('GET', '/api/v1', 200, { key: null });
    await hit('GET', '/api/v1/health', 200, { key: null });
    await hit('GET', '/metrics', 200, { key: null });

    // An operation that needs no input and is not called above (one added later) is called as it is.
    for (const { path, operation } of routesOf(doc, ['get'])) {
      if (answered.has(`get ${path}`) || path.includes('{') || operation.parameters?.some((p) => p.required)) continue;
      await hit('GET', path, 200, { key: operation.security?.length ? api.adminKey : null });
    }

    // Refusals are problems, with the statuses the document gives their operation.
    await hit('GET', '/api/v1/cases', 401, { key: null });
    await hit('GET', '/api/v1/cases', 400, { query: '?limit=0' });
    await hit('POST', '/api/v1/cases', 403, { key: keys.auditor, body: dispute() });
    await hit('POST', '/api/v1/cases', 422, { body: { ...dispute(), parties: 'none' } });
    await hit('GET', '/api/v1/cases/{id}', 404, { params: { id: randomUUID() } });
    await hit('POST', '/api/v1/cases/{id}/events', 409, {
      params: { id: caseId },
      body: { type: 'ACCEPT', payload: {} },
    });
    await hit('POST', '/api/v1/cases/{id}/events', 403, {
      params: { id: caseId },
      body: { type: 'DEADLINE_ELAPSED', payload: { deadlineId: randomUUID() } },
    });
    await hit('GET', '/api/v1/public/progress/{queryCode}', 404, { key: null, params: { queryCode: 'NOSUCHCODE00' } });

    expect(mismatches).toEqual([]);
    const unanswered = routesOf(doc)
      .map((r) => `${r.method} ${r.path}`)
      .filter((operation) => !answered.has(operation));
    expect(unanswered).toEqual([]);
  });
});
