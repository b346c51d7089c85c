import { execFile, spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

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
  await sql(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await sql(ADMIN_URL, `CREATE DATABASE ${name}`);
  return withDatabase(ADMIN_URL, name);
}

export async function machine(url: string): Promise<string> {
  const pgVersion = (await sql(url, 'SHOW server_version')).rows[0].server_version as string;
  const fsync = (await sql(url, 'SHOW fsync')).rows[0].fsync as string;
  const sync = (await sql(url, 'SHOW synchronous_commit')).rows[0].synchronous_commit as string;
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${pgVersion} (fsync ${fsync}, synchronous_commit ${sync})`;
}

/** Runs pgbench with a custom script; returns its TPS (without connection time). */
export async function pgbench(url: string, script: string, options: { clients: number; seconds: number; vars: Record<string, number> }): Promise<number> {
  const u = new URL(url);
  const args = [
    '-n', '-M', 'prepared', '-c', String(options.clients), '-j', String(Math.min(options.clients, os.cpus().length)),
    '-T', String(options.seconds), '-f', script,
    ...Object.entries(options.vars).flatMap(([k, v]) => ['-D', `${k}=${v}`]),
    '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres'), u.pathname.slice(1),
  ];
  const { stdout } = await run('pgbench', args, { env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) }, maxBuffer: 1 << 24 });
  const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
  if (!match) throw new Error(`could not read pgbench's TPS from:\n${stdout}`);
  return Number(match[1]);
}

/** Runs `op` from `clients` concurrent loops for `seconds`; returns throughput and latency percentiles. */
export async function load(clients: number, seconds: number, op: (client: number, i: number) => Promise<void>) {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; performance.now() < end; i++) {
        const t = performance.now();
        await op(client, i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { count: latencies.length, perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/**
 * Starts a built Concord process (`dist/...`) and resolves once `ready` says so. With BENCH_PROFILE_DIR set,
 * the process writes a CPU profile there when it exits.
 */
export async function startProcess(entry: string, env: NodeJS.ProcessEnv, ready: () => Promise<boolean>): Promise<ChildProcess> {
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let tries = 0; tries < 240; tries++) {
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

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
