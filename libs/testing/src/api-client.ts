import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ConcordConfig } from '#config';
import type { Role, UserRole } from '#domain';
import type { Database } from '#persistence';
import { testRedisUrl } from './test-infra.js';

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
  /**
   * Creates a person (a staff account) through the API, with the password `password` (or a one-time one when
   * null), and returns its id and username.
   */
  personFor(
    roles: UserRole[],
    scope?: { unitCode?: string; departmentCode?: string },
    password?: string | null,
  ): Promise<{ id: string; username: string }>;
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
    sessionIdleMinutes: 30,
    sessionMaxHours: 12,
    secureCookies: false,
    ...overrides,
  };
}

/**
 * Calls an API over real HTTP as `adminKey` unless told otherwise. Every answer is checked for a 500: a 500
 * anywhere in the suite fails the test that caused it.
 */
export function httpCaller(url: string, adminKey: string | null): TestApi['call'] {
  return async <T>(method: string, path: string, opts: CallOptions = {}): Promise<Reply<T>> => {
    const key = opts.key === undefined ? adminKey : opts.key;
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
}
