/**
 * Deadline lateness with many deadlines pending, against raw BullMQ in the same run.
 *
 * For each level of pending deadlines (100,000 and 1,000,000 by default): the pending rows are written to
 * PostgreSQL (due in 1–60 days), and a real worker process starts on an empty Redis, so its reconciler
 * re-creates every timer from PostgreSQL, as after a Redis loss. Then, with all of them pending in PostgreSQL
 * and Redis, a steady stream comes due (BENCH_RATE per second over BENCH_WINDOW_SECONDS), written the engine's
 * way (deadline row and outbox row, moved to BullMQ by the worker's own relay). Each firing is a real
 * DEADLINE_ELAPSED transition. Lateness is measured when the job starts (the timer and queue) and when the
 * transition commits (`fired_at`). A periodic reconcile pass is made to fall inside the window.
 *
 * The baseline is raw BullMQ with no database: the same number of delayed jobs added in bulk, the same stream
 * coming due, a no-op processor of the same concurrency. Last, a burst (BENCH_BURST deadlines all due within
 * BENCH_BURST_SECONDS) measures firing throughput, labelled as such.
 *   npm run bench -- deadlines
 * BENCH_PENDING (default 100000,1000000), BENCH_RATE (150), BENCH_WINDOW_SECONDS (45), BENCH_BURST (20000; 0 skips),
 * BENCH_BURST_SECONDS (20), BENCH_WORKERS (1).
 */
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { SystemClock } from '#clock';
import { DeadlineBook } from '#deadlines';
import type { Actor } from '#domain';
import { CaseEngine } from '#engine';
import { PartyVault, PiiCipher } from '#parties';
import { createDataSource, Database, migrate } from '#persistence';
import { createRedis, DEFAULT_JOB_OPTIONS, JobName, QueueName } from '#queues';
import {
  ADMIN_URL,
  describeMachine,
  dropDatabase,
  dropRedisPrefix,
  envNumber,
  envNumbers,
  fmt,
  freshDatabase,
  percentile,
  REDIS_URL,
  runBenchmark,
  sql,
  startProcess,
  stopProcess,
} from './lib.js';
import { Report } from './report.js';

const DB = 'concord_bench_deadlines';
const LEVELS = envNumbers('BENCH_PENDING', [100_000, 1_000_000]);
const RATE = envNumber('BENCH_RATE', 150);
const WINDOW_S = envNumber('BENCH_WINDOW_SECONDS', 45);
const BURST = envNumber('BENCH_BURST', 20_000);
const BURST_S = envNumber('BENCH_BURST_SECONDS', 20);
const WORKERS = envNumber('BENCH_WORKERS', 1);
const LEAD_MS = 8_000;
const CONCURRENCY = 32; // the deadlines processor's
const BATCH = 100_000;
const MAX_CASES = 100_000;
const actor: Actor = { id: '00000000-0000-7000-8000-00000000beef', role: 'admin', name: 'bench' };
const caseIdSql = (n: string) => `('00000000-0000-7000-8000-' || lpad(to_hex(${n}), 12, '0'))::uuid`;
const deadlineIdSql = (n: string) => `('d0000000-0000-7000-8000-' || lpad(to_hex(${n}), 12, '0'))::uuid`;

interface Lateness {
  p50: number;
  p99: number;
  max: number;
  n: number;
}
const lateness = (xs: number[]): Lateness => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN, n: s.length };
};

interface LevelResult {
  pending: number;
  raw: { addPerS: number; window: Lateness; burst?: { perS: number; late: Lateness } };
  concord: {
    rowsPerS: number;
    restorePerS: number;
    restoreS: number;
    relayedIn: number;
    windowStart: Lateness;
    windowCommit: Lateness;
    burst?: { perS: number; start: Lateness; commit: Lateness };
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Raw BullMQ: `pending` delayed jobs added in bulk, then a stream due at RATE/s; a no-op worker. */
async function rawBaseline(redis: Redis, pending: number, withBurst: boolean): Promise<LevelResult['raw']> {
  const prefix = `concord-bench-raw-${randomBytes(3).toString('hex')}`;
  const queue = new Queue('deadlines', { connection: redis, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  const data = (n: number, dueAt: number) => ({
    deadlineId: `d0000000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`,
    caseId: `00000000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`,
    clockId: `d0000000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`,
    key: 'dispute.intake',
    kind: 'due',
    percent: null,
    dueAt: new Date(dueAt).toISOString(),
  });
  const window = RATE * WINDOW_S;
  const t = performance.now();
  const now = Date.now();
  for (let from = 0; from < pending - window; from += 2_000) {
    const jobs = [];
    for (let n = from; n < Math.min(pending - window, from + 2_000); n++) {
      const delay = 86_400_000 + Math.floor(Math.random() * 59 * 86_400_000);
      jobs.push({ name: JobName.DeadlineFire, data: data(n, now + delay), opts: { jobId: `bg-${n}`, delay } });
    }
    await queue.addBulk(jobs);
  }
  const addPerS = (pending - window) / ((performance.now() - t) / 1000);
  const late: number[] = [];
  const worker = new Worker(
    'deadlines',
    async (job) => {
      late.push(Date.now() - (job.timestamp + (job.opts.delay ?? 0)));
    },
    { connection: redis.duplicate(), prefix, concurrency: CONCURRENCY },
  );
  await worker.waitUntilReady();
  const stream = async (count: number, overMs: number, tag: string) => {
    const first = Date.now() + LEAD_MS;
    for (let from = 0; from < count; from += 2_000) {
      const jobs = [];
      const at = Date.now();
      for (let i = from; i < Math.min(count, from + 2_000); i++) {
        const due = first + Math.floor((i * overMs) / count);
        jobs.push({ name: JobName.DeadlineFire, data: data(i, due), opts: { jobId: `${tag}-${i}`, delay: due - at } });
      }
      await queue.addBulk(jobs);
    }
    late.length = 0;
    while (late.length < count && Date.now() < first + overMs + 300_000) await sleep(200);
    return { late: [...late], seconds: (Date.now() - first) / 1000 };
  };
  const steady = await stream(window, WINDOW_S * 1000, 'w');
  let burst: LevelResult['raw']['burst'];
  if (withBurst && BURST > 0) {
    const b = await stream(BURST, BURST_S * 1000, 'b');
    burst = { perS: BURST / b.seconds, late: lateness(b.late) };
  }
  await worker.close();
  await queue.close();
  await dropRedisPrefix(redis, prefix);
  return { addPerS, window: lateness(steady.late), burst };
}

async function concordLevel(redis: Redis, pending: number, withBurst: boolean): Promise<LevelResult['concord']> {
  const url = await freshDatabase(DB);
  await migrate(url);
  const prefix = `concord-bench-${randomBytes(3).toString('hex')}`;
  await sql(
    url,
    `INSERT INTO units (code, name, level, parent_code, path, created_at) VALUES
    ('B-D', 'Bench district', 'district', NULL, '/B-D/', now()),
    ('B-S', 'Bench street', 'street', 'B-D', '/B-D/B-S/', now()),
    ('B-C', 'Bench community', 'community', 'B-S', '/B-D/B-S/B-C/', now())`,
  );
  const dataKey = randomBytes(24).toString('base64');
  const dataSource = await createDataSource({ url, poolSize: 4 }).initialize();
  const db = new Database(dataSource);
  const engine = new CaseEngine(db, new SystemClock(), new PartyVault(new PiiCipher(dataKey)), new DeadlineBook());
  // One real case in intake.registered, copied: every deadline that fires belongs to a case of its own; the
  // pending background rows share MAX_CASES cases (a due row and its two warnings, and more).
  const { case: template } = await engine.open({
    kind: 'dispute',
    channel: 'walk_in',
    unitCode: 'B-C',
    summary: 'bench',
    description: 'bench',
    parties: [],
    actor,
    scope: null,
  });
  await sql(url, `DELETE FROM outbox; DELETE FROM deadlines`);
  const window = RATE * WINDOW_S;
  const background = pending - window;
  const bgCases = Math.min(background, MAX_CASES);
  const burst = withBurst ? BURST : 0;
  const copyCases = async (from: number, to: number) =>
    sql(
      url,
      `INSERT INTO cases SELECT ${caseIdSql('n')}, 'B-' || n, 'B' || n,
        kind, machine_version, state, stage, version, unit_code, channel, category, risk_level, outcome, supervised, summary,
        description, occurred_at, snapshot, head_hash, created_by, created_at, updated_at
      FROM generate_series(${from}, ${to}) n, (SELECT * FROM cases WHERE id = $1) c`,
      [template.id],
    );
  await copyCases(1, bgCases + window + burst);

  // The pending rows, as the engine writes them (a due row, and warnings at 50% and 80%), due in 1 to 60 days.
  let t = performance.now();
  for (let from = 1; from <= background; from += BATCH) {
    const to = Math.min(background, from + BATCH - 1);
    await sql(
      url,
      `
      INSERT INTO deadlines (id, case_id, key, kind, percent, clock_id, state, armed_version, starts_at, due_at, status, derivation, created_at)
      SELECT ${deadlineIdSql('n')}, ${caseIdSql(`1 + n % ${bgCases}`)}, 'dispute.intake',
             CASE WHEN n % 3 = 0 THEN 'due' ELSE 'warning' END, CASE n % 3 WHEN 1 THEN 50 WHEN 2 THEN 80 END,
             ${deadlineIdSql(`n - n % 3`)}, 'intake.registered', 1, now(), now() + interval '1 day' + random() * interval '59 days',
             'pending', '{"bench": true}', now()
        FROM generate_series(${from}, ${to}) n`,
    );
  }
  const rowsPerS = background / ((performance.now() - t) / 1000);
  await sql(url, 'VACUUM ANALYZE');

  // A worker on an empty Redis: its reconciler restores every timer before it starts consuming.
  t = performance.now();
  const deadlinesQueue = new Queue(QueueName.Deadlines, { connection: redis, prefix });
  const workerEnv = (intervalMs: number) => ({
    DATABASE_URL: url,
    REDIS_URL,
    CONCORD_DATA_KEY: dataKey,
    CONCORD_QUEUE_PREFIX: prefix,
    CONCORD_WORKER_CONSUMES: QueueName.Deadlines,
    CONCORD_DB_POOL_SIZE: '40',
    CONCORD_RECONCILE_INTERVAL_MS: String(intervalMs),
  });
  // The periodic pass is timed from the end of the start-up one (when the worker starts consuming): a third of
  // the way into the window, which starts LEAD_MS after the stream is written.
  const interval = LEAD_MS + 2_000 + Math.round((WINDOW_S * 1000) / 3);
  const workers = [
    await startProcess(
      'dist/apps/worker/src/main.js',
      workerEnv(interval),
      async () => (await deadlinesQueue.getWorkersCount()) > 0,
    ),
  ];
  const restoreS = (performance.now() - t) / 1000;
  for (let i = 1; i < WORKERS; i++) {
    workers.push(
      await startProcess(
        'dist/apps/worker/src/main.js',
        workerEnv(600_000),
        async () => (await deadlinesQueue.getWorkersCount()) > i,
      ),
    );
  }
  const restored = (await redis.zcard(deadlinesQueue.toKey('delayed'))) as number;
  process.stdout.write(
    `  ${fmt(pending)} pending: rows ${fmt(rowsPerS)}/s; worker restored ${fmt(restored)} timers in ${fmt(restoreS, 1)} s\n`,
  );

  // The stream: deadline rows and outbox rows written the engine's way, relayed by the worker's relay.
  const writeDue = async (fromCase: number, count: number, overMs: number) => {
    const first = Date.now() + LEAD_MS;
    await sql(
      url,
      `
      WITH d AS (
        INSERT INTO deadlines (id, case_id, key, kind, percent, clock_id, state, armed_version, starts_at, due_at, status, derivation, created_at)
        SELECT id, case_id, 'dispute.intake', 'due', NULL, id, 'intake.registered', 1, now(), due, 'pending', '{"bench": true}', now()
          FROM (SELECT gen_random_uuid() AS id, ${caseIdSql('n')} AS case_id,
                       to_timestamp(($3::bigint + (n - $1) * $4::double precision) / 1000.0) AS due
                  FROM generate_series($1::int, $2::int) n) s
        RETURNING id, case_id, due_at)
      INSERT INTO outbox (id, case_id, queue, name, payload, created_at, job_id, run_at)
      SELECT gen_random_uuid(), case_id, 'deadlines', 'deadline.fire',
             jsonb_build_object('deadlineId', id, 'caseId', case_id, 'clockId', id, 'key', 'dispute.intake', 'kind', 'due',
                                'percent', NULL, 'dueAt', to_json(due_at) #>> '{}'),
             now(), id::text, due_at FROM d`,
      [fromCase, fromCase + count - 1, first, overMs / count],
    );
    const written = Date.now();
    while ((await sql(url, `SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`)).rows[0].n > 0)
      await sleep(100);
    const relayedIn = (Date.now() - written) / 1000;
    const range = `case_id BETWEEN ${caseIdSql(String(fromCase))} AND ${caseIdSql(String(fromCase + count - 1))} AND key = 'dispute.intake' AND kind = 'due'`;
    const until = first + overMs + 300_000;
    while (Date.now() < until) {
      const { n } = (await sql(url, `SELECT count(*)::int AS n FROM deadlines WHERE ${range} AND status = 'fired'`))
        .rows[0];
      if (n >= count) break;
      await sleep(500);
    }
    const seconds = (Date.now() - first) / 1000;
    const rows = (
      await sql(
        url,
        `SELECT id, extract(epoch FROM due_at) * 1000 AS due, extract(epoch FROM fired_at) * 1000 AS fired
                                     FROM deadlines WHERE ${range} AND status = 'fired'`,
      )
    ).rows as Array<{ id: string; due: string; fired: string }>;
    const pipeline = redis.pipeline();
    for (const r of rows) pipeline.hget(deadlinesQueue.toKey(r.id), 'processedOn');
    const processedOn = ((await pipeline.exec()) ?? []).map(([, v]) => Number(v));
    return {
      relayedIn,
      seconds,
      fired: rows.length,
      start: lateness(rows.map((r, i) => processedOn[i]! - Number(r.due)).filter(Number.isFinite)),
      commit: lateness(rows.map((r) => Number(r.fired) - Number(r.due))),
    };
  };
  const steady = await writeDue(bgCases + 1, window, WINDOW_S * 1000);
  if (steady.fired < window)
    process.stdout.write(`  note: only ${fmt(steady.fired)} of ${fmt(window)} fired within 5 minutes of the window\n`);
  let burstResult: LevelResult['concord']['burst'];
  if (burst) {
    const b = await writeDue(bgCases + window + 1, burst, BURST_S * 1000);
    burstResult = { perS: b.fired / b.seconds, start: b.start, commit: b.commit };
  }
  await Promise.all(workers.map((w) => stopProcess(w)));
  await deadlinesQueue.close();
  await dropRedisPrefix(redis, prefix);
  await dataSource.destroy();
  await dropDatabase(DB);
  return {
    rowsPerS,
    restorePerS: restored / restoreS,
    restoreS,
    relayedIn: steady.relayedIn,
    windowStart: steady.start,
    windowCommit: steady.commit,
    burst: burstResult,
  };
}

async function main(): Promise<void> {
  const machine = await describeMachine(ADMIN_URL);
  const redis = createRedis(REDIS_URL);
  const hz = ((await redis.config('GET', 'hz')) as string[])[1];
  process.stdout.write(
    `levels ${LEVELS.map((l) => fmt(l)).join(', ')} pending; stream ${RATE}/s over ${WINDOW_S} s; burst ${fmt(BURST)} in ${BURST_S} s; ${WORKERS} worker(s); Redis hz ${hz}\n`,
  );
  const results: LevelResult[] = [];
  for (const [i, pending] of LEVELS.entries()) {
    const withBurst = i === 0;
    const raw = await rawBaseline(redis, pending, withBurst);
    process.stdout.write(
      `  raw BullMQ at ${fmt(pending)}: add ${fmt(raw.addPerS)}/s, window p99 ${fmt(raw.window.p99)} ms\n`,
    );
    const concord = await concordLevel(redis, pending, withBurst);
    results.push({ pending, raw, concord });
  }
  await redis.quit();

  const report = new Report('deadlines', 'deadline lateness with 100k and 1M pending, against raw BullMQ');
  report.text(
    `At each level, that many deadlines are pending in PostgreSQL and in Redis (due in 1–59 days) while a steady stream of ` +
      `${RATE}/s comes due for ${WINDOW_S} s (${fmt(RATE * WINDOW_S)} deadlines); each firing is a real DEADLINE_ELAPSED ` +
      `transition by ${WORKERS} worker process(es) (deadline concurrency ${CONCURRENCY}). The stream's rows are written the engine's ` +
      "way (deadline row and outbox row) shortly before they are due and moved to BullMQ by the worker's own relay. The pending " +
      'rows are written straight to PostgreSQL and the worker starts on an empty Redis: its reconciler restores every timer from ' +
      'PostgreSQL before it consumes (the path after a Redis loss). The reconcile interval is set so that a periodic pass over ' +
      'every pending row starts a third of the way into the window. Raw BullMQ: the same number of delayed jobs added with addBulk, the same ' +
      'stream, a no-op processor of the same concurrency, no database. Lateness in ms after the due time.',
  );
  const rows: string[][] = [];
  for (const r of results) {
    rows.push([
      `${fmt(r.pending)} pending`,
      'raw BullMQ, job start',
      fmt(r.raw.window.p50),
      fmt(r.raw.window.p99),
      fmt(r.raw.window.max),
      fmt(r.raw.window.n),
    ]);
    rows.push([
      '',
      'Concord, job start',
      fmt(r.concord.windowStart.p50),
      fmt(r.concord.windowStart.p99),
      fmt(r.concord.windowStart.max),
      fmt(r.concord.windowStart.n),
    ]);
    rows.push([
      '',
      'Concord, transition committed',
      fmt(r.concord.windowCommit.p50),
      fmt(r.concord.windowCommit.p99),
      fmt(r.concord.windowCommit.max),
      fmt(r.concord.windowCommit.n),
    ]);
  }
  report.table(['level', 'lateness of the stream', 'p50', 'p99', 'max', 'fired'], rows, ['l', 'l', 'r', 'r', 'r', 'r']);
  report.table(
    ['level', 'rows written/s', 'timers restored/s', '× raw addBulk/s', 'restore took', 'stream relayed in'],
    results.map((r) => [
      `${fmt(r.pending)} pending`,
      fmt(r.concord.rowsPerS),
      fmt(r.concord.restorePerS),
      `${fmt(r.concord.restorePerS / r.raw.addPerS, 2)}× of ${fmt(r.raw.addPerS)}`,
      `${fmt(r.concord.restoreS, 1)} s`,
      `${fmt(r.concord.relayedIn, 1)} s`,
    ]),
  );
  const b = results[0];
  if (b?.concord.burst && b.raw.burst) {
    report.text(
      `**Burst** (a throughput test, not steady state): ${fmt(BURST)} more deadlines all due within ${BURST_S} s, with ` +
        `${fmt(b.pending)} pending. Rate = fired ÷ time from the first due time to the last firing.`,
    );
    report.table(
      ['burst', 'per s', '× raw', 'start p50', 'start p99', 'commit p50', 'commit p99', 'max'],
      [
        [
          'raw BullMQ, no-op',
          fmt(b.raw.burst.perS),
          '1.00×',
          fmt(b.raw.burst.late.p50),
          fmt(b.raw.burst.late.p99),
          '',
          '',
          fmt(b.raw.burst.late.max),
        ],
        [
          'Concord DEADLINE_ELAPSED',
          fmt(b.concord.burst.perS),
          `${fmt(b.concord.burst.perS / b.raw.burst.perS, 2)}×`,
          fmt(b.concord.burst.start.p50),
          fmt(b.concord.burst.start.p99),
          fmt(b.concord.burst.commit.p50),
          fmt(b.concord.burst.commit.p99),
          fmt(b.concord.burst.commit.max),
        ],
      ],
    );
  }
  await report.write(
    machine,
    `BENCH_PENDING=${LEVELS.join(',')} BENCH_RATE=${RATE} BENCH_WINDOW_SECONDS=${WINDOW_S} BENCH_BURST=${BURST} BENCH_BURST_SECONDS=${BURST_S} BENCH_WORKERS=${WORKERS}`,
  );
}

runBenchmark(main);
