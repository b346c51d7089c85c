import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApi, type ApiOptions } from '../../../apps/api/src/api.factory.js';
import type { Clock } from '../../clock/src/index.js';
import type { ConcordConfig } from '../../config/src/index.js';
import type { Role } from '../../domain/src/index.js';
import { Database } from '../../persistence/src/index.js';
import { createTestDatabase, testRedisUrl } from './test-infra.js';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  /** The API key to send; `null` sends none. Defaults to the admin key. */
  key?: string | null;
  body?: unknown;
  /** Sent as-is instead of `JSON.stringify(body)`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestApi {
  /** `http://127.0.0.1:<port>/api/v1` */
  url: string;
  config: ConcordConfig;
  adminKey: string;
  app: NestFastifyApplication;
  db: Database;
  call<T = any>(method: string, path: string, options?: CallOptions): Promise<Reply<T>>;
  /** Creates an API key through the API and returns it. */
  keyFor(role: Role, scope?: { unitCode?: string; departmentCode?: string }): Promise<string>;
  close(): Promise<void>;
}

export function testConfig(databaseUrl: string, overrides: Partial<ConcordConfig> = {}): ConcordConfig {
  return {
    port: 0,
    databaseUrl,
    redisUrl: testRedisUrl(),
    adminKey: `ck_admin_test_${randomBytes(16).toString('hex')}`,
    dataKey: 'concord-test-data-key-0123456789',
    queuePrefix: `concord-test-${randomBytes(4).toString('hex')}`,
    dbPoolSize: 20,
    bodyLimit: 1_048_576,
    workerConsumes: 'all',
    reconcileIntervalMs: 120_000,
    jobLockMs: 30_000,
    // Retries come quickly in tests: four attempts, 20 ms apart and doubling, each waiting 1 s at most.
    webhookAttempts: 4,
    webhookBackoffMs: 20,
    webhookTimeoutMs: 1_000,
    idempotencyTtlHours: 24,
    // No private network is reachable unless a test says so: a test with a receiver on 127.0.0.1 admits it.
    webhookAllowPrivate: [],
    webhookRequireHttps: false,
    ...overrides,
  };
}

export interface TestApiOptions {
  clock?: Clock;
  config?: Partial<ConcordConfig>;
  /**
   * Start another API process on this one's database (and Redis prefix and admin key), as a second process
   * behind a load balancer would be; closing it leaves the database to its owner.
   */
  alongside?: TestApi;
  /** Options of the API itself that only tests set (e.g. where the public rate limit's Redis is). */
  api?: Pick<ApiOptions, 'rateLimitRedisUrl'>;
}

/**
 * The real API over real HTTP, on its own fresh database (or another API's, with `alongside`). Every answer is
 * checked for a 500: a 500 anywhere in the suite fails the test that caused it.
 */
export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const shared = options.alongside;
  const database = shared ? { url: shared.config.databaseUrl, drop: async () => undefined } : await createTestDatabase();
  const config = shared
    ? { ...shared.config, port: 0, ...options.config }
    : testConfig(database.url, options.config);
  const app = await createApi(config, { ...options.api, clock: options.clock, logger: ['error'], docsUi: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}/api/v1`;

  const call = async <T>(method: string, path: string, opts: CallOptions = {}): Promise<Reply<T>> => {
    const key = opts.key === undefined ? config.adminKey : opts.key;
    const headers: Record<string, string> = { ...opts.headers };
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | undefined = opts.rawBody;
    if (body === undefined && opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${url}${path}`, { method, headers, body });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    const parsed = type.includes('json') && text ? JSON.parse(text) : text;
    if (response.status >= 500 && response.status !== 503) {
      throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  };

  return {
    url,
    config,
    adminKey: config.adminKey!,
    app,
    db: app.get(Database),
    call,
    async keyFor(role, scope = {}) {
      const reply = await call<{ key: string }>('POST', '/api-keys', { body: { role, name: `${role} (test)`, ...scope } });
      if (reply.status !== 201) throw new Error(`could not create a ${role} key: ${JSON.stringify(reply.body)}`);
      return reply.body.key;
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
