import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrations } from '#migrations';

/**
 * Where the test suite's PostgreSQL and Redis are. The global setup decides once (a configured server, the
 * local one, or embedded ones) and hands the answer to every test worker through these variables.
 */
export const ENV = {
  adminUrl: 'CONCORD_TEST_PG_ADMIN_URL',
  template: 'CONCORD_TEST_TEMPLATE_DB',
  redisUrl: 'CONCORD_TEST_REDIS_URL',
  /** Names this run's databases, so a concurrent run's teardown leaves them alone. */
  run: 'CONCORD_TEST_RUN',
} as const;

/**
 * The template's name changes whenever the migrations do, so a stale template is never used: their source,
 * not only their names, since a migration not yet released may still change.
 */
export function templateName(): string {
  const digest = createHash('sha256')
    .update(migrations.map((m) => m.toString()).join('\n'))
    .digest('hex')
    .slice(0, 12);
  return `concord_test_tpl_${digest}`;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(adminUrl: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database for one test file, copied from the migrated template (fast: no migrations to run). */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env[ENV.adminUrl];
  const template = process.env[ENV.template];
  if (!adminUrl || !template)
    throw new Error('the jest global setup did not run (see libs/testing/src/global-setup.ts)');
  const name = `concord_t_${process.env[ENV.run]}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${template}`);
  return {
    url: withDatabase(adminUrl, name),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined),
  };
}

export function testRedisUrl(): string {
  const url = process.env[ENV.redisUrl];
  if (!url) throw new Error('the jest global setup did not run (see libs/testing/src/global-setup.ts)');
  return url;
}
