import { UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ManualClock } from '#clock';
import { CaseEngine } from '#engine';
import { CaseFileChannel, NoticeBus, NoticesService } from '#notifications';
import { claimProcessing, OutboxRelay } from '#outbox';
import { createMetrics } from '#metrics';
import { createQueues, createRedis, QueueConsumers, QueueName } from '#queues';
import { dispute, seedDirectory, spawnWorker, startTestApi, type TestApi } from './support/index.js';
import { EffectsProcessor } from '../src/processors/effects.processor.js';

interface OutboxState {
  id: string;
  queue: string;
  job_id: string | null;
  relayed_at: Date | null;
  processed_at: Date | null;
}

/** The job a row becomes: its own id, or the domain id it names (a deadline's). */
const jobIdOf = (row: OutboxState) => row.job_id ?? row.id;

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

  const outbox = () =>
    api.db.query<OutboxState>('SELECT id, queue, job_id, relayed_at, processed_at FROM outbox ORDER BY id');
  /** Rows consumed by the effect processors (deadline rows are delayed jobs, done once enqueued). */
  const effects = async () => (await outbox()).filter((r) => r.queue !== QueueName.Deadlines);
  const relay = () => new OutboxRelay(api.db, queues, clock, { batchSize: 500 });
  /** The processor's consumer service: these tests call `process` themselves and start no worker through it. */
  const consumers = () => new QueueConsumers(redis, api.config, createMetrics());

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
    const processor = new EffectsProcessor(
      api.db,
      clock,
      consumers(),
      api.app.get(CaseEngine),
      [new CaseFileChannel()],
      api.app.get(NoticesService),
      api.app.get(NoticeBus),
    );
    const results: Array<'delivered' | 'already-delivered'> = [];
    const workers: Worker[] = [];
    await new Promise<void>((resolve, reject) => {
      for (const name of [QueueName.Notifications]) {
        const worker = new Worker(name, (job: Job) => processor.process(job), {
          connection: redis,
          prefix: api.config.queuePrefix,
        });
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
    // Each registration: one case.event, and its intake clock (due time and two warnings).
    expect(rows.filter((r) => r.queue === QueueName.Notifications)).toHaveLength(20);
    expect(rows.filter((r) => r.queue === QueueName.Deadlines)).toHaveLength(60);
    expect(await relay().relayOnce()).toBe(80);
    expect(await relay().relayOnce()).toBe(0);
    expect([...(await jobs()).keys()].sort()).toEqual(rows.map(jobIdOf).sort());
    const deadlineIds = await api.db.query<{ id: string }>('SELECT id FROM deadlines');
    expect(
      rows
        .filter((r) => r.queue === QueueName.Deadlines)
        .map(jobIdOf)
        .sort(),
    ).toEqual(deadlineIds.map((d) => d.id).sort());
    expect((await outbox()).every((r) => r.relayed_at !== null)).toBe(true);
    expect(await processAll(20)).toEqual(Array(20).fill('delivered'));
    expect((await outbox()).every((r) => r.processed_at !== null)).toBe(true);
  });

  it('a worker killed between enqueue and marking loses nothing, and its restart duplicates nothing', async () => {
    await cleanSlate();
    for (let i = 0; i < 30; i++) await api.call('POST', '/cases', { body: dispute() });
    const committed = (await outbox()).map(jobIdOf).sort();

    // The real worker process, relay only, armed to SIGKILL itself right after enqueueing its first batch.
    const exit = await spawnWorker(api.config, {
      CONCORD_FAILPOINTS: 'relay.afterEnqueue=kill',
      CONCORD_WORKER_CONSUMES: 'none',
    }).exited;
    expect(exit).toEqual({ code: null, signal: 'SIGKILL', stderr: '' });

    // It died after enqueueing and before committing: the jobs exist, the rows are not marked.
    const before = await jobs();
    expect([...before.keys()].sort()).toEqual(committed);
    expect((await outbox()).every((r) => r.relayed_at === null && r.processed_at === null)).toBe(true);

    // A consumer may even carry out an effect before the restarted relay marks its row: it stays processed.
    const [early] = await effects();
    await api.db.transaction((tx) => claimProcessing(tx, early!.id, clock));

    // The restarted relay marks every row and enqueues nothing new: same job ids, same creation times.
    expect(await relay().relayOnce()).toBe(120);
    expect(await jobs()).toEqual(before);
    expect((await outbox()).every((r) => r.relayed_at !== null)).toBe(true);
    expect((await effects()).find((r) => r.id === early!.id)!.processed_at).not.toBeNull();

    // And each effect is carried out exactly once.
    const results = await processAll(30);
    expect(results.filter((r) => r === 'delivered')).toHaveLength(29);
    expect(results.filter((r) => r === 'already-delivered')).toHaveLength(1);
    expect((await outbox()).every((r) => r.processed_at !== null)).toBe(true);
  });

  it('a job that runs twice acts once', async () => {
    await cleanSlate();
    await api.call('POST', '/cases', { body: dispute() });
    await relay().relayOnce();
    const processor = new EffectsProcessor(
      api.db,
      clock,
      consumers(),
      api.app.get(CaseEngine),
      [new CaseFileChannel()],
      api.app.get(NoticesService),
      api.app.get(NoticeBus),
    );
    const [row] = await effects();
    const job = { id: row!.id } as Job;
    expect(await Promise.all([processor.process(job), processor.process(job), processor.process(job)])).toEqual(
      expect.arrayContaining(['delivered', 'already-delivered', 'already-delivered']),
    );
    const [after] = await effects();
    expect(after!.processed_at).not.toBeNull();
  });

  it('rows whose jobs were lost with Redis are enqueued again by the resweep, and run once', async () => {
    await cleanSlate();
    for (let i = 0; i < 5; i++) await api.call('POST', '/cases', { body: dispute() });
    await relay().relayOnce();
    await Promise.all([...queues.values()].map((q) => q.obliterate({ force: true }))); // Redis lost its data
    expect((await jobs()).size).toBe(0);

    expect(await relay().resweep()).toEqual({ stale: 0, restored: 0, retried: 0 }); // too recent: their jobs may simply not have run yet
    clock.advance(5 * 60_000);
    // Only effects come back this way; deadlines are the reconciler's (see deadlines.spec.ts).
    expect(await relay().resweep()).toEqual({ stale: 5, restored: 5, retried: 0 });
    expect(await relay().resweep()).toEqual({ stale: 5, restored: 0, retried: 0 }); // their jobs exist: a backlog, left alone
    expect((await jobs()).size).toBe(5);
    expect(await processAll(5)).toEqual(Array(5).fill('delivered'));
    expect(await relay().resweep()).toEqual({ stale: 0, restored: 0, retried: 0 });
  });

  it('jobs that failed for good while their rows are unprocessed are retried by the resweep, and run once', async () => {
    await cleanSlate();
    for (let i = 0; i < 3; i++) await api.call('POST', '/cases', { body: dispute() });
    await relay().relayOnce();
    const pending = (await effects()).length;
    // BullMQ gives the jobs up (their attempts spent while PostgreSQL was down, or stalled by dying workers; here
    // an unrecoverable error does it at once), and they keep their ids.
    const failed: string[] = [];
    await new Promise<void>((resolve) => {
      const fail = async () => {
        throw new UnrecoverableError('stalled more than allowable limit');
      };
      const worker = new Worker(QueueName.Notifications, fail, { connection: redis, prefix: api.config.queuePrefix });
      worker.on('failed', (job) => {
        failed.push(job!.id!);
        if (failed.length === pending) void worker.close().then(resolve);
      });
    });
    expect(await queues.get(QueueName.Notifications)!.getFailedCount()).toBe(pending);

    clock.advance(5 * 60_000);
    expect(await relay().resweep()).toEqual({ stale: pending, restored: 0, retried: pending });
    expect(await processAll(pending)).toEqual(Array(pending).fill('delivered'));
    expect((await effects()).every((r) => r.processed_at !== null)).toBe(true);
    expect(await relay().resweep()).toEqual({ stale: 0, restored: 0, retried: 0 });
  });
});
