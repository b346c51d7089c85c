import { randomUUID } from 'node:crypto';
import { ManualClock } from '#clock';
import { WorkerHttpServer } from '../src/worker-http.server.js';
import {
  dispute,
  LogCapture,
  seedDirectory,
  startTestApi,
  startTestWorker,
  type TestApi,
  type TestWorker,
} from './support/index.js';

describe("the worker's metrics port, job lines and job metrics", () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  const log = new LogCapture();
  let api: TestApi;
  let worker: TestWorker;
  let port: string;

  beforeAll(async () => {
    // The API and the worker share this process's logger: both write to the capture.
    api = await startTestApi({ clock, api: { logStream: log, logger: ['log', 'warn', 'error'] } });
    await seedDirectory(api);
    worker = await startTestWorker({ ...api.config, workerMetricsPort: 0 }, api.db, clock, {
      logger: ['log', 'warn', 'error'],
    });
    port = `http://127.0.0.1:${worker.app.get(WorkerHttpServer).port}`;
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  it('serves liveness, readiness and /metrics with the queue, outbox, job and pool series', async () => {
    const live = await fetch(`${port}/health/live`);
    expect([live.status, await live.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${port}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      checks: { postgres: { ok: true }, redis: { ok: true }, queues: { ok: true }, outbox: { ok: true } },
    });
    expect((await fetch(`${port}/nothing`)).status).toBe(404);

    const created = await api.call('POST', '/cases', { body: dispute() });
    expect(created.status).toBe(201);
    await worker.settle();
    const response = await fetch(`${port}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const queue of ['notifications', 'referrals', 'deadlines', 'anchors', 'housekeeping', 'calendar'])
      for (const state of ['waiting', 'delayed', 'active', 'failed'])
        expect(text).toMatch(new RegExp(`^concord_queue_jobs\\{queue="${queue}",state="${state}"\\} \\d+$`, 'm'));
    expect(text).toMatch(/^concord_queue_paused\{queue="notifications"\} 0$/m);
    expect(text).toMatch(/^concord_outbox_backlog\{stage="unrelayed"\} 0$/m);
    expect(text).toMatch(/^concord_outbox_backlog\{stage="unprocessed"\} 0$/m);
    expect(text).toMatch(/^concord_outbox_oldest_unrelayed_seconds 0$/m);
    expect(text).toMatch(/^concord_jobs_total\{queue="notifications",outcome="completed"\} [1-9]\d*$/m);
    expect(text).toMatch(/^concord_job_duration_seconds_count\{queue="notifications",outcome="completed"\} [1-9]/m);
    expect(text).toMatch(/^concord_db_pool_connections\{state="max"\} 20$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
  });

  it("a job's line carries the request that caused it; a deadline firing late is measured by Concord's clock", async () => {
    const requestId = `req-${randomUUID()}`;
    const created = await api.call('POST', '/cases', { body: dispute(), headers: { 'x-request-id': requestId } });
    expect(created.status).toBe(201);
    await worker.settle();
    const jobs = log.entries().filter((e) => e.msg === 'job completed' && e.requestId === requestId);
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs[0]).toMatchObject({
      queue: 'notifications',
      job: 'case.event',
      outcome: 'completed',
      attempt: 1,
      result: 'delivered',
    });
    expect(typeof jobs[0]!.jobId).toBe('string');
    expect(typeof jobs[0]!.durationMs).toBe('number');

    // The intake deadline (3 working days) passes; the worker fires it 90 s after it fell due.
    const [deadline] = await api.db.query<{ due_at: Date }>(
      `SELECT due_at FROM deadlines WHERE case_id = $1 AND kind = 'due' AND status = 'pending'`,
      [created.body.id],
    );
    clock.set(new Date(deadline!.due_at.getTime() + 90_000));
    const fired = await worker.fireDue();
    expect(fired.map((f) => f.result)).toContain('fired');
    const text = await (await fetch(`${port}/metrics`)).text();
    expect(text).toMatch(/^concord_deadline_lateness_seconds_bucket\{le="60",kind="due"\} 0$/m);
    expect(text).toMatch(/^concord_deadline_lateness_seconds_bucket\{le="300",kind="due"\} [1-9]/m);
    expect(text).toMatch(
      /^concord_transitions_total\{kind="dispute",event="DEADLINE_ELAPSED",outcome="applied"\} [1-9]/m,
    );
    // The event the deadline caused carries the request that armed it.
    const [elapsed] = await api.db.query<{ request_id: string | null }>(
      `SELECT request_id FROM case_events WHERE case_id = $1 AND type = 'DEADLINE_ELAPSED'`,
      [created.body.id],
    );
    expect(elapsed!.request_id).toBe(requestId);
  });
});
