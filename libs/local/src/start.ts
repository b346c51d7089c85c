/**
 * `npm start`: runs Concord on this machine with nothing but Node installed.
 *
 * Whatever the environment does not provide is made up and kept under `.concord/` (in the repository root, or
 * CONCORD_LOCAL_DIR): an embedded PostgreSQL (`postgres/`, on a port chosen once and kept), a Redis (the local
 * one, or one we start), the first admin key and the PII encryption key. Then the API and, once it is healthy,
 * the worker run as child processes until Ctrl-C, which stops them first, then Redis (if ours), then PostgreSQL.
 *
 * Should this process die without doing that (SIGKILL, a crash), nothing is left behind: the apps stop by
 * themselves when their IPC channel to us closes (launcher-link.ts), and a watchdog (watchdog.ts) stops Redis
 * and PostgreSQL, by what `run/launcher.json` records; failing that, the next start does (run-state.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';
import { delay, isPortOpen, stopChild } from './processes.js';
import { ensureRedis, type LocalRedis } from './local-redis.js';
import { queuePrefixFor } from './queue-prefix.js';
import {
  claimRun,
  recordProcess,
  removeRunState,
  runStateFile,
  writeRunState,
  type ProcessRole,
  type RunState,
} from './run-state.js';

/** The repository root: this file is dist/libs/local/src/start.js. */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const stateDir = path.resolve(process.env.CONCORD_LOCAL_DIR || path.join(root, '.concord'));
const stateFile = runStateFile(stateDir);
const HEALTH_TIMEOUT_MS = 60_000;
const CHILD_STOP_STEPS = [
  ['SIGTERM', 20_000],
  ['SIGKILL', 5_000],
] as const;

const children = new Map<string, ChildProcess>();
let postgres: EmbeddedPostgres | undefined;
let redis: LocalRedis | undefined;
let run: RunState | undefined;
let stopping = false;
let startup: Promise<void> = Promise.resolve();

const say = (prefix: string, line: string) => process.stdout.write(`${prefix} ${line}\n`);
/** A path as the user would type it from here. */
const shown = (target: string) => {
  const relative = path.relative(process.cwd(), target);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : target;
};

async function main(): Promise<void> {
  const port = Number(process.env.PORT || 3000);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new Error(`PORT must be a TCP port, not "${process.env.PORT}"`);
  for (const entry of [
    'dist/apps/api/src/main.js',
    'dist/apps/worker/src/main.js',
    'dist/libs/local/src/watchdog.js',
  ]) {
    if (!existsSync(path.join(root, entry)))
      throw new Error(`${entry} is missing: build first (npm run build), from the repository root`);
  }
  await fs.mkdir(stateDir, { recursive: true });
  const givenPrefix = process.env.CONCORD_QUEUE_PREFIX?.trim();
  const queuePrefix = givenPrefix || queuePrefixFor(realpathSync(stateDir));
  // First, what an earlier run left: refuse while it runs, stop what it left running if it died.
  run = await claimRun(stateFile, { port, queuePrefix }, (line) => say('[concord]', line));
  if (await isPortOpen(port)) {
    throw new Error(`port ${port} is already in use by another program. Stop it, or set PORT to another port.`);
  }
  startWatchdog();

  let databaseUrl = process.env.DATABASE_URL;
  let databaseNote = 'from DATABASE_URL';
  if (!databaseUrl) {
    const dataDir = path.join(stateDir, 'postgres');
    say('[concord]', `DATABASE_URL is not set: starting an embedded PostgreSQL (data in ${shown(dataDir)})`);
    postgres = await startEmbeddedPostgres({
      dataDir,
      log: (l) => say('[postgres]', l),
      onSpawn: (pid) => record('postgres', pid),
    });
    run.postgres = { dataDir, port: postgres.port };
    writeRunState(stateFile, run);
    databaseUrl = postgres.url;
    databaseNote = `embedded; data and port kept in ${shown(dataDir)}`;
  }
  if (stopping) return;

  let redisUrl = process.env.REDIS_URL;
  let redisNote = 'from REDIS_URL';
  if (!redisUrl) {
    redis = await ensureRedis({
      dataDir: path.join(stateDir, 'redis'),
      log: (l) => say('[redis]', l),
      onSpawn: (pid) => record('redis', pid),
    });
    run.redis = { url: redis.url, startedHere: redis.started };
    writeRunState(stateFile, run);
    redisUrl = redis.url;
    redisNote = redis.started ? 'started by Concord, stops with it' : 'the one already running on this machine';
  }
  if (stopping) return;

  const adminKey =
    process.env.CONCORD_ADMIN_KEY ||
    (await keptSecret('admin-key', () => `ck_admin_${randomBytes(32).toString('base64url')}`));
  const dataKey =
    process.env.CONCORD_DATA_KEY || (await keptSecret('data-key', () => randomBytes(32).toString('base64')));
  // The first staff account's one-time password: the API makes the account `admin` with it on a deployment that
  // has no account yet, and asks for a new password at its first sign-in.
  const firstAdminPassword =
    process.env.CONCORD_FIRST_ADMIN_PASSWORD ||
    (await keptSecret('admin-password', () => randomBytes(15).toString('base64url')));
  const env = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    CONCORD_ADMIN_KEY: adminKey,
    CONCORD_DATA_KEY: dataKey,
    CONCORD_QUEUE_PREFIX: queuePrefix,
    CONCORD_FIRST_ADMIN_PASSWORD: firstAdminPassword,
  };
  startChild('api', 'dist/apps/api/src/main.js', env);
  if (!(await waitForHealth(port))) return;
  // Like docker-compose.yml: the worker starts once the API is healthy, so whatever the API prepares at
  // start-up (the schema) is there.
  startChild('worker', 'dist/apps/worker/src/main.js', env);

  const rule = '─'.repeat(72);
  const lines = [
    rule,
    ' Concord is running',
    `   Console      http://localhost:${port}/ (sign in with the admin login below)`,
    `   API          http://localhost:${port}/api/v1`,
    `   API docs     http://localhost:${port}/docs`,
    process.env.CONCORD_ADMIN_KEY
      ? '   Admin key    the one in CONCORD_ADMIN_KEY'
      : `   Admin key    ${adminKey}\n                (send it as "Authorization: Bearer <key>"; kept in ${shown(path.join(stateDir, 'admin-key'))})`,
    await firstAdminLine(databaseUrl, firstAdminPassword),
    `   PostgreSQL   ${maskUrl(databaseUrl)} (${databaseNote})`,
    `   Redis        ${maskUrl(redisUrl)} (${redisNote})`,
    `   Queues       prefix ${queuePrefix} in Redis ${givenPrefix ? '(from CONCORD_QUEUE_PREFIX)' : `(one per ${shown(stateDir)} folder)`}`,
    process.env.CONCORD_DATA_KEY
      ? ''
      : `   Keep ${shown(path.join(stateDir, 'data-key'))}: without it the encrypted party data cannot be read.`,
    ' Stop with Ctrl-C. Should this process be killed, everything above stops with it.',
    rule,
  ];
  process.stdout.write(`\n${lines.filter(Boolean).join('\n')}\n\n`);
}

/**
 * The first admin account's line: its one-time password while it has not been changed (the console and
 * `POST /api/v1/session` sign in with it, then ask for a new one), or just its name after.
 */
async function firstAdminLine(databaseUrl: string, password: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ must_change_password: boolean }>(
      `SELECT must_change_password FROM users WHERE username = 'admin'`,
    );
    if (!rows[0]) return '';
    return rows[0].must_change_password
      ? `   Admin login  admin / ${password}\n                (a one-time password: sign in and choose your own; kept in ${shown(path.join(stateDir, 'admin-password'))})`
      : '   Admin login  admin (its password was changed at first sign-in)';
  } catch {
    return '';
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A secret generated on the first run and kept (mode 0600) in .concord/<name>, so restarts reuse it. */
async function keptSecret(name: string, generate: () => string): Promise<string> {
  const file = path.join(stateDir, name);
  const kept = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
  if (kept) return kept;
  const secret = generate();
  await fs.writeFile(file, `${secret}\n`, { mode: 0o600 });
  await fs.chmod(file, 0o600); // in case an empty file was there already
  return secret;
}

/** Records a process we started, at once (see writeRunState), so that it is stopped even if we are killed. */
function record(role: ProcessRole, pid: number): void {
  if (!run) return;
  run.processes = [...run.processes.filter((p) => p.role !== role), recordProcess(role, pid)];
  writeRunState(stateFile, run);
}

/**
 * The watchdog: detached, so that what kills us (a Ctrl-C reaches our whole process group) does not kill it,
 * with an IPC channel whose closing tells it we are gone. It writes to our terminal while there is one.
 */
function startWatchdog(): void {
  const watchdog = spawn(process.execPath, ['dist/libs/local/src/watchdog.js', stateFile, String(process.pid)], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (watchdog.pid) record('watchdog', watchdog.pid);
  watchdog.once('error', (err) =>
    say(
      '[concord]',
      `could not start the watchdog (${err.message}): if this process is killed, the next start stops what it leaves`,
    ),
  );
  watchdog.once('exit', (code, signal) => {
    if (!stopping)
      say(
        '[concord]',
        `the watchdog exited (${signal ?? `code ${code}`}): if this process is killed, the next start stops what it leaves`,
      );
  });
}

function startChild(name: 'api' | 'worker', entry: string, env: NodeJS.ProcessEnv): void {
  // Own process group: a Ctrl-C in the terminal reaches only us, and we stop the children in order. The IPC
  // channel is how they notice that we are gone, should we die without stopping them (launcher-link.ts).
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  if (child.pid) record(name, child.pid);
  children.set(name, child);
  createInterface({ input: child.stdout! }).on('line', (line) => process.stdout.write(`[${name}] ${line}\n`));
  createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`[${name}] ${line}\n`));
  child.once('error', (err) => void shutdown(`could not start the ${name}: ${err.message}`, 1));
  child.once('exit', (code, signal) => {
    if (!stopping) void shutdown(`the ${name} exited unexpectedly (${signal ?? `code ${code}`})`, 1);
  });
}

/**
 * Polls the API's liveness until it answers 200 (it listens once its migrations ran). Not readiness: that also
 * waits for the outbox relay, which is the worker this start is waiting to launch. False when shutting down.
 */
async function waitForHealth(port: number): Promise<boolean> {
  const url = `http://127.0.0.1:${port}/api/v1/health/live`;
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last: string;
  while (!stopping) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return true;
      last = `HTTP ${response.status}`;
    } catch (err) {
      last = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the API did not answer 200 on GET ${url} within ${HEALTH_TIMEOUT_MS / 1000} s (last: ${last}); see the [api] lines above`,
      );
    }
    await delay(250);
  }
  return false;
}

/** Never show a password: postgres://user:****@host/db. */
function maskUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '****';
    return url.toString();
  } catch {
    return '(a URL that does not parse)';
  }
}

async function shutdown(reason: string, exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  (exitCode ? process.stderr : process.stdout).write(`[concord] ${reason}\n[concord] stopping\n`);
  await startup.catch(() => {}); // let a start-up step in progress finish, so that we stop what it started
  await Promise.all(
    [...children].map(async ([name, child]) => {
      await stopChild(child, CHILD_STOP_STEPS);
      if (child.signalCode === 'SIGKILL') say('[concord]', `the ${name} did not stop in time and was killed`);
    }),
  );
  const stops: Array<[string, (() => Promise<void>) | undefined]> = [
    ['Redis', redis && (() => redis!.stop())],
    ['PostgreSQL', postgres && (() => postgres!.stop())],
  ];
  let allStopped = true;
  for (const [name, stop] of stops) {
    try {
      await stop?.();
    } catch (err) {
      process.stderr.write(`[concord] could not stop ${name}: ${(err as Error).message}\n`);
      exitCode ||= 1;
      allStopped = false;
    }
  }
  // Everything we started has stopped: the watchdog, finding no state file when we exit, has nothing to do.
  // (What did not stop stays recorded, for the watchdog and the next start.)
  if (run && allStopped) removeRunState(stateFile, process.pid);
  say('[concord]', 'stopped');
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void shutdown(`received ${signal}`, 0));
}
process.on('uncaughtException', (err) => void shutdown(`internal error: ${err.stack ?? err}`, 1));
process.on('unhandledRejection', (err) => void shutdown(`internal error: ${(err as Error)?.stack ?? err}`, 1));

startup = main();
startup.catch((err: Error) => shutdown(err.message, 1));
