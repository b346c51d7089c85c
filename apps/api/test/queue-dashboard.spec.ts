import { ManualClock } from '#clock';
import { OutboxRelay } from '#outbox';
import { createQueues, createRedis, QueueName } from '#queues';
import { dispute, seedDirectory, startTestApi, type TestApi } from './support/index.js';

describe('the queue dashboard (/admin/queues)', () => {
  let api: TestApi;
  let board: string;

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
    board = `${new URL(api.url).origin}/admin/queues`;
  });
  afterAll(async () => {
    await api.close();
  });

  const get = (path: string, authorization?: string) =>
    fetch(`${board}${path}`, { headers: authorization ? { authorization } : {} });
  const basic = (key: string) => `Basic ${Buffer.from(`admin:${key}`).toString('base64')}`;

  it('is refused without a key, with an unknown one, and to every key but an unscoped admin', async () => {
    for (const path of ['', '/api/queues']) {
      const none = await get(path);
      expect(none.status).toBe(401);
      expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm="Concord queues"/);
      expect(await none.json()).toMatchObject({ status: 401, code: 'unauthenticated' });
      expect((await get(path, `Bearer ${api.adminKey}x`)).status).toBe(401);
      expect((await get(path, basic(`${api.adminKey}x`))).status).toBe(401);
    }
    const scopedAdmin = await api.keyFor('admin', { unitCode: 'XC-XH' });
    for (const key of [await api.keyFor('intake'), await api.keyFor('auditor'), scopedAdmin]) {
      const refused = await get('/api/queues', `Bearer ${key}`);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ status: 403, code: 'forbidden' });
    }
  });

  it('serves an unscoped admin, by bearer key or as the Basic password, and shows jobs without PII', async () => {
    const page = await get('', `Bearer ${api.adminKey}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('Concord queues');
    expect((await get('', basic(api.adminKey))).status).toBe(200);

    // A case with PII, its outbox rows relayed to the queues the board reads.
    const created = await api.call('POST', '/cases', { body: dispute() });
    expect(created.status).toBe(201);
    const redis = createRedis(api.config.redisUrl);
    const queues = createQueues(redis, api.config.queuePrefix);
    try {
      while ((await new OutboxRelay(api.db, queues, new ManualClock()).relayOnce()) > 0);
      const listed = await get(
        `/api/queues?activeQueue=${QueueName.Notifications}&status=waiting&page=1`,
        basic(api.adminKey),
      );
      expect(listed.status).toBe(200);
      const text = await listed.text();
      const notifications = (
        JSON.parse(text) as { queues: Array<{ name: string; jobs: Array<{ data: any }> }> }
      ).queues.find((q) => q.name === QueueName.Notifications)!;
      expect(notifications.jobs.map((j) => j.data.caseId)).toContain(created.body.id);
      for (const pii of ['王小明', '13812345678', '110101199003071234', '李大华', '13987654321'])
        expect([pii, text.includes(pii)]).toEqual([pii, false]);
    } finally {
      await Promise.all([...queues.values()].map((q) => q.close()));
      await redis.quit();
    }
  });

  it('serves an unscoped admin signed in with a session cookie, and no other person', async () => {
    const password = 'Queue-board-2026';
    const signIn = async (username: string, extra: Record<string, unknown>) => {
      const made = await api.call('POST', '/users', { body: { username, name: username, password, ...extra } });
      expect(made.status).toBe(201);
      const reply = await api.call('POST', '/session', { key: null, body: { username, password } });
      return reply.headers
        .getSetCookie()
        .map((c) => c.split(';')[0]!)
        .join('; ');
    };
    const asCookie = (cookie: string, method = 'GET') => fetch(`${board}/api/queues`, { method, headers: { cookie } });
    const admin = await signIn('board.admin', { roles: ['admin'] });
    expect((await asCookie(admin)).status).toBe(200);
    const scoped = await signIn('board.street', { roles: ['admin'], unitCode: 'XC-XH' });
    expect((await asCookie(scoped)).status).toBe(403);
    const mediator = await signIn('board.mediator', { roles: ['mediator'], unitCode: 'XC-XH' });
    expect((await asCookie(mediator)).status).toBe(403);
    expect((await asCookie('concord_session=cs_not-a-session')).status).toBe(401);
  });

  it('is read-only: every queue says so, and no action changes a job', async () => {
    const listed = await get('/api/queues', `Bearer ${api.adminKey}`);
    expect(listed.status).toBe(200);
    const { queues } = (await listed.json()) as { queues: Array<{ name: string; readOnlyMode: boolean }> };
    expect(queues.map((q) => [q.name, q.readOnlyMode]).sort()).toEqual(
      Object.values(QueueName)
        .map((name) => [name, true])
        .sort(),
    );
    const retry = await fetch(`${board}/api/queues/${QueueName.Notifications}/retry/failed`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${api.adminKey}` },
    });
    expect(retry.status).toBeGreaterThanOrEqual(400);
  });
});
