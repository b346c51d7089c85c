/**
 * Referral webhook deliveries per second to a local receiver that answers 200 at once, against raw BullMQ in
 * the same run: add + process of the same number of jobs with a no-op processor, and with a processor that
 * POSTs the same body to the same receiver (the queue and HTTP, without the database).
 *
 * One real REFER writes a delivery (its CloudEvent body signed and stored); it is copied BENCH_DELIVERIES
 * times with an outbox row each, in one transaction, and a real worker process (referrals queue, its own
 * relay) delivers them. Timed from that commit to the last delivery recorded `delivered`.
 *   npm run bench -- deliveries      (BENCH_DELIVERIES, default 10,000)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { SystemClock } from '#clock';
import { DeadlineBook } from '#deadlines';
import type { Actor } from '#domain';
import { CaseEngine } from '#engine';
import { PartyVault, PiiCipher } from '#parties';
import { createDataSource, Database, migrate } from '#persistence';
import { createRedis, DEFAULT_JOB_OPTIONS, JobName, QueueName } from '#queues';
import { signBody } from '#referrals';
import {
  describeMachine,
  dropDatabase,
  dropRedisPrefix,
  envNumber,
  fmt,
  freshDatabase,
  REDIS_URL,
  runBenchmark,
  sql,
  startProcess,
  stopProcess,
} from './lib.js';
import { Report } from './report.js';

const DB = 'concord_bench_deliveries';
const N = envNumber('BENCH_DELIVERIES', 10_000);
const CONCURRENCY = 16; // the webhooks processor's
const RECEIVER_PORT = 3990 + Math.floor(Math.random() * 9);
const actor: Actor = { id: '00000000-0000-7000-8000-00000000beef', role: 'admin', name: 'bench' };
/** Copies get ids of their own, told apart from the template's. */
const COPY_ID = `('de000000-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid`;
const COPIES = `id >= 'de000000-0000-7000-8000-000000000000'`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The receiver, in a process of its own: 200 at once; GET /count tells how many POSTs and distinct deliveries. */
const RECEIVER = `
const http = require('node:http');
let posts = 0; const ids = new Set();
http.createServer((req, res) => {
  if (req.method === 'GET') { res.end(JSON.stringify({ posts, distinct: ids.size })); return; }
  req.on('data', () => {});
  req.on('end', () => { posts++; ids.add(req.headers['x-concord-delivery'] || posts); res.statusCode = 200; res.end(); });
}).listen(Number(process.argv[1]), '127.0.0.1', () => process.send && process.send('ready'));
`;

async function startReceiver(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', RECEIVER, String(RECEIVER_PORT)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the receiver exited with ${code}`)));
  });
  return child;
}

const received = async () =>
  (await (await fetch(`http://127.0.0.1:${RECEIVER_PORT}/count`)).json()) as { posts: number; distinct: number };

/** Raw BullMQ: N jobs added in bulk, then processed by a worker of the same concurrency; `work` per job. */
async function raw(redis: ReturnType<typeof createRedis>, work: (i: number) => Promise<void>) {
  const prefix = `concord-bench-raw-${randomBytes(3).toString('hex')}`;
  const queue = new Queue(QueueName.Referrals, { connection: redis, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  const t = performance.now();
  for (let from = 0; from < N; from += 1_000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1_000, N - from) }, (_, i) => ({
        name: JobName.ReferralDeliver,
        data: { deliveryId: `bench-${from + i}`, generation: 0 },
        opts: { jobId: `bench-${from + i}` },
      })),
    );
  }
  let done = 0;
  const worker = new Worker(
    QueueName.Referrals,
    async (job) => {
      await work(Number((job.data as { deliveryId: string }).deliveryId.slice(6)));
      done++;
    },
    { connection: redis.duplicate(), prefix, concurrency: CONCURRENCY },
  );
  while (done < N) await sleep(20);
  const seconds = (performance.now() - t) / 1000;
  await worker.close();
  await queue.close();
  await dropRedisPrefix(redis, prefix);
  return N / seconds;
}

async function main(): Promise<void> {
  const url = await freshDatabase(DB);
  await migrate(url);
  const machine = await describeMachine(url);
  const receiver = await startReceiver();
  const redis = createRedis(REDIS_URL);
  const dataKey = randomBytes(24).toString('base64');
  const cipher = new PiiCipher(dataKey);
  const secret = randomBytes(16).toString('hex');
  const hook = `http://127.0.0.1:${RECEIVER_PORT}/hook`;
  await sql(
    url,
    `INSERT INTO units (code, name, level, parent_code, path, created_at) VALUES
    ('B-D', 'Bench district', 'district', NULL, '/B-D/', now()),
    ('B-S', 'Bench street', 'street', 'B-D', '/B-D/B-S/', now()),
    ('B-C', 'Bench community', 'community', 'B-S', '/B-D/B-S/B-C/', now())`,
  );
  await sql(
    url,
    `INSERT INTO departments (code, name, categories, webhook_url, webhook_secret, created_at)
                  VALUES ('JUSTICE', '司法所', '{neighbour}', $1, $2, now())`,
    [hook, cipher.encrypt(secret)],
  );
  const dataSource = await createDataSource({ url, poolSize: 4 }).initialize();
  const engine = new CaseEngine(
    new Database(dataSource),
    new SystemClock(),
    new PartyVault(cipher),
    new DeadlineBook(),
  );
  const { case: c } = await engine.open({
    kind: 'dispute',
    channel: 'walk_in',
    unitCode: 'B-C',
    summary: 'bench',
    description: 'bench',
    category: 'neighbour',
    parties: [],
    actor,
    scope: null,
  });
  await engine.send({ caseId: c.id, type: 'ACCEPT', actor, scope: null });
  await engine.send({
    caseId: c.id,
    type: 'CLASSIFY',
    payload: { category: 'neighbour', riskLevel: 'low' },
    actor,
    scope: null,
  });
  await engine.send({
    caseId: c.id,
    type: 'REFER',
    payload: { departmentCode: 'JUSTICE', instructions: '请司法所调处' },
    actor,
    scope: null,
  });
  await dataSource.destroy();
  const [template] = (await sql(url, `SELECT id, body FROM deliveries`)).rows as Array<{ id: string; body: string }>;
  await sql(url, `DELETE FROM outbox`);
  process.stdout.write(
    `${fmt(N)} deliveries of a ${fmt(template!.body.length)}-byte CloudEvent; receiver on :${RECEIVER_PORT}\n`,
  );

  // Baselines: the queue alone, then the queue and the same signed POST.
  const noop = await raw(redis, async () => undefined);
  process.stdout.write(`  raw BullMQ, no-op: ${fmt(noop)}/s\n`);
  const before = await received();
  const withHttp = await raw(redis, async (i) => {
    const response = await fetch(hook, {
      method: 'POST',
      headers: {
        'content-type': 'application/cloudevents+json; charset=utf-8',
        'X-Concord-Signature': signBody(secret, template!.body),
        'X-Concord-Delivery': `raw-${i}`,
      },
      body: template!.body,
    });
    await response.body?.cancel();
    if (response.status !== 200) throw new Error(`receiver answered ${response.status}`);
  });
  const rawReceived = (await received()).posts - before.posts;
  process.stdout.write(`  raw BullMQ + HTTP POST: ${fmt(withHttp)}/s (${fmt(rawReceived)} received)\n`);

  // Concord: a worker consuming referrals (and running its relay), then the deliveries in one commit.
  const prefix = `concord-bench-${randomBytes(3).toString('hex')}`;
  const queue = new Queue(QueueName.Referrals, { connection: redis, prefix });
  const worker = await startProcess(
    'dist/apps/worker/src/main.js',
    {
      DATABASE_URL: url,
      REDIS_URL,
      CONCORD_DATA_KEY: dataKey,
      CONCORD_QUEUE_PREFIX: prefix,
      CONCORD_WORKER_CONSUMES: QueueName.Referrals,
      // The receiver listens on loopback, which webhooks reach only when the deployment admits it.
      CONCORD_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1',
    },
    async () => (await queue.getWorkersCount()) > 0,
  );
  const start = await received();
  const t = performance.now();
  await sql(
    url,
    `
    WITH d AS (
      INSERT INTO deliveries (id, referral_id, case_id, department_code, seq, type, body, created_at)
      SELECT ${COPY_ID}, t.referral_id, t.case_id, t.department_code, t.seq, t.type, t.body, now()
        FROM generate_series(1, $2::int) n, (SELECT * FROM deliveries WHERE id = $1) t
      RETURNING id, case_id)
    INSERT INTO outbox (id, case_id, queue, name, payload, created_at)
    SELECT gen_random_uuid(), case_id, 'referrals', 'referral.deliver', jsonb_build_object('deliveryId', id, 'generation', 0), now() FROM d`,
    [template!.id, N],
  );
  const committed = performance.now();
  let relayedAt = 0;
  for (let tries = 0; tries < 12_000; tries++) {
    if (
      !relayedAt &&
      (await sql(url, `SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`)).rows[0].n === 0
    )
      relayedAt = performance.now();
    const { n } = (await sql(url, `SELECT count(*)::int AS n FROM deliveries WHERE ${COPIES} AND status = 'delivered'`))
      .rows[0];
    if (n >= N) break;
    await sleep(100);
  }
  const seconds = (performance.now() - committed) / 1000;
  const [counts] = (
    await sql(
      url,
      `SELECT count(*) FILTER (WHERE status = 'delivered')::int AS delivered, count(*) FILTER (WHERE status = 'dead')::int AS dead,
                                           sum(attempts)::int AS attempts FROM deliveries WHERE ${COPIES}`,
    )
  ).rows as Array<{ delivered: number; dead: number; attempts: number }>;
  const got = await received();
  await stopProcess(worker);
  await queue.close();
  await dropRedisPrefix(redis, prefix);
  await redis.quit();
  receiver.kill();
  const concord = counts!.delivered / seconds;

  const report = new Report('deliveries', 'referral webhook deliveries/s, against raw BullMQ');
  report.text(
    `${fmt(N)} deliveries of one referral event (a ${fmt(template!.body.length)}-byte CloudEvent, HMAC-signed) to a receiver in its ` +
      'own process that answers 200 at once. Concord: the rows and their outbox rows committed at once; one worker process ' +
      `(referrals queue, concurrency ${CONCURRENCY}) relays them to BullMQ and delivers each (read the delivery and its department, ` +
      'decrypt the secret, sign, POST, record it delivered and the outbox row processed). Timed from the commit (insert ' +
      `excluded, ${fmt((committed - t) / 1000, 1)} s) to the last delivery recorded. Raw BullMQ: the same number of jobs added ` +
      'with addBulk and processed at the same concurrency, in the bench process, with no database.',
  );
  report.table(
    ['path', 'deliveries/s', '× raw no-op', '× raw + POST', 'notes'],
    [
      ['raw BullMQ, no-op processor', fmt(noop), '1.00×', '', 'add + process'],
      [
        'raw BullMQ + signed POST',
        fmt(withHttp),
        `${fmt(withHttp / noop, 2)}×`,
        '1.00×',
        `${fmt(rawReceived)} received`,
      ],
      [
        'Concord worker (relay + deliver)',
        fmt(concord),
        `${fmt(concord / noop, 2)}×`,
        `${fmt(concord / withHttp, 2)}×`,
        `${fmt(counts!.delivered)} delivered, ${fmt(counts!.dead)} dead, ${fmt(counts!.attempts)} attempts; ` +
          `relayed in ${fmt((relayedAt - committed) / 1000, 1)} s; receiver got ${fmt(got.posts - start.posts)} POSTs`,
      ],
    ],
    ['l', 'r', 'r', 'r', 'l'],
  );
  await report.write(machine, `BENCH_DELIVERIES=${N}`);
  await dropDatabase(DB);
}

runBenchmark(main);
