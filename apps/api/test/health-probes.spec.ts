import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { adminQuery, ENV, LogCapture, startTestApi, testRedisUrl, type TestApi } from './support/index.js';

/** A real TCP relay to the test Redis that the test can cut: Redis, as this API sees it, goes away. */
class RedisLink {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private port = 0;

  constructor() {
    const target = new URL(testRedisUrl());
    this.server = createServer((client) => {
      const upstream = createConnection(Number(target.port || 6379), target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => this.sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
  }

  async start(): Promise<string> {
    if (this.server.listening) return `redis://127.0.0.1:${this.port}`;
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Stops relaying: open connections drop, new ones are refused. */
  async cut(): Promise<void> {
    const closed = new Promise((resolve) => this.server.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

describe('health: liveness and readiness', () => {
  const log = new LogCapture();
  let api: TestApi;
  let origin: string;

  beforeAll(async () => {
    api = await startTestApi({ api: { logStream: log, logger: ['log', 'warn', 'error'] } });
    origin = new URL(api.url).origin;
  });
  afterAll(async () => {
    await api.close();
  });

  const probe = async (path: string) => {
    const response = await fetch(`${origin}/api/v1/health${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('is ready when PostgreSQL, Redis, the queues and the outbox relay are; /health answers as readiness', async () => {
    expect(await probe('/live')).toEqual({ status: 200, body: { status: 'ok' } });
    for (const path of ['', '/ready']) {
      const ready = await probe(path);
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        status: 'ok',
        checks: {
          postgres: { ok: true },
          redis: { ok: true },
          queues: { ok: true, queues: 6 },
          outbox: { ok: true, oldestUnrelayedSeconds: 0 },
        },
        calendar: { years: expect.any(Array) },
        warnings: expect.any(Array),
      });
    }
  });

  it('is not ready while a queue is paused, or while the outbox relay has stalled past its bound', async () => {
    const { Queue } = await import('bullmq');
    const { createRedis } = await import('#queues');
    const redis = createRedis(api.config.redisUrl);
    const queue = new Queue('referrals', { connection: redis, prefix: api.config.queuePrefix });
    try {
      await queue.pause();
      const paused = await probe('/ready');
      expect(paused.status).toBe(503);
      expect(paused.body.checks.queues).toMatchObject({ ok: false, error: 'paused: referrals' });
      expect(paused.body.checks.postgres.ok).toBe(true);
      await queue.resume();
      expect((await probe('/ready')).status).toBe(200);
    } finally {
      await queue.close();
      await redis.quit();
    }

    // No relay runs beside this API: a row written long ago is a relay that stalled.
    await api.db.query(
      `INSERT INTO outbox (id, queue, name, payload, created_at) VALUES ('0190f5a0-0000-7000-8000-00000000abcd', 'notifications', 'case.event', '{}', now() - interval '1 hour')`,
    );
    const stalled = await probe('/ready');
    expect(stalled.status).toBe(503);
    expect(stalled.body.checks.outbox).toMatchObject({ ok: false });
    expect(stalled.body.checks.outbox.error).toMatch(/^the oldest unrelayed row is 3\d{3} s old \(bound 120 s\)$/);
    await api.db.query(`DELETE FROM outbox WHERE id = '0190f5a0-0000-7000-8000-00000000abcd'`);
    expect(await probe('/live')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('PostgreSQL down: readiness 503 naming it, liveness 200', async () => {
    const database = new URL(api.config.databaseUrl).pathname.slice(1);
    const admin = process.env[ENV.adminUrl]!;
    await adminQuery(admin, `ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`);
    await adminQuery(admin, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}'`);
    try {
      const down = await probe('/ready');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({
        status: 'unavailable',
        checks: { postgres: { ok: false }, redis: { ok: true } },
      });
      expect(down.body.checks.postgres.error).toEqual(expect.any(String));
      expect((await probe('')).status).toBe(503);
      expect(await probe('/live')).toEqual({ status: 200, body: { status: 'ok' } });
      // A request meanwhile fails, and what Concord logs while handling it carries the request's id. (PostgreSQL's
      // "not accepting connections" is answered 500, not 503: its SQLSTATE is not among those mapped to 503.)
      const failed = await fetch(`${api.url}/units`, { headers: { authorization: `Bearer ${api.adminKey}` } });
      expect([500, 503]).toContain(failed.status);
      const requestId = failed.headers.get('x-request-id');
      expect(
        log
          .entries()
          .filter((e) => e.requestId === requestId)
          .map((e) => [e.context ?? e.msg, e.status]),
      ).toEqual([
        ['Problem', undefined],
        ['request', failed.status],
      ]);
    } finally {
      await adminQuery(admin, `ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);
    }
    expect((await probe('/ready')).status).toBe(200);
  });

  it('Redis down: readiness 503 naming it (within its 2 s bound), liveness 200', async () => {
    const link = new RedisLink();
    const other = await startTestApi({ alongside: api, config: { redisUrl: await link.start() } });
    try {
      const response = await fetch(other.url.replace('/api/v1', '/api/v1/health/ready'));
      expect(response.status).toBe(200);
      await link.cut();
      const down = await fetch(other.url.replace('/api/v1', '/api/v1/health/ready'));
      const body = (await down.json()) as Record<string, any>;
      expect(down.status).toBe(503);
      expect(body.checks).toMatchObject({ postgres: { ok: true }, redis: { ok: false }, queues: { ok: false } });
      const live = await fetch(other.url.replace('/api/v1', '/api/v1/health/live'));
      expect(live.status).toBe(200);
    } finally {
      // Redis back on the same address (if it was cut), so that the API's connections reconnect and close as usual.
      await link.start();
      await other.close();
      await link.cut();
    }
  });
});
