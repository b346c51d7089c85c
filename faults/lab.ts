/**
 * The private servers and processes a fault scenario breaks on purpose, all on loopback: an embedded PostgreSQL
 * (its own data folder and port, never the machine's shared server), a redis-server of its own, and the built
 * API and worker as child processes that can be killed with SIGKILL and started again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { answersPing, delay, type EmbeddedPostgres, freePort, startEmbeddedPostgres, stopChild } from '#local';

export const STATE_DIR = path.resolve('.concord/faults');

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function sql<T = Record<string, unknown>>(url: string, text: string, values?: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The embedded PostgreSQL of the fault runs: one cluster, kept in .concord/faults/postgres, on a fixed port per run. */
export class PrivatePostgres {
  private constructor(
    private server: EmbeddedPostgres,
    readonly port: number,
    private readonly dataDir: string,
    private readonly log: (line: string) => void,
  ) {}

  static async start(log: (line: string) => void): Promise<PrivatePostgres> {
    const dataDir = path.join(STATE_DIR, 'postgres');
    const port = await freePort();
    const server = await startEmbeddedPostgres({ dataDir, port, log });
    return new PrivatePostgres(server, port, dataDir, log);
  }

  /** The maintenance database, for CREATE/DROP DATABASE. */
  get adminUrl(): string {
    return withDatabase(this.server.url, 'postgres');
  }

  /** A fresh, empty database; the API and worker migrate it when they start. */
  async freshDatabase(name: string): Promise<string> {
    await sql(this.adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await sql(this.adminUrl, `CREATE DATABASE ${name}`);
    return withDatabase(this.server.url, name);
  }

  async dropDatabase(name: string): Promise<void> {
    await sql(this.adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }

  /** Fast shutdown (SIGINT: open transactions are rolled back, committed ones are on disk), then down for `downMs`. */
  async stop(): Promise<void> {
    await this.server.stop();
  }

  /** Starts the same cluster again on the same port. */
  async start(): Promise<void> {
    this.server = await startEmbeddedPostgres({ dataDir: this.dataDir, port: this.port, log: this.log });
  }
}

/** A redis-server of our own on a fixed port: FLUSHALL and restarts touch no one else's data. */
export class PrivateRedis {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(dir: string): Promise<PrivateRedis> {
    await fs.mkdir(dir, { recursive: true });
    const redis = new PrivateRedis(await freePort(), dir);
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--hz',
        '100',
        '--dir',
        this.dir,
      ],
      { stdio: 'ignore' },
    );
    child.once('error', () => {});
    this.child = child;
    for (const until = Date.now() + 15_000; Date.now() < until; await delay(50)) {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${this.port} exited with ${child.exitCode}`);
      if (await answersPing(this.url)) return;
    }
    throw new Error(`redis-server on port ${this.port} did not answer PING`);
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child, [['SIGKILL', 5_000]]);
    this.child = null;
  }
}

/** What a Concord process needs to know of its surroundings. */
export interface ConcordEnv {
  DATABASE_URL: string;
  REDIS_URL: string;
  CONCORD_DATA_KEY: string;
  CONCORD_ADMIN_KEY: string;
  [name: string]: string;
}

/**
 * A built Concord process (`dist/apps/.../main.js`) that can be killed with SIGKILL and started again with the
 * same environment. Its output goes to a log file (one per process, appended across restarts).
 */
export class ConcordProcess {
  private child: ChildProcess | null = null;
  private readonly log: WriteStream;
  starts = 0;
  kills = 0;

  constructor(
    readonly name: 'api' | 'worker',
    private readonly env: ConcordEnv,
    logFile: string,
    private readonly port?: number,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and resolves once it serves (API: /health answers 200; worker: it says it runs). */
  async start(timeoutMs = 60_000): Promise<void> {
    const entry = this.name === 'api' ? 'dist/apps/api/src/main.js' : 'dist/apps/worker/src/main.js';
    const env = { ...process.env, ...this.env, ...(this.port ? { PORT: String(this.port) } : {}) };
    const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.starts++;
    this.log.write(`\n=== ${new Date().toISOString()} start #${this.starts} (pid ${child.pid})\n`);
    // The worker says it runs once, possibly after many lines about the backlog it finds: watch every chunk (with
    // the end of the one before, in case the words are split between two) instead of keeping the output.
    const READY = 'worker running';
    let announced = false;
    let tail = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      this.log.write(chunk);
      const text = tail + chunk.toString();
      if (text.includes(READY)) announced = true;
      tail = text.slice(-READY.length);
    });
    child.stderr!.on('data', (chunk: Buffer) => this.log.write(chunk));
    for (const until = Date.now() + timeoutMs; Date.now() < until; await delay(50)) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${this.name} exited during start-up (${child.exitCode ?? child.signalCode}); see its log`);
      }
      if (this.name === 'worker' ? announced : await this.healthy()) return;
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms`);
  }

  /** kill -9: no shutdown hook runs, nothing is flushed, in-flight requests and jobs are cut. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    this.kills++;
    this.log.write(`\n=== ${new Date().toISOString()} killed with SIGKILL (pid ${child.pid})\n`);
    await exited;
  }

  /** An orderly stop at the end of a scenario. */
  async stop(): Promise<void> {
    if (this.child)
      await stopChild(this.child, [
        ['SIGTERM', 15_000],
        ['SIGKILL', 5_000],
      ]);
    this.child = null;
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }

  private async healthy(): Promise<boolean> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.port}/api/v1/health`, {
        signal: AbortSignal.timeout(2_000),
      });
      await response.arrayBuffer();
      return response.status === 200;
    } catch {
      return false;
    }
  }
}

/** A random whole number of milliseconds in [min, max). */
export const between = (min: number, max: number) => Math.floor(min + Math.random() * (max - min));
export { delay, freePort };
