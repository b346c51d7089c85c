import { randomBytes } from 'node:crypto';
import { createApi, type ApiOptions } from '../../src/api.factory.js';
import type { Clock } from '#clock';
import type { ConcordConfig } from '#config';
import { Database } from '#persistence';
import { createTestDatabase, httpCaller, testConfig, type TestApi } from '#testing';

export interface TestApiOptions {
  clock?: Clock;
  config?: Partial<ConcordConfig>;
  /**
   * Start another API process on this one's database (and Redis prefix and admin key), as a second process
   * behind a load balancer would be; closing it leaves the database to its owner.
   */
  alongside?: TestApi;
  /** The port to listen on (default: any free one), where the API's own URL must be known before it starts. */
  port?: number;
  /**
   * Options of the API itself that only tests set (where the public rate limit's Redis is; where log lines go, and
   * at which levels: errors only unless a test asks for more).
   */
  api?: Pick<ApiOptions, 'rateLimitRedisUrl' | 'logStream' | 'logger' | 'tracing'>;
}

/**
 * The real API over real HTTP, on its own fresh database (or another API's, with `alongside`). Every answer is
 * checked for a 500: a 500 anywhere in the suite fails the test that caused it.
 */
export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const shared = options.alongside;
  const database = shared
    ? { url: shared.config.databaseUrl, drop: async () => undefined }
    : await createTestDatabase();
  const config = shared ? { ...shared.config, port: 0, ...options.config } : testConfig(database.url, options.config);
  const app = await createApi(config, {
    ...options.api,
    clock: options.clock,
    logger: options.api?.logger ?? ['error'],
    docsUi: false,
    consoleDir: false,
  });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}/api/v1`;

  const call = httpCaller(url, config.adminKey);

  return {
    url,
    config,
    adminKey: config.adminKey!,
    app,
    db: app.get(Database),
    call,
    async keyFor(role, scope = {}) {
      const reply = await call<{ key: string }>('POST', '/api-keys', {
        body: { role, name: `${role} (test)`, ...scope },
      });
      if (reply.status !== 201) throw new Error(`could not create a ${role} key: ${JSON.stringify(reply.body)}`);
      return reply.body.key;
    },
    async personFor(roles, scope = {}, password = 'correct horse battery staple') {
      const username = `${roles[0]!.replace('_', '-')}-${randomBytes(4).toString('hex')}`;
      const reply = await call<{ id: string }>('POST', '/users', {
        body: { username, name: `${roles.join('+')} (test)`, roles, ...scope, ...(password ? { password } : {}) },
      });
      if (reply.status !== 201)
        throw new Error(`could not create a ${roles.join('+')} person: ${JSON.stringify(reply.body)}`);
      return { id: reply.body.id, username };
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
