import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';

const run = promisify(execFile);

export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Where benchmarks keep scratch files (pgbench scripts and logs); ignored by git. */
export const OUT_DIR = 'bench/.out';

/** A number from the environment, or the default. */
export const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, not "${raw}"`);
  return value;
};

/** A comma list of numbers from the environment (`BENCH_CLIENTS=1,10,50`), or the default. */
export const envNumbers = (name: string, fallback: number[]): number[] =>
  process.env[name]?.trim()
    ? process.env[name]!.split(',')
        .map((s) => Number(s.trim()))
        .filter((n) => Number.isFinite(n) && n > 0)
    : fallback;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function sql(url: string, text: string, values?: unknown[]): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database for one benchmark. */
export async function freshDatabase(name: string): Promise<string> {
  await dropDatabase(name);
  await sql(ADMIN_URL, `CREATE DATABASE ${name}`);
  return withDatabase(ADMIN_URL, name);
}

export async function dropDatabase(name: string): Promise<void> {
  await sql(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** What a result depends on: the hardware, the software versions and the durability settings, and when it ran. */
export interface MachineInfo {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  pgSettings: string;
  redis: string;
  at: string;
  /** The 1-minute load average as the benchmark started: other work on the machine skews the figures. */
  load: number;
}

export async function describeMachine(url: string): Promise<MachineInfo> {
  const settings = (
    await sql(
      url,
      `SELECT name, setting, unit FROM pg_settings
        WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'work_mem', 'max_connections', 'wal_level') ORDER BY name`,
    )
  ).rows as Array<{ name: string; setting: string; unit: string | null }>;
  const shown = settings.map(
    (s) =>
      `${s.name} ${s.unit === '8kB' ? `${Math.round((Number(s.setting) * 8) / 1024)}MB` : s.unit === 'kB' ? `${Math.round(Number(s.setting) / 1024)}MB` : s.setting}`,
  );
  const pgVersion = (await sql(url, 'SHOW server_version')).rows[0].server_version as string;
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let redisVersion: string;
  try {
    await redis.connect();
    const info = await redis.info('server');
    const persistence = await redis.info('persistence');
    redisVersion = `${/redis_version:(\S+)/.exec(info)?.[1] ?? '?'} (appendonly ${/aof_enabled:(\d)/.exec(persistence)?.[1] === '1' ? 'yes' : 'no'})`;
  } finally {
    redis.disconnect();
  }
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: pgVersion.split(' ')[0]!,
    pgSettings: shown.join(', '),
    redis: redisVersion,
    at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    load: os.loadavg()[0]!,
  };
}

export const machineLine = (m: MachineInfo): string =>
  `${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB; Node ${m.node}; PostgreSQL ${m.postgres} (${m.pgSettings}); Redis ${m.redis}; ` +
  `load average ${m.load.toFixed(1)} at the start (other work shares the machine)`;

/** The machine in one line (kept for the benchmarks that print it as they start). */
export async function machine(url: string): Promise<string> {
  return machineLine(await describeMachine(url));
}

export interface RateResult {
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** CPU time of the measured process per operation, in ms (when measured), and the share of it in the kernel. */
  cpuMs?: number;
  sysShare?: number;
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux). */
export async function processCpuMs(pid: number): Promise<{ user: number; system: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 }; // utime, stime in clock ticks (USER_HZ = 100)
}

/** Runs `measure`, adding the CPU time `pid` used per operation during it. */
export async function withCpu(pid: number, measure: () => Promise<RateResult>): Promise<RateResult> {
  const before = await processCpuMs(pid);
  const result = await measure();
  const after = await processCpuMs(pid);
  const user = after.user - before.user;
  const system = after.system - before.system;
  return { ...result, cpuMs: (user + system) / result.count, sysShare: system / (user + system) };
}

/**
 * Runs pgbench with a custom script; returns its TPS (without connection time) and, from its per-transaction
 * log, the latency percentiles in ms.
 */
export async function pgbench(
  url: string,
  script: string,
  options: { clients: number; seconds: number; vars: Record<string, number | string> },
): Promise<RateResult> {
  const u = new URL(url);
  const tag = `pgbench_log_${process.pid}_${Date.now()}`;
  const args = [
    '-n',
    '-M',
    'prepared',
    '-c',
    String(options.clients),
    '-j',
    String(Math.min(options.clients, os.cpus().length)),
    '-T',
    String(options.seconds),
    '-f',
    script,
    '-l',
    `--log-prefix=${path.join(OUT_DIR, tag)}`,
    ...Object.entries(options.vars).flatMap(([k, v]) => ['-D', `${k}=${v}`]),
    '-h',
    u.hostname,
    '-p',
    u.port || '5432',
    '-U',
    decodeURIComponent(u.username || 'postgres'),
    u.pathname.slice(1),
  ];
  const { stdout } = await run('pgbench', args, {
    env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) },
    maxBuffer: 1 << 24,
  });
  const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
  if (!match) throw new Error(`could not read pgbench's TPS from:\n${stdout}`);
  const failed = /number of failed transactions: (\d+)/.exec(stdout);
  if (failed && Number(failed[1]) > 0) throw new Error(`pgbench: ${failed[1]} transactions failed:\n${stdout}`);
  const latencies: number[] = [];
  for (const file of (await readdir(OUT_DIR)).filter((f) => f.startsWith(tag))) {
    const text = await readFile(path.join(OUT_DIR, file), 'utf8');
    for (const line of text.split('\n')) {
      const fields = line.split(' ');
      if (fields.length > 3) latencies.push(Number(fields[2]) / 1000);
    }
    await rm(path.join(OUT_DIR, file));
  }
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    perSecond: Number(match[1]),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/**
 * Runs `op` from `clients` concurrent closed loops for `seconds` (after `warmup` seconds that are not counted);
 * returns throughput and latency percentiles in ms.
 */
export async function load(
  clients: number,
  seconds: number,
  op: (client: number, i: number) => Promise<void>,
  warmup = 0,
): Promise<RateResult> {
  const latencies: number[] = [];
  const counted = performance.now() + warmup * 1000;
  const end = counted + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; performance.now() < end; i++) {
        const t = performance.now();
        await op(client, i);
        if (t >= counted) latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - counted) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/**
 * Starts a built Concord process (`dist/...`) and resolves once `ready` says so. With BENCH_PROFILE_DIR set,
 * the process writes a CPU profile there when it exits.
 */
export async function startProcess(
  entry: string,
  env: NodeJS.ProcessEnv,
  ready: () => Promise<boolean>,
): Promise<ChildProcess> {
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  const child = spawn(process.execPath, [...profile, entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let tries = 0; tries < 2400; tries++) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    if (await ready().catch(() => false)) return child;
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`${entry} did not become ready`);
}

/** Stops a process started by startProcess: SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Deletes every Redis key under a BullMQ prefix (faster than obliterating queues of a million jobs). */
export async function dropRedisPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let dropped = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5_000);
    cursor = next;
    if (keys.length) dropped += await redis.unlink(...keys);
  } while (cursor !== '0');
  return dropped;
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';
export const ms = (n: number) => fmt(n, n < 10 ? 2 : n < 100 ? 1 : 0);
export const ratio = (n: number, base: number) => `${fmt(n / base, 2)}×`;

/** Runs a benchmark's `main` as a process: exit 0 when it finished, 1 (with the error) when it did not. */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
