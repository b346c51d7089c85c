import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { REDIS } from '#queues';
import { startTestApi, testRedisUrl, type TestApi } from './support/index.js';
import { publicRateLimitKey } from '../src/public/public-rate-limit.js';

const UNKNOWN = 'ZZZZZZZZZZZZ';

/** A public GET without a key, from 127.0.0.1: the status, Retry-After, content type and body. */
async function publicGet(api: TestApi) {
  const response = await fetch(`${api.url}/public/progress/${UNKNOWN}`);
  const text = await response.text();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    type: response.headers.get('content-type'),
    text,
  };
}
/** `n` public GETs; their statuses. */
async function statuses(api: TestApi, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await publicGet(api)).status);
  return out;
}
const times = (n: number, status: number) => Array.from({ length: n }, () => status);

/** A TCP relay to the test Redis that can be cut: Redis "going away" for one client, without touching the server. */
class RedisRelay {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  constructor(target: URL) {
    this.server = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
  }

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `redis://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stops listening and drops every connection: from now on the relay's port refuses connections. */
  async cut(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise((resolve) => this.server.close(resolve));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the public rate limit, shared across API processes through Redis', () => {
  let first: TestApi;
  let second: TestApi;
  beforeAll(async () => {
    first = await startTestApi();
    // A second API process of the same deployment (same Redis, same key prefix).
    second = await startTestApi({ config: { queuePrefix: first.config.queuePrefix } });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('refuses the 31st request of a minute across both processes, with a problem answer and Retry-After', async () => {
    expect(await statuses(first, 15)).toEqual(times(15, 404));
    expect(await statuses(second, 15)).toEqual(times(15, 404));

    const refused = await publicGet(first);
    const left = await first.app.get<Redis>(REDIS).pttl(publicRateLimitKey(first.config, '127.0.0.1'));
    expect(refused.status).toBe(429);
    expect(refused.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(refused.text)).toEqual({
      type: 'urn:concord:problem:too_many_requests',
      title: 'Too Many Requests',
      status: 429,
      detail: expect.stringMatching(/^Too many requests; retry in \d+ s\.$/),
      code: 'too_many_requests',
      instance: `/api/v1/public/progress/${UNKNOWN}`,
    });
    // The seconds left in the client's window: within the minute, and no less than Redis still holds.
    const retryAfter = Number(refused.retryAfter);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(retryAfter).toBeGreaterThanOrEqual(Math.max(1, Math.ceil(left / 1000)));
    expect(JSON.parse(refused.text).detail).toBe(`Too many requests; retry in ${retryAfter} s.`);

    expect((await publicGet(second)).status).toBe(429);
  });
});

describe('the public rate limit while Redis cannot be reached', () => {
  it('counts per process when its Redis is unreachable from the start, never answering 500', async () => {
    const api = await startTestApi({ api: { rateLimitRedisUrl: `redis://127.0.0.1:${await closedPort()}` } });
    try {
      expect(await statuses(api, 30)).toEqual(times(30, 404));
      const refused = await publicGet(api);
      expect(refused.status).toBe(429);
      expect(JSON.parse(refused.text)).toMatchObject({ status: 429, code: 'too_many_requests' });
      const retryAfter = Number(refused.retryAfter);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(await statuses(api, 5)).toEqual(times(5, 429));
    } finally {
      await api.close();
    }
  });

  it('counts per process when its Redis accepts connections and never answers', async () => {
    // A listener that takes the connection and says nothing, like a Redis host that hangs.
    const silent = createServer((socket) => socket.on('error', () => undefined));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const api = await startTestApi({
      api: { rateLimitRedisUrl: `redis://127.0.0.1:${(silent.address() as AddressInfo).port}` },
    });
    try {
      expect(await statuses(api, 30)).toEqual(times(30, 404));
      expect(await statuses(api, 3)).toEqual(times(3, 429));
    } finally {
      await api.close();
      silent.close();
    }
  });

  it('falls back to counting per process when Redis goes away mid-window, never answering 500', async () => {
    const relay = new RedisRelay(new URL(testRedisUrl()));
    const api = await startTestApi({ api: { rateLimitRedisUrl: await relay.start() } });
    try {
      expect(await statuses(api, 10)).toEqual(times(10, 404));
      // Those ten were counted in Redis.
      expect(await api.app.get<Redis>(REDIS).get(publicRateLimitKey(api.config, '127.0.0.1'))).toBe('10');

      await relay.cut();
      // This process counts on its own now: a fresh window of 30, and then 429 again, never 500 and never unlimited.
      expect(await statuses(api, 30)).toEqual(times(30, 404));
      expect(await statuses(api, 3)).toEqual(times(3, 429));
      expect(await api.app.get<Redis>(REDIS).get(publicRateLimitKey(api.config, '127.0.0.1'))).toBe('10');
    } finally {
      await relay.cut();
      await api.close();
    }
  });
});
