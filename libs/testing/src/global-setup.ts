import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { type EmbeddedPostgres, ensureRedis, type LocalRedis, startEmbeddedPostgres } from '#local';
import { createDataSource, runMigrations } from '#persistence';
import { adminQuery, ENV, templateName, withDatabase } from './test-infra.js';

const LOCAL_PG = 'postgres://postgres@127.0.0.1:5432/postgres';

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Runs once before the suite: finds PostgreSQL (DATABASE_URL, else the local server, else an embedded one)
 * and Redis (REDIS_URL, else a local or spawned one), and migrates a template database that every test file
 * copies. Integration tests therefore run the real migrations against real servers.
 */
export default async function globalSetup(): Promise<void> {
  const state = globalThis as { concordEmbedded?: EmbeddedPostgres; concordRedis?: LocalRedis };
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    if (await reachable(LOCAL_PG)) adminUrl = LOCAL_PG;
    else {
      state.concordEmbedded = await startEmbeddedPostgres({ dataDir: path.resolve('.concord/test-postgres') });
      adminUrl = state.concordEmbedded.url;
    }
  }
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    state.concordRedis = await ensureRedis({ dataDir: path.resolve('.concord/test-redis') });
    redisUrl = state.concordRedis.url;
  }

  const template = templateName();
  const exists = await adminQuery(adminUrl, `SELECT 1 FROM pg_database WHERE datname = '${template}'`);
  if (exists.rowCount === 0) {
    // Built under a temporary name and renamed, so a crash mid-migration never leaves a half-built template.
    const building = `${template}_building_${process.pid}`;
    await adminQuery(adminUrl, `CREATE DATABASE ${building}`);
    const dataSource = await createDataSource({ url: withDatabase(adminUrl, building), poolSize: 2 }).initialize();
    try {
      await runMigrations(dataSource);
    } finally {
      await dataSource.destroy();
    }
    await adminQuery(adminUrl, `ALTER DATABASE ${building} RENAME TO ${template}`).catch(
      async (error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // another run built it first
        await adminQuery(adminUrl!, `DROP DATABASE ${building}`);
      },
    );
  }
  process.env[ENV.adminUrl] = adminUrl;
  process.env[ENV.template] = template;
  process.env[ENV.redisUrl] = redisUrl;
  process.env[ENV.run] = randomBytes(3).toString('hex');
}
