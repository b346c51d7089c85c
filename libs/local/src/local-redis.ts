/**
 * A Redis for `npm start` when REDIS_URL is not set: the one on 127.0.0.1:6379 if it answers, else a
 * `redis-server` of our own on a free port (no persistence: Concord keeps nothing in Redis that PostgreSQL
 * cannot rebuild), else a clear message on how to get one.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { captureLines, commandLineOf, delay, freePort, isAlive, stopChild } from './processes.js';

export interface EnsureRedisOptions {
  /** Working folder of a Redis we start (it saves nothing there). */
  dataDir: string;
  /** Receives the output of a Redis we start, one line at a time. */
  log?: (line: string) => void;
  /** Called with the pid of a Redis we start as soon as it is spawned, to record it. */
  onSpawn?: (pid: number) => void;
}

export interface LocalRedis {
  url: string;
  /** Stops the Redis we started; does nothing for one that was already running. */
  stop(): Promise<void>;
  /** Whether we started this Redis. */
  started: boolean;
}

const DEFAULT_URL = 'redis://127.0.0.1:6379';
const READY_TIMEOUT_MS = 15_000;
const STOP_STEPS = [
  ['SIGTERM', 10_000],
  ['SIGKILL', 5_000],
] as const;

export const NO_REDIS_MESSAGE =
  'Concord needs Redis, and none was found: nothing answers PING on 127.0.0.1:6379 and `redis-server` is not on PATH.\n' +
  '  Debian/Ubuntu: sudo apt-get install redis-server\n' +
  '  macOS:         brew install redis\n' +
  '  or set REDIS_URL to a Redis you run yourself, e.g. REDIS_URL=redis://my-host:6379';

export async function ensureRedis(opts: EnsureRedisOptions): Promise<LocalRedis> {
  const log = opts.log ?? (() => {});
  if (await answersPing(DEFAULT_URL)) {
    log(`using the Redis already running at ${DEFAULT_URL}`);
    return { url: DEFAULT_URL, started: false, stop: async () => {} };
  }
  return startRedisServer(opts);
}

/** A `redis-server` of our own on a free port, whatever else runs (tests that flush a whole server use one). */
export async function startRedisServer(opts: EnsureRedisOptions): Promise<LocalRedis> {
  const log = opts.log ?? (() => {});
  const binary = findOnPath('redis-server');
  if (!binary) throw new Error(NO_REDIS_MESSAGE);

  const dataDir = path.resolve(opts.dataDir);
  await fs.mkdir(dataDir, { recursive: true });
  const pidFile = path.join(dataDir, 'redis-server.pid');
  await stopLeftover(pidFile, log);

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const child = spawn(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--hz',
        '100',
        '--dir',
        dataDir,
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = captureLines(child, log);
    let spawnError: Error | undefined;
    child.once('error', (err) => (spawnError = err));
    const onExit = () => child.kill('SIGTERM'); // last resort if our process exits without stop()
    process.once('exit', onExit);
    child.once('exit', () => process.off('exit', onExit));
    if (child.pid) {
      opts.onSpawn?.(child.pid);
      await fs.writeFile(pidFile, `${child.pid}\n`);
    }

    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (spawnError || child.exitCode !== null || child.signalCode !== null) break;
      if (await answersPing(url)) {
        log(`started redis-server (pid ${child.pid}) at ${url}`);
        let stopping: Promise<void> | undefined;
        const stop = async () => {
          await stopChild(child, STOP_STEPS);
          await fs.rm(pidFile, { force: true });
        };
        return { url, started: true, stop: () => (stopping ??= stop()) };
      }
      if (Date.now() > deadline) {
        await stopChild(child, STOP_STEPS);
        throw new Error(`redis-server did not answer PING within ${READY_TIMEOUT_MS / 1000} s\n${output.join('\n')}`);
      }
      await delay(100);
    }
    await delay(50); // let the last output lines arrive
    await fs.rm(pidFile, { force: true });
    const text = output.join('\n');
    if (/address already in use/i.test(text) && attempt < 3) {
      log(`port ${port} was taken meanwhile; trying another one`);
      continue;
    }
    const reason = spawnError?.message ?? `exited with ${child.exitCode ?? child.signalCode}`;
    throw new Error(`redis-server did not start: ${reason}\n${text}`);
  }
}

/**
 * True when the Redis at url answers PING within timeoutMs. Speaks RESP on a bare socket: nothing to
 * retry, no timers left behind; a Redis that wants a password answers -NOAUTH, which counts as no.
 */
export function answersPing(url: string, timeoutMs = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379) });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.once('close', () => done(false));
  });
}

/** A redis-server of ours left running by a launcher that was killed: stop it before starting another. */
async function stopLeftover(pidFile: string, log: (line: string) => void): Promise<void> {
  const pid = Number((await fs.readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && (await commandLineOf(pid))?.includes('redis-server')) {
    log(`stopping a redis-server left running by an earlier run (pid ${pid})`);
    try {
      process.kill(pid, 'SIGTERM');
      for (const until = Date.now() + 10_000; Date.now() < until && isAlive(pid);) await delay(100);
    } catch {
      // gone already, or not ours to stop: starting on a new port works either way
    }
  }
  await fs.rm(pidFile, { force: true });
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
