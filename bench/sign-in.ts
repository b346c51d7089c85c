/**
 * Sign-ins per second and their latency through the HTTP API, with the argon2id cost Concord hashes with; the
 * baseline is argon2id alone in the same process (the work each sign-in cannot avoid). Every sign-in verifies one
 * hash (a successful one, and a failed one, which verifies against a dummy hash for an unknown user), so the rate
 * is bounded by the CPU the hash takes. Timed rounds per concurrency, each with a fresh set of accounts (a
 * success clears an account's failures; the address's are cleared between rounds).
 *   npm run bench -- sign-in     (BENCH_SECONDS per round, default 5; BENCH_CLIENTS, default 1,2,8)
 */
import { argon2Sync, randomBytes } from 'node:crypto';
import { createApi } from '../apps/api/src/api.factory.js';
import { ARGON2_PARAMETERS } from '#auth';
import type { ConcordConfig } from '#config';
import { Database } from '#persistence';
import { HttpClient } from './http.js';
import {
  describeMachine,
  dropDatabase,
  envNumber,
  envNumbers,
  fmt,
  freshDatabase,
  ms,
  percentile,
  ratio,
  REDIS_URL,
  runBenchmark,
} from './lib.js';
import { Report } from './report.js';

const DB = 'concord_bench_sign_in';
const SECONDS = envNumber('BENCH_SECONDS', 5);
const CLIENTS = envNumbers('BENCH_CLIENTS', [1, 2, 8]);
const PASSWORD = 'bench-Sign-in-2026';
const ACCOUNTS = 64;

/** argon2id hashes per second in this process, and the CPU ms each takes. */
function hashRate(): { perSecond: number; cpuMs: number } {
  const parameters = { ...ARGON2_PARAMETERS, message: PASSWORD, nonce: randomBytes(16) };
  argon2Sync('argon2id', parameters);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < SECONDS * 1000) {
    argon2Sync('argon2id', parameters);
    n++;
  }
  const used = process.cpuUsage(cpu);
  return { perSecond: n / ((performance.now() - started) / 1000), cpuMs: (used.user + used.system) / 1000 / n };
}

async function main(): Promise<void> {
  const url = await freshDatabase(DB);
  const machine = await describeMachine(url);
  const config: ConcordConfig = {
    port: 0,
    databaseUrl: url,
    redisUrl: REDIS_URL,
    adminKey: `ck_admin_bench_${randomBytes(16).toString('hex')}`,
    dataKey: randomBytes(24).toString('base64'),
    queuePrefix: `concord-bench-sign-in-${randomBytes(3).toString('hex')}`,
    dbPoolSize: 20,
    bodyLimit: 1_048_576,
    workerConsumes: 'all',
    reconcileIntervalMs: 120_000,
    jobLockMs: 30_000,
    webhookAttempts: 8,
    webhookBackoffMs: 10_000,
    webhookTimeoutMs: 10_000,
    idempotencyTtlHours: 24,
    webhookAllowPrivate: [],
    webhookRequireHttps: false,
    sessionIdleMinutes: 30,
    sessionMaxHours: 12,
    secureCookies: false,
  };
  const app = await createApi(config, { logger: ['error'], docsUi: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.getHttpServer().address() as { port: number }).port;
  const db = app.get(Database);
  const http = new HttpClient(port, Math.max(...CLIENTS));
  const admin = { authorization: `Bearer ${config.adminKey}` };
  await http.expect(
    { method: 'POST', path: '/api/v1/units', headers: admin, body: { code: 'B', name: 'Bench', level: 'district' } },
    201,
  );
  for (let i = 0; i < ACCOUNTS; i++)
    await http.expect(
      {
        method: 'POST',
        path: '/api/v1/users',
        headers: admin,
        body: { username: `bench.${i}`, name: `Bench ${i}`, unitCode: 'B', roles: ['mediator'], password: PASSWORD },
      },
      201,
    );

  const baseline = hashRate();
  process.stdout.write(`argon2id alone: ${fmt(baseline.perSecond, 1)}/s, ${ms(baseline.cpuMs)} ms of CPU each\n`);
  const rows: string[][] = [];
  for (const clients of CLIENTS) {
    for (const [kind, password] of [
      ['right password', PASSWORD],
      ['wrong password', 'not-the-Password-1'],
    ] as const) {
      await db.query(`DELETE FROM sign_in_failures`);
      const latencies: number[] = [];
      const started = performance.now();
      const deadline = started + SECONDS * 1000;
      let n = 0;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (performance.now() < deadline) {
            const account = `bench.${n++ % ACCOUNTS}`;
            const t = performance.now();
            const answer = await http.request({
              method: 'POST',
              path: '/api/v1/session',
              body: { username: account, password },
            });
            if (answer.status !== (kind === 'right password' ? 200 : 401))
              throw new Error(`sign-in answered ${answer.status}: ${answer.body.slice(0, 200)}`);
            latencies.push(performance.now() - t);
            // A wrong password counts against the address too: clear it so the next ones are verified, not locked.
            if (kind === 'wrong password' && latencies.length % 4 === 0) await db.query(`DELETE FROM sign_in_failures`);
          }
        }),
      );
      const rate = latencies.length / ((performance.now() - started) / 1000);
      latencies.sort((a, b) => a - b);
      rows.push([
        `${clients}`,
        kind,
        fmt(rate, 1),
        ratio(rate, baseline.perSecond),
        ms(percentile(latencies, 50)),
        ms(percentile(latencies, 99)),
      ]);
      process.stdout.write(`${clients} clients, ${kind}: ${fmt(rate, 1)}/s\n`);
    }
  }
  http.close();
  await app.close();
  await dropDatabase(DB);

  const report = new Report('sign-in', 'sign-ins per second through HTTP, against argon2id alone');
  report.text(
    `argon2id m=${ARGON2_PARAMETERS.memory} KiB, t=${ARGON2_PARAMETERS.passes}, p=${ARGON2_PARAMETERS.parallelism}: ` +
      `${ms(baseline.cpuMs)} ms of CPU per hash, ${fmt(baseline.perSecond, 1)} hashes/s in one thread. A sign-in is one ` +
      'verification whatever its outcome (an unknown user verifies against a dummy hash), plus a session row or a ' +
      'failure row and a security-log entry.',
  );
  report.table(['clients', 'sign-in', 'sign-ins/s', 'vs argon2 alone', 'p50 ms', 'p99 ms'], rows, [
    'r',
    'l',
    'r',
    'r',
    'r',
    'r',
  ]);
  await report.write(machine, `BENCH_SECONDS=${SECONDS} BENCH_CLIENTS=${CLIENTS.join(',')}, ${ACCOUNTS} accounts`);
}

runBenchmark(main);
