import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ManualClock } from '#clock';
import { startRedisServer, type LocalRedis } from '#local';
import { createRedis, QueueName } from '#queues';
import { dispute, seedDirectory, spawnWorker, startTestApi, startTestWorker, type TestApi } from './support/index.js';

interface Row {
  id: string;
  case_id: string;
  kind: 'due' | 'warning';
  percent: number | null;
  clock_id: string;
  status: string;
  due_at: Date;
}

/**
 * Nothing lost, nothing duplicated: PostgreSQL holds every deadline, Redis only its timer. These tests take
 * Redis's data away and kill workers mid-deadline, then count what fired.
 */
describe('deadline recovery', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let redisServer: LocalRedis;
  let dir: string;
  let api: TestApi;
  let redis: Redis;
  let queue: Queue;

  beforeAll(async () => {
    // A Redis of this test's own, so FLUSHALL takes nothing from tests running beside it.
    dir = await mkdtemp(path.join(os.tmpdir(), 'concord-redis-'));
    redisServer = await startRedisServer({ dataDir: dir });
    // Jobs of a dead worker are run again once their lock lapses: short here, so the test need not wait 30 s.
    api = await startTestApi({ clock, config: { redisUrl: redisServer.url, jobLockMs: 1_000 } });
    await seedDirectory(api);
    redis = createRedis(redisServer.url);
    queue = new Queue(QueueName.Deadlines, { connection: redis, prefix: api.config.queuePrefix });
  });
  afterAll(async () => {
    await queue.close();
    await redis.quit();
    await api.close();
    await redisServer.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const deadlines = () =>
    api.db.query<Row>('SELECT id, case_id, kind, percent, clock_id, status, due_at FROM deadlines ORDER BY id');
  /** How many events each deadline row caused, by row id. */
  async function firings(): Promise<Map<string, number>> {
    const events = await api.db.query<{ type: string; payload: { deadlineId: string; percent?: number } }>(
      `SELECT type, payload FROM case_events WHERE type IN ('DEADLINE_ELAPSED', 'DEADLINE_WARNING')`,
    );
    const rows = await deadlines();
    const out = new Map<string, number>();
    for (const e of events) {
      const row = rows.find(
        (r) =>
          r.clock_id === e.payload.deadlineId &&
          (e.type === 'DEADLINE_ELAPSED' ? r.kind === 'due' : r.percent === e.payload.percent),
      );
      out.set(row!.id, (out.get(row!.id) ?? 0) + 1);
    }
    return out;
  }

  it('after FLUSHALL and a worker restart, every pending deadline is back and each overdue one fires exactly once', async () => {
    const worker = await startTestWorker(api.config, api.db, clock);
    try {
      for (let i = 0; i < 3; i++) await api.call('POST', '/cases', { body: dispute() }); // intake due Thursday 03-05
      await worker.relay();
      for (const row of await deadlines()) expect(await queue.getJob(row.id)).toBeDefined();
    } finally {
      await worker.close();
    }
    // While no worker runs: three more cases (due Monday 03-09) whose jobs were never even enqueued...
    clock.set('2026-03-04T09:00:00+08:00');
    for (let i = 0; i < 3; i++) await api.call('POST', '/cases', { body: dispute() });
    const pendingBefore = (await deadlines()).filter((r) => r.status === 'pending');
    // ...then Redis loses everything, and time passes the first three clocks.
    await redis.flushall();
    expect(await queue.getJob(pendingBefore[0]!.id)).toBeUndefined();
    clock.set('2026-03-06T12:00:00+08:00');

    const restarted = await startTestWorker(api.config, api.db, clock); // reconciles at start-up
    try {
      await restarted.fireDue();
      await restarted.relay(); // the escalation clocks the breaches armed reach BullMQ through the outbox
      const rows = await deadlines();
      const overdue = pendingBefore.filter((r) => r.due_at <= clock.now());
      expect(overdue.filter((r) => r.kind === 'due')).toHaveLength(3);
      const stillPending = rows.filter((r) => r.status === 'pending');
      // The second batch's intake clocks, and the escalation clocks the three breaches armed.
      expect(stillPending.filter((r) => r.kind === 'due')).toHaveLength(6);
      for (const row of stillPending) expect(await queue.getJob(row.id)).toBeDefined();
      const counts = await firings();
      for (const row of overdue) {
        const now = rows.find((r) => r.id === row.id)!;
        // A clock fires; a warning of a clock that breached at the same moment may be moot (cancelled) instead.
        if (row.kind === 'due')
          expect({ id: row.id, status: now.status, fired: counts.get(row.id) }).toEqual({
            id: row.id,
            status: 'fired',
            fired: 1,
          });
        else expect(counts.get(row.id) ?? 0).toBe(now.status === 'fired' ? 1 : 0);
      }
      // Running the reconciler and the jobs again changes nothing.
      await restarted.fireDue();
      expect(await firings()).toEqual(counts);
    } finally {
      await restarted.close();
    }
  });

  /** The built worker in its own process, with the real clock (months later), armed to kill itself at `failpoint`. */
  const killedWorker = async (failpoint: string) => {
    const { code, signal } = await spawnWorker(api.config, {
      CONCORD_WORKER_CONSUMES: QueueName.Deadlines,
      CONCORD_FAILPOINTS: `${failpoint}=kill`,
    }).exited;
    return { code, signal };
  };

  it('a worker killed while firing a deadline, before or after commit, never applies it twice', async () => {
    clock.set('2026-03-09T09:00:00+08:00');
    const worker = await startTestWorker(api.config, api.db, clock);
    try {
      for (let i = 0; i < 5; i++) await api.call('POST', '/cases', { body: dispute() });
      await worker.relay();
    } finally {
      await worker.close();
    }
    const before = await firings();

    // Killed inside the transaction: nothing it did remains.
    expect(await killedWorker('deadline.beforeCommit')).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await firings()).toEqual(before);

    // Killed after committing, before BullMQ heard back: the firing stands, once.
    expect(await killedWorker('deadline.afterFire')).toEqual({ code: null, signal: 'SIGKILL' });
    const afterKill = await firings();
    const firedByTheDead = [...afterKill].filter(([id, n]) => n > (before.get(id) ?? 0)).map(([id]) => id);
    expect(firedByTheDead.length).toBeGreaterThanOrEqual(1);
    expect([...afterKill.values()].every((n) => n === 1)).toBe(true);

    // Another worker finishes the rest; the job whose worker died is redelivered and does nothing.
    clock.set('2026-12-01T09:00:00+08:00');
    const survivor = await startTestWorker(api.config, api.db, clock);
    try {
      await survivor.fireDue();
      for (const id of firedByTheDead)
        expect(await survivor.deadlines.process({ data: { deadlineId: id } } as never)).toBe('ignored');
    } finally {
      await survivor.close();
    }
    const final = await firings();
    expect([...final.values()].every((n) => n === 1)).toBe(true);
    const rows = await deadlines();
    for (const row of rows.filter(
      (r) => r.kind === 'due' && !['met', 'cancelled'].includes(r.status) && r.due_at <= clock.now(),
    )) {
      expect(final.get(row.id)).toBe(1);
    }
    expect(rows.filter((r) => r.status === 'pending' && r.due_at <= clock.now())).toEqual([]);
  });
});
