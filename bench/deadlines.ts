/**
 * 100,000 deadlines due over one minute: how fast they are scheduled (deadline rows and outbox rows written,
 * then relayed into BullMQ as delayed jobs) and how late they fire. Each firing is a real DEADLINE_ELAPSED
 * transition through the engine, run by real worker processes. Lateness is measured twice: when the job
 * started (the timer) and when the transition committed (`fired_at`).
 *   npm run bench -- deadlines      (BENCH_DEADLINES, BENCH_WINDOW_SECONDS, BENCH_LEAD_SECONDS, BENCH_WORKERS)
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { SystemClock } from '../libs/clock/src/index.js';
import { DeadlineBook } from '../libs/deadlines/src/deadline-book.js';
import type { Actor } from '../libs/domain/src/index.js';
import { CaseEngine } from '../libs/engine/src/index.js';
import { OutboxRelay } from '../libs/outbox/src/index.js';
import { PartyVault, PiiCipher } from '../libs/parties/src/index.js';
import { createDataSource, Database, migrate } from '../libs/persistence/src/index.js';
import { createQueues, createRedis, QueueName } from '../libs/queues/src/index.js';
import { fmt, freshDatabase, machine, percentile, REDIS_URL, sql, startProcess, stopProcess } from './lib.js';

const TOTAL = Number(process.env.BENCH_DEADLINES ?? 100_000);
const WINDOW_S = Number(process.env.BENCH_WINDOW_SECONDS ?? 60);
const LEAD_S = Number(process.env.BENCH_LEAD_SECONDS ?? 30);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const BATCH = 5_000;
const actor: Actor = { id: '00000000-0000-7000-8000-00000000beef', role: 'admin', name: 'bench' };

async function main(): Promise<void> {
  const url = await freshDatabase('concord_bench_deadlines');
  await migrate(url);
  const prefix = `concord-bench-${randomBytes(3).toString('hex')}`;
  const redis = createRedis(REDIS_URL);
  const hz = ((await redis.config('GET', 'hz')) as string[])[1];
  process.stdout.write(`machine: ${await machine(url)}; Redis hz ${hz}\n`);
  process.stdout.write(`${fmt(TOTAL)} deadlines due over ${WINDOW_S} s, the first ${LEAD_S} s after scheduling starts; ${WORKERS} worker process(es)\n`);
  await sql(url, `INSERT INTO units (code, name, level, parent_code, path, created_at) VALUES
    ('B-D', 'Bench district', 'district', NULL, '/B-D/', now()),
    ('B-S', 'Bench street', 'street', 'B-D', '/B-D/B-S/', now()),
    ('B-C', 'Bench community', 'community', 'B-S', '/B-D/B-S/B-C/', now())`);
  const dataKey = randomBytes(24).toString('base64');
  const dataSource = await createDataSource({ url, poolSize: 4 }).initialize();
  const db = new Database(dataSource);
  const engine = new CaseEngine(db, new SystemClock(), new PartyVault(new PiiCipher(dataKey)), new DeadlineBook());

  // One real case, copied: every deadline belongs to its own case in intake.registered.
  const { case: template } = await engine.open({
    kind: 'dispute', channel: 'walk_in', unitCode: 'B-C', summary: 'bench', description: 'bench', parties: [], actor, scope: null,
  });
  await sql(url, `DELETE FROM outbox; DELETE FROM deadlines`);
  await sql(url, `INSERT INTO cases SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'B-' || n, 'B' || n,
      kind, machine_version, state, stage, version, unit_code, channel, category, risk_level, outcome, supervised, summary,
      description, occurred_at, snapshot, head_hash, created_by, created_at, updated_at
    FROM generate_series(1, ${TOTAL}) n, (SELECT * FROM cases WHERE id = $1) c`, [template.id]);

  // Scheduling: what the engine writes for a clock (deadline row + outbox row), in batches, then the relay.
  const started = Date.now();
  const firstDue = started + LEAD_S * 1000;
  for (let from = 1; from <= TOTAL; from += BATCH) {
    const to = Math.min(TOTAL, from + BATCH - 1);
    await sql(url, `
      WITH d AS (
        INSERT INTO deadlines (id, case_id, key, kind, percent, clock_id, state, armed_version, starts_at, due_at, status, derivation, created_at)
        SELECT id, id_case, 'dispute.intake', 'due', NULL, id, 'intake.registered', 1, now(), due, 'pending', '{"bench": true}', now()
          FROM (SELECT gen_random_uuid() AS id, ('00000000-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid AS id_case,
                       to_timestamp(($3::bigint + (n - 1) * $4::double precision) / 1000.0) AS due
                  FROM generate_series($1::int, $2::int) n) s
        RETURNING id, case_id, due_at)
      INSERT INTO outbox (id, case_id, queue, name, payload, created_at, job_id, run_at)
      SELECT gen_random_uuid(), case_id, 'deadlines', 'deadline.fire',
             jsonb_build_object('deadlineId', id, 'caseId', case_id, 'clockId', id, 'key', 'dispute.intake', 'kind', 'due',
                                'percent', NULL, 'dueAt', to_json(due_at) #>> '{}'),
             now(), id::text, due_at FROM d`,
      [from, to, firstDue, (WINDOW_S * 1000) / TOTAL]);
  }
  const written = Date.now();
  const queues = createQueues(redis, prefix);
  const relay = new OutboxRelay(db, queues, new SystemClock(), { batchSize: 2_000 });
  while ((await relay.relayOnce()) > 0);
  const relayed = Date.now();
  const scheduleSeconds = (relayed - started) / 1000;
  process.stdout.write(
    `scheduled in ${fmt(scheduleSeconds, 1)} s: ${fmt(TOTAL / scheduleSeconds)} deadlines/s ` +
      `(rows ${fmt(TOTAL / ((written - started) / 1000))}/s, relay to BullMQ ${fmt(TOTAL / ((relayed - written) / 1000))}/s)\n`,
  );
  if (relayed > firstDue) process.stdout.write(`note: scheduling outran the lead time by ${fmt((relayed - firstDue) / 1000, 1)} s\n`);

  const workers = await Promise.all(
    Array.from({ length: WORKERS }, () =>
      startProcess(
        'dist/apps/worker/src/main.js',
        {
          DATABASE_URL: url, REDIS_URL, CONCORD_DATA_KEY: dataKey, CONCORD_QUEUE_PREFIX: prefix,
          CONCORD_WORKER_CONSUMES: QueueName.Deadlines, CONCORD_DB_POOL_SIZE: '40',
        },
        async () => true,
      ),
    ),
  );
  const deadline = firstDue + WINDOW_S * 1000 + 15 * 60_000;
  let fired = 0;
  while (Date.now() < deadline) {
    fired = Number((await sql(url, `SELECT count(*) AS n FROM deadlines WHERE key = 'dispute.intake' AND status = 'fired'`)).rows[0].n);
    if (fired >= TOTAL) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const finished = Date.now();
  await Promise.all(workers.map((w) => stopProcess(w)));

  const rows = (await sql(url, `SELECT id, extract(epoch FROM due_at) * 1000 AS due, extract(epoch FROM fired_at) * 1000 AS fired
                                  FROM deadlines WHERE key = 'dispute.intake' AND status = 'fired'`)).rows as Array<{ id: string; due: string; fired: string }>;
  const committed = rows.map((r) => Number(r.fired) - Number(r.due)).sort((a, b) => a - b);
  const pipeline = redis.pipeline();
  const deadlinesQueue = queues.get(QueueName.Deadlines)!;
  for (const r of rows) pipeline.hget(deadlinesQueue.toKey(r.id), 'processedOn');
  const processedOn = ((await pipeline.exec()) ?? []).map(([, v]) => Number(v));
  const started_ = rows.map((r, i) => processedOn[i]! - Number(r.due)).filter(Number.isFinite).sort((a, b) => a - b);
  const line = (name: string, xs: number[]) =>
    `${name.padEnd(34)}${fmt(percentile(xs, 50)).padStart(9)}${fmt(percentile(xs, 99)).padStart(9)}${fmt(xs[xs.length - 1] ?? NaN).padStart(9)}\n`;
  process.stdout.write(`\nfired ${fmt(fired)} of ${fmt(TOTAL)}; the last ${fmt((finished - (firstDue + WINDOW_S * 1000)) / 1000, 1)} s after the last was due\n`);
  process.stdout.write(`${'lateness, ms'.padEnd(34)}${'p50'.padStart(9)}${'p99'.padStart(9)}${'max'.padStart(9)}\n`);
  process.stdout.write(line('job started (timer + queue)', started_));
  process.stdout.write(line('transition committed (fired_at)', committed));
  process.stdout.write(`firing throughput: ${fmt(fired / ((finished - firstDue) / 1000))} transitions/s\n`);

  await Promise.all([...queues.values()].map((q: Queue) => q.obliterate({ force: true }).then(() => q.close())));
  await redis.quit();
  await dataSource.destroy();
  await sql(url.replace(/\/[^/]*$/, '/postgres'), 'DROP DATABASE IF EXISTS concord_bench_deadlines WITH (FORCE)');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
