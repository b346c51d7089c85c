/**
 * The local plumbing against real processes: an embedded PostgreSQL in a temporary folder, and Redis.
 */
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/embedded-postgres.js';
import { answersPing, ensureRedis } from '../src/local-redis.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startEmbeddedPostgres', () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'concord-pg-'));
    await chmod(tmp, 0o755); // as root, PostgreSQL runs as the `postgres` user, who must reach the data
  });

  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('starts a cluster with a concord database, and restarts on the same data with the same password and port', async () => {
    const dataDir = path.join(tmp, 'pg');
    const urlPattern = /^postgres:\/\/postgres:([^@]+)@127\.0\.0\.1:(\d+)\/concord$/;

    const first = await startEmbeddedPostgres({ dataDir });
    let password: string | undefined;
    try {
      expect(first.url).toMatch(urlPattern);
      password = urlPattern.exec(first.url)![1];
      // The port is chosen once and kept beside the data, so the database's URL stays the same.
      expect(Number(urlPattern.exec(first.url)![2])).toBe(first.port);
      expect((await readFile(path.join(dataDir, 'port'), 'utf8')).trim()).toBe(String(first.port));
      expect((await readFile(path.join(dataDir, 'password'), 'utf8')).trim()).toBe(decodeURIComponent(password!));
      expect(await query(first.url, 'select 1 as one')).toEqual([{ one: 1 }]);
      await query(first.url, "create table kept (note text); insert into kept values ('调解 survives a restart')");
    } finally {
      await first.stop();
    }

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect(second.url).toBe(first.url);
      expect(urlPattern.exec(second.url)![1]).toBe(password);
      expect(await query(second.url, 'select 1 as one')).toEqual([{ one: 1 }]);
      expect(await query(second.url, 'select note from kept')).toEqual([{ note: '调解 survives a restart' }]);
      expect(await query(second.url, 'show server_encoding')).toEqual([{ server_encoding: 'UTF8' }]);
    } finally {
      await second.stop();
    }
    await expect(query(second.url, 'select 1')).rejects.toThrow();

    // Its kept port taken by another program: a clear refusal, not another port (and another URL).
    const squatter = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(first.port, '127.0.0.1', resolve));
    try {
      await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(
        `PostgreSQL's port ${first.port} (kept in ${path.join(dataDir, 'port')}, so that its URL stays the same) is taken by another program`,
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  }, 120_000);
});

describe('ensureRedis', () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'concord-redis-'));
  });

  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('uses the Redis already answering on 127.0.0.1:6379 rather than starting one', async () => {
    // .ci/run makes sure one runs there; on a machine without one, ensureRedis starts its own instead.
    const alreadyRunning = await answersPing('redis://127.0.0.1:6379');
    const redis = await ensureRedis({ dataDir: path.join(tmp, 'redis') });
    try {
      expect(redis.started).toBe(!alreadyRunning);
      if (alreadyRunning) expect(redis.url).toBe('redis://127.0.0.1:6379');
      expect(await answersPing(redis.url)).toBe(true);
    } finally {
      await redis.stop();
    }
    // Stopping is a no-op for a Redis we did not start, and stops the one we did.
    expect(await answersPing(redis.url)).toBe(alreadyRunning);
  }, 60_000);
});
