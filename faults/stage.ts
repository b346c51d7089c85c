/**
 * What every fault scenario stands on: a fresh database in the private PostgreSQL, a private Redis, the built
 * API and worker, departments whose webhooks point at local receivers, and the keys the clients use.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis, QueueName } from '#queues';
import { ConcordProcess, delay, freePort, PrivateRedis, sql, type ConcordEnv, type PrivatePostgres } from './lab.js';
import { Receivers } from './receiver.js';

export interface Lab {
  pg: PrivatePostgres;
  logDir: string;
}

export interface Stage {
  name: string;
  database: string;
  url: string;
  redis: PrivateRedis;
  api: ConcordProcess;
  worker: ConcordProcess;
  base: string;
  adminKey: string;
  intakeKey: string;
  departments: Array<{ code: string; key: string }>;
  receivers: Receivers;
  /** The harness's own view of the deadlines queue (to rewrite timers, see due-now.ts). */
  deadlines: Queue;
  redisClient: Redis;
}

export interface StageOptions {
  departments: number;
  /** Worker settings: how fast it notices a dead worker's jobs and retries webhooks, for a bounded run. */
  env?: Record<string, string>;
}

/** Timings short enough for a bounded run; each still exercises the same code path as the defaults. */
const FAST = {
  CONCORD_JOB_LOCK_MS: '4000',
  CONCORD_RECONCILE_INTERVAL_MS: '5000',
  CONCORD_WEBHOOK_ATTEMPTS: '5',
  CONCORD_WEBHOOK_BACKOFF_MS: '300',
  CONCORD_WEBHOOK_TIMEOUT_MS: '1500',
  CONCORD_DB_POOL_SIZE: '12',
};

export async function openStage(lab: Lab, name: string, options: StageOptions): Promise<Stage> {
  const database = `concord_faults_${name.replace(/-/g, '_')}`;
  const url = await lab.pg.freshDatabase(database);
  const redis = await PrivateRedis.start(path.join(lab.logDir, `${name}-redis`));
  const adminKey = `ck_admin_faults_${randomBytes(16).toString('hex')}`;
  const env: ConcordEnv = {
    DATABASE_URL: url,
    REDIS_URL: redis.url,
    CONCORD_ADMIN_KEY: adminKey,
    CONCORD_DATA_KEY: randomBytes(32).toString('base64'),
    CONCORD_QUEUE_PREFIX: 'faults',
    // The departments' receivers listen on loopback, which webhooks reach only when the deployment admits it.
    CONCORD_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1',
    ...FAST,
    ...options.env,
  };
  const port = await freePort();
  const api = new ConcordProcess('api', env, path.join(lab.logDir, `${name}-api.log`), port);
  const worker = new ConcordProcess('worker', env, path.join(lab.logDir, `${name}-worker.log`));
  await api.start();
  await worker.start();
  const base = `http://127.0.0.1:${port}/api/v1`;
  const admin = (route: string, body: unknown) => adminPost(base, adminKey, route, body);

  await admin('/units', { code: 'F-D', name: '故障区', level: 'district' });
  await admin('/units', { code: 'F-S', name: '故障街道', level: 'street', parentCode: 'F-D' });
  await admin('/units', { code: 'F-C', name: '故障社区', level: 'community', parentCode: 'F-S' });
  const receivers = new Receivers();
  const departments: Stage['departments'] = [];
  for (let i = 1; i <= options.departments; i++) {
    const code = `FD${i}`;
    const secret = `whsec_${randomBytes(12).toString('hex')}`;
    const webhookUrl = await receivers.add(code, secret);
    await admin('/departments', {
      code,
      name: `故障部门${i}`,
      categories: ['neighbour'],
      webhookUrl,
      webhookSecret: secret,
    });
    const { key } = await admin('/api-keys', { role: 'department', departmentCode: code, name: `department ${code}` });
    departments.push({ code, key: key as string });
  }
  const { key: intakeKey } = await admin('/api-keys', { role: 'intake', unitCode: 'F-D', name: 'fault clients' });
  const redisClient = createRedis(redis.url);
  redisClient.on('error', () => {}); // Redis goes away on purpose in some scenarios; ioredis reconnects
  const deadlines = new Queue(QueueName.Deadlines, { connection: redisClient, prefix: 'faults' });
  deadlines.on('error', () => {}); // the same: its errors are the connection's
  return {
    name,
    database,
    url,
    redis,
    api,
    worker,
    base,
    adminKey,
    intakeKey: intakeKey as string,
    departments,
    receivers,
    deadlines,
    redisClient,
  };
}

export async function closeStage(lab: Lab, stage: Stage): Promise<void> {
  await stage.api.close();
  await stage.worker.close();
  await stage.deadlines.close().catch(() => undefined);
  stage.redisClient.disconnect();
  await stage.receivers.close();
  await stage.redis.stop();
  // FAULTS_KEEP=1 keeps the scenario's database for a look afterwards (while the private PostgreSQL runs again).
  if (!process.env.FAULTS_KEEP) await lab.pg.dropDatabase(stage.database).catch(() => undefined);
}

export async function adminPost(
  base: string,
  key: string,
  route: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`POST ${route}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

export interface Quiet {
  settled: boolean;
  seconds: number;
  waiting: string;
}

/**
 * Waits (bounded) until the system has nothing left to do: every outbox row relayed and processed, no delivery
 * pending, no deadline due and still pending.
 */
export async function settle(stage: Stage, boundMs: number): Promise<Quiet> {
  const started = Date.now();
  let waiting = '';
  while (Date.now() - started < boundMs) {
    try {
      const [row] = await sql<{ outbox: string; deliveries: string; deadlines: string }>(
        stage.url,
        `SELECT (SELECT count(*) FROM outbox WHERE relayed_at IS NULL OR processed_at IS NULL) AS outbox,
                (SELECT count(*) FROM deliveries WHERE status = 'pending') AS deliveries,
                (SELECT count(*) FROM deadlines WHERE status = 'pending' AND due_at <= now()) AS deadlines`,
      );
      waiting = `outbox ${row!.outbox}, deliveries pending ${row!.deliveries}, deadlines due ${row!.deadlines}`;
      if (row!.outbox === '0' && row!.deliveries === '0' && row!.deadlines === '0') {
        return { settled: true, seconds: (Date.now() - started) / 1000, waiting: '' };
      }
    } catch (error) {
      waiting = `PostgreSQL: ${(error as Error).message}`;
    }
    await delay(500);
  }
  return {
    settled: false,
    seconds: (Date.now() - started) / 1000,
    waiting: `${waiting}; BullMQ ${await jobCounts(stage)}`,
  };
}

/** What BullMQ holds, per queue, for a report that did not settle. */
async function jobCounts(stage: Stage): Promise<string> {
  const parts: string[] = [];
  for (const name of [QueueName.Notifications, QueueName.Referrals, QueueName.Deadlines]) {
    const queue = new Queue(name, { connection: stage.redisClient, prefix: 'faults' });
    queue.on('error', () => {});
    try {
      const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'failed', 'completed');
      parts.push(
        `${name} ${
          Object.entries(counts)
            .filter(([, n]) => n > 0)
            .map(([state, n]) => `${state} ${n}`)
            .join(' ') || 'empty'
        }`,
      );
    } catch (error) {
      parts.push(`${name}: ${(error as Error).message}`);
    } finally {
      await queue.close().catch(() => undefined);
    }
  }
  return parts.join('; ');
}
