import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, realpathSync, watch } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Redis } from 'ioredis';
import { createTestDatabase, testRedisUrl } from '#testing';
import { freePort, isAlive, isPortOpen } from '../src/processes.js';
import { queuePrefixFor } from '../src/queue-prefix.js';
import { readRunState, runStateFile, type RunState } from '../src/run-state.js';

/**
 * `npm start` minus the build: the launcher starts the real API and worker from dist/, each run with its own
 * folder of local state (CONCORD_LOCAL_DIR) and ports. Nothing here waits on the clock: every wait is for an
 * event (output, a process's exit, a socket's close, a file's removal), bounded so a failure cannot hang.
 */

const BOUND_MS = 60_000;

/** Fails after BOUND_MS instead of waiting for ever. */
function within<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${BOUND_MS / 1000} s`)), BOUND_MS);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

interface Launch {
  process: ChildProcessByStdio<null, Readable, Readable>;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The end of the launcher's output: it and its watchdog, which writes to the same terminal, have exited. */
  outputEnded: Promise<void>;
  /** "Concord is running" and the worker's start-up line. */
  ready: Promise<void>;
}

/**
 * The launcher with `env` and none of this process's own Concord settings: CI runs the suite with DATABASE_URL
 * and REDIS_URL set, which would otherwise keep the launcher from starting its own PostgreSQL.
 */
function launch(env: Record<string, string>): Launch {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|REDIS_URL|PORT|CONCORD_.*)$/.test(name)),
  );
  const child = spawn(process.execPath, ['dist/libs/local/src/start.js'], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on(
      'data',
      () => output.includes('Concord is running') && output.includes('worker running') && resolve(),
    );
    void exited.then(({ code, signal }) => reject(new Error(`the launcher exited (${signal ?? code}):\n${output}`)));
  });
  ready.catch(() => {}); // a test that does not wait for it must not fail on it
  const outputEnded = new Promise<void>((resolve) => child.stdout.once('end', resolve));
  return { process: child, output: () => output, exited, outputEnded, ready };
}

/** What the banner says on the line that starts with `label`. */
const bannerLine = (output: string, label: string) => new RegExp(`^ +${label} +(\\S+)`, 'm').exec(output)?.[1];

/** Resolves once `file` no longer exists (it may be gone already). */
function removed(file: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(path.dirname(file), () => {
      if (!existsSync(file)) {
        watcher.close();
        resolve();
      }
    });
    if (!existsSync(file)) {
      watcher.close();
      resolve();
    }
  });
}

/**
 * Resolves once process `pid` has exited. Its output ending means it has closed its files, which a process does
 * on its way out, a moment before the kernel lets it go: this waits out that moment (bounded by `within`).
 */
async function exited(pid: number): Promise<void> {
  for (let wait = 1; isAlive(pid); wait = Math.min(wait * 2, 50))
    await new Promise((resolve) => setTimeout(resolve, wait));
}

/**
 * Makes a request on a kept-alive connection, as a browser would, and keeps the connection: `closed` resolves
 * when the server closes it (an API shutting down closes its idle connections) or its process exits.
 */
async function keepAliveConnection(url: string): Promise<{ closed: Promise<void> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const request = http.get(url, { agent }, (response) => {
      response.resume();
      response.once('end', () => resolve(request.socket!));
    });
    request.once('error', reject);
  });
  socket.on('error', () => {}); // a reset when the process dies: `closed` follows
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { closed: closed.finally(() => agent.destroy()) };
}

/** The test Redis's keys under `prefix`, deleted when asked. */
async function keysUnder(prefix: string, options: { delete?: boolean } = {}): Promise<number> {
  const redis = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let count = 0;
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
      count += (keys as string[]).length;
      if (options.delete && (keys as string[]).length) await redis.del(...(keys as string[]));
    }
    return count;
  } finally {
    redis.disconnect();
  }
}

describe('the launcher', () => {
  const folders: string[] = [];
  const prefixes: string[] = [];
  const launches: Launch[] = [];

  async function folder(): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'concord-local-'));
    await chmod(dir, 0o755); // as root, PostgreSQL runs as the `postgres` user, who must reach its data
    folders.push(dir);
    return realpathSync(dir);
  }

  afterAll(async () => {
    for (const { process: child } of launches)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await Promise.all(launches.map((l) => l.outputEnded));
    for (const prefix of prefixes) await keysUnder(prefix, { delete: true });
    for (const dir of folders) await rm(dir, { recursive: true, force: true });
  });

  it('runs two checkouts side by side, each with its own queue prefix; the printed console and API URLs answer', async () => {
    const databases = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      const runs = await Promise.all(
        databases.map(async (database, i) => {
          const dir = await folder();
          const port = await freePort();
          const adminKey = `ck_admin_launcher_test_${port}_0123456789`;
          // Both keys are given, so the launcher generates none.
          const run = launch({
            CONCORD_LOCAL_DIR: dir,
            PORT: String(port),
            DATABASE_URL: database!.url,
            REDIS_URL: testRedisUrl(),
            CONCORD_ADMIN_KEY: adminKey,
            CONCORD_DATA_KEY: `launcher-test-data-key-${i}-0123`,
          });
          launches.push(run);
          prefixes.push(queuePrefixFor(dir));
          return { dir, port, adminKey, run };
        }),
      );
      await within('both launchers ready', Promise.all(runs.map((r) => r.run.ready)));

      const [one, two] = runs.map(({ run }) => bannerLine(run.output(), 'Queues +prefix'));
      expect(one).toBe(queuePrefixFor(runs[0]!.dir));
      expect(two).toBe(queuePrefixFor(runs[1]!.dir));
      expect(one).not.toBe(two);
      for (const { dir, port, adminKey, run } of runs) {
        const output = run.output();
        // The worker runs its queues under the prefix: its job schedulers are there.
        expect(await keysUnder(queuePrefixFor(dir))).toBeGreaterThan(0);
        expect(output).toContain('Admin key    the one in CONCORD_ADMIN_KEY');
        expect(output).not.toContain(adminKey);

        const apiUrl = bannerLine(output, 'API');
        expect(apiUrl).toBe(`http://localhost:${port}/api/v1`);
        const index = await fetch(apiUrl!);
        expect(index.status).toBe(200);
        expect(await index.json()).toMatchObject({
          name: 'Concord',
          links: { docs: '/docs', health: '/api/v1/health' },
        });
        // The console, where the banner says it is.
        expect(bannerLine(output, 'Console')).toBe(`http://localhost:${port}/`);
        const home = await fetch(`http://localhost:${port}/`, { redirect: 'manual' });
        expect([home.status, home.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
        expect(home.headers.get('content-security-policy')).toContain("script-src 'self'");
        const docs = await fetch(`http://localhost:${port}/docs`);
        expect(docs.status).toBe(200);
        expect(await docs.text()).toContain('swagger-ui');
        const units = await fetch(`${apiUrl}/units`, { headers: { authorization: `Bearer ${adminKey}` } });
        expect(units.status).toBe(200);
      }

      for (const { run } of runs) run.process.kill('SIGINT');
      for (const { dir, run } of runs) {
        expect(await within('the launcher to stop', run.exited)).toEqual({ code: 0, signal: null });
        expect(run.output()).toContain('[concord] stopped');
        expect(readRunState(runStateFile(dir))).toBeUndefined();
      }
    } finally {
      await Promise.all(databases.map((d) => d.drop()));
    }
  }, 120_000);

  it('killed with SIGKILL, leaves nothing running; the next start runs on the same data and ports', async () => {
    const dir = await folder();
    const port = await freePort();
    const stateFile = runStateFile(dir);
    const postmasterPid = path.join(dir, 'postgres', 'pgdata', 'postmaster.pid');
    // No DATABASE_URL: an embedded PostgreSQL; no keys: generated and kept in the folder, as for a new user.
    const env = { CONCORD_LOCAL_DIR: dir, PORT: String(port), REDIS_URL: testRedisUrl() };
    prefixes.push(queuePrefixFor(dir));

    const first = launch(env);
    launches.push(first);
    await within('the first launch ready', first.ready);
    const state = readRunState(stateFile)!;
    const pids = (s: RunState) => Object.fromEntries(s.processes.map((p) => [p.role, p.pid]));
    expect(Object.keys(pids(state)).sort()).toEqual(['api', 'postgres', 'watchdog', 'worker']);
    const pgPort = state.postgres!.port;
    expect(bannerLine(first.output(), 'PostgreSQL')).toMatch(new RegExp(`@127\\.0\\.0\\.1:${pgPort}/concord$`));
    expect(existsSync(postmasterPid)).toBe(true);
    const adminKey = bannerLine(first.output(), 'Admin key')!;
    const auth = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
    const created = await fetch(`http://127.0.0.1:${port}/api/v1/units`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ code: 'XC', name: '西城区', level: 'district' }),
    });
    expect(created.status).toBe(201);
    const api = await keepAliveConnection(`http://127.0.0.1:${port}/api/v1/health`);

    first.process.kill('SIGKILL');
    expect(await within('the launcher to die', first.exited)).toEqual({ code: null, signal: 'SIGKILL' });
    await within('the API to close its port', api.closed);
    // The watchdog removes the state file once everything recorded in it has stopped, then exits.
    await within('the state file to go', removed(stateFile));
    await within(
      'the watchdog to exit',
      first.outputEnded.then(() => exited(pids(state).watchdog!)),
    );
    for (const [role, pid] of Object.entries({ launcher: first.process.pid!, ...pids(state) })) {
      expect([role, isAlive(pid)]).toEqual([role, false]);
    }
    expect(existsSync(postmasterPid)).toBe(false);
    expect(await isPortOpen(port)).toBe(false);
    expect(await isPortOpen(pgPort)).toBe(false);
    expect(first.output()).toContain(
      `[concord] the launcher (pid ${first.process.pid}) is gone: stopping what it started`,
    );

    const second = launch(env);
    launches.push(second);
    await within('the second launch ready', second.ready);
    const restarted = readRunState(stateFile)!;
    expect(restarted.postgres!.port).toBe(pgPort);
    expect(bannerLine(second.output(), 'Queues +prefix')).toBe(queuePrefixFor(dir));
    expect(bannerLine(second.output(), 'Admin key')).toBe(adminKey);
    const units = await fetch(`http://127.0.0.1:${port}/api/v1/units`, { headers: auth });
    expect(units.status).toBe(200);
    expect(((await units.json()) as { items: Array<{ code: string }> }).items.map((u) => u.code)).toContain('XC');

    second.process.kill('SIGINT');
    expect(await within('the second launcher to stop', second.exited)).toEqual({ code: 0, signal: null });
    await within(
      'the watchdog to exit',
      second.outputEnded.then(() => exited(pids(restarted).watchdog!)),
    );
    for (const [role, pid] of Object.entries(pids(restarted))) expect([role, isAlive(pid)]).toEqual([role, false]);
    expect(existsSync(stateFile)).toBe(false);
    expect(existsSync(postmasterPid)).toBe(false);
  }, 180_000);
});
