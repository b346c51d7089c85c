import { spawn } from 'node:child_process';
import { Worker, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ManualClock } from '../../../libs/clock/src/index.js';
import { OutboxRelay } from '../../../libs/outbox/src/index.js';
import { createQueues, createRedis, QueueName } from '../../../libs/queues/src/index.js';
import { dispute, seedDirectory, startTestApi, type TestApi } from '../../../libs/testing/src/index.js';
import { EffectsProcessor } from '../src/processors/effects.processor.js';

interface OutboxState {
  id: string;
  queue: string;
  relayed_at: Date | null;
  processed_at: Date | null;
}

describe('outbox relay', () => {
  let api: TestApi;
  let redis: Redis;
  let queues: Map<QueueName, Queue>;
  const clock = new ManualClock();

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
    redis = createRedis(api.config.redisUrl);
    queues = createQueues(redis, api.config.queuePrefix);
  });
  afterAll(async () => {
    await Promise.all([...queues.values()].map((q) => q.obliterate({ force: true }).then(() => q.close())));
    await redis.quit();
    await api.close();
  });

  const outbox = () => api.db.query<OutboxState>('SELECT id, queue, relayed_at, processed_at FROM outbox ORDER BY id');
  const relay = () => new OutboxRelay(api.db, queues, clock, { batchSize: 500 });

  /** Every job in every queue, by id, with the time BullMQ created it. */
  async function jobs(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const queue of queues.values()) {
      for (const job of await queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'])) {
        expect(out.has(job.id!)).toBe(false);
        out.set(job.id!, job.timestamp);
      }
    }
    return out;
  }

  /** Processes every job once with the worker's real processor; resolves when `count` jobs completed. */
  async function processAll(count: number): Promise<Array<'delivered' | 'already-delivered'>> {
    const processor = new EffectsProcessor(api.db, clock, redis, api.config);
    const results: Array<'delivered' | 'already-delivered'> = [];
    const workers: Worker[] = [];
    await new Promise<void>((resolve, reject) => {
      for (const name of [QueueName.Notifications, QueueName.Referrals]) {
        const worker = new Worker(name, (job: Job) => processor.process(job), { connection: redis, prefix: api.config.queuePrefix });
        worker.on('completed', (_job, result) => {
          results.push(result);
          if (results.length === count) resolve();
        });
        worker.on('failed', (_job, error) => reject(error));
        workers.push(worker);
      }
    });
    await Promise.all(workers.map((w) => w.close()));
    return results;
  }

  async function cleanSlate(): Promise<void> {
    await Promise.all([...queues.values()].map((q) => q.obliterate({ force: true })));
    await api.db.query('DELETE FROM outbox');
  }

  it('moves every committed row to BullMQ once, with the row id as the job id', async () => {
    await cleanSlate();
    for (let i = 0; i < 20; i++) await api.call('POST', '/cases', { body: dispute() });
    const rows = await outbox();
    expect(rows).toHaveLength(20);
    expect(await relay().relayOnce()).toBe(20);
    expect(await relay().relayOnce()).toBe(0);
    expect([...(await jobs()).keys()].sort()).toEqual(rows.map((r) => r.id).sort());
    expect((await outbox()).every((r) => r.relayed_at !== null)).toBe(true);
    expect(await processAll(20)).toEqual(Array(20).fill('delivered'));
    expect((await outbox()).every((r) => r.processed_at !== null)).toBe(true);
  });

  it('a worker killed between enqueue and marking loses nothing, and its restart duplicates nothing', async () => {
    await cleanSlate();
    for (let i = 0; i < 30; i++) await api.call('POST', '/cases', { body: dispute() });
    const committed = (await outbox()).map((r) => r.id).sort();

    // The real worker process, relay only, armed to SIGKILL itself right after enqueueing its first batch.
    const child = spawn(process.execPath, ['dist/apps/worker/src/main.js'], {
      env: {
        ...process.env,
        DATABASE_URL: api.config.databaseUrl,
        REDIS_URL: api.config.redisUrl,
        CONCORD_QUEUE_PREFIX: api.config.queuePrefix,
        CONCORD_DATA_KEY: api.config.dataKey,
        CONCORD_FAILPOINTS: 'relay.afterEnqueue=kill',
        CONCORD_WORKER_CONSUMES: 'none',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    expect({ ...exit, stderr }).toEqual({ code: null, signal: 'SIGKILL', stderr: '' });

    // It died after enqueueing and before committing: the jobs exist, the rows are not marked.
    const before = await jobs();
    expect([...before.keys()].sort()).toEqual(committed);
    expect((await outbox()).every((r) => r.relayed_at === null && r.processed_at === null)).toBe(true);

    // The restarted relay marks every row and enqueues nothing new: same job ids, same creation times.
    expect(await relay().relayOnce()).toBe(30);
    expect(await jobs()).toEqual(before);
    expect((await outbox()).every((r) => r.relayed_at !== null)).toBe(true);

    // And each effect is carried out exactly once.
    expect(await processAll(30)).toEqual(Array(30).fill('delivered'));
    expect((await outbox()).every((r) => r.processed_at !== null)).toBe(true);
  });

  it('a job that runs twice acts once', async () => {
    await cleanSlate();
    await api.call('POST', '/cases', { body: dispute() });
    await relay().relayOnce();
    const processor = new EffectsProcessor(api.db, clock, redis, api.config);
    const [row] = await outbox();
    const job = { id: row!.id } as Job;
    expect(await Promise.all([processor.process(job), processor.process(job), processor.process(job)])).toEqual(
      expect.arrayContaining(['delivered', 'already-delivered', 'already-delivered']),
    );
    const [after] = await outbox();
    expect(after!.processed_at).not.toBeNull();
  });

  it('rows whose jobs were lost with Redis are enqueued again by the resweep, and run once', async () => {
    await cleanSlate();
    for (let i = 0; i < 5; i++) await api.call('POST', '/cases', { body: dispute() });
    await relay().relayOnce();
    await Promise.all([...queues.values()].map((q) => q.obliterate({ force: true }))); // Redis lost its data
    expect((await jobs()).size).toBe(0);

    expect(await relay().resweep()).toBe(0); // too recent: their jobs may simply not have run yet
    clock.advance(5 * 60_000);
    expect(await relay().resweep()).toBe(5);
    expect(await relay().resweep()).toBe(5); // enqueueing again while the jobs exist adds nothing
    expect((await jobs()).size).toBe(5);
    expect(await processAll(5)).toEqual(Array(5).fill('delivered'));
    expect(await relay().resweep()).toBe(0);
  });
});
