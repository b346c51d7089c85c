import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ManualClock } from '#clock';
import { createRedis, JobName, QueueName } from '#queues';
import {
  dispute,
  seedDirectory,
  startTestApi,
  startTestWorker,
  type TestApi,
  type TestWorker,
} from './support/index.js';
import { WebhooksProcessor } from '../src/processors/webhooks.processor.js';

/** What the receiver does with the n-th request (1-based) it got for one CloudEvent id. */
type Behaviour = (nth: number) => number | 'hang';

interface Received {
  headers: IncomingHttpHeaders;
  /** The raw body, as received. */
  raw: Buffer;
  eventId: string;
  answered: number | 'hang';
}

/** A department's system: a real HTTP server on a free port that records every request it gets. */
class Receiver {
  readonly requests: Received[] = [];
  private readonly server: Server;
  private readonly counts = new Map<string, number>();
  /** Waiters for `received`: each answers whether it was woken. */
  private waiting: Array<() => boolean> = [];

  constructor(public behaviour: Behaviour) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.answer(Buffer.concat(chunks), req.headers, res));
    });
  }

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Resolves once the receiver has got at least `count` requests: an event, not a poll. */
  received(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) =>
      this.waiting.push(() => {
        if (this.requests.length < count) return false;
        resolve();
        return true;
      }),
    );
  }

  for(eventId: string): Received[] {
    return this.requests.filter((r) => r.eventId === eventId);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private answer(raw: Buffer, headers: IncomingHttpHeaders, res: ServerResponse): void {
    const eventId = String((JSON.parse(raw.toString('utf8')) as { id: unknown }).id);
    const nth = (this.counts.get(eventId) ?? 0) + 1;
    this.counts.set(eventId, nth);
    const answered = this.behaviour(nth);
    this.requests.push({ headers, raw, eventId, answered });
    this.waiting = this.waiting.filter((woken) => !woken());
    if (answered !== 'hang') res.writeHead(answered, { 'content-type': 'text/plain' }).end('ok');
  }
}

interface DeliveryRow {
  id: string;
  referral_id: string;
  type: string;
  body: string;
  status: string;
  attempts: number;
  generation: number;
  last_status: number | null;
  last_error: string | null;
  dead_at: Date | null;
  delivered_at: Date | null;
}

/** The signature a receiver computes: hex HMAC-SHA256 of the raw body bytes under the shared secret. */
const expectedSignature = (secret: string, raw: Buffer) =>
  `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
const signatureMatches = (secret: string, raw: Buffer, header: string | string[] | undefined) => {
  const expected = Buffer.from(expectedSignature(secret, raw));
  const given = Buffer.from(String(header));
  return given.length === expected.length && timingSafeEqual(given, expected);
};

describe('referral webhooks, through the real API, worker, Redis and an HTTP receiver', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  const receivers: Receiver[] = [];
  let api: TestApi;
  let worker: TestWorker;
  let intakeKey: string;
  let departments = 0;

  beforeAll(async () => {
    // A receiver that never answers is given up on after 200 ms, so the dead-letter path takes about a second.
    // The receivers listen on loopback, which webhooks reach only when the deployment admits it.
    api = await startTestApi({ clock, config: { webhookTimeoutMs: 200, webhookAllowPrivate: ['127.0.0.1'] } });
    await seedDirectory(api);
    worker = await startTestWorker(api.config, api.db, clock);
    intakeKey = await api.keyFor('intake');
  });
  afterAll(async () => {
    await worker.close();
    await Promise.all(receivers.map((r) => r.close()));
    await api.close();
  });

  /** A department whose webhook is `receiver`, with its secret and a key to act as it. */
  async function department(receiver: Receiver) {
    const code = `HOOK-${++departments}`;
    const secret = `whsec_${code}_0123456789abcdef`;
    const reply = await api.call('POST', '/departments', {
      body: {
        code,
        name: `Webhook department ${departments}`,
        categories: ['neighbour'],
        webhookUrl: receiver.url,
        webhookSecret: secret,
      },
    });
    expect(reply.status).toBe(201);
    return { code, secret, key: await api.keyFor('department', { departmentCode: code }) };
  }

  async function receiver(behaviour: Behaviour): Promise<Receiver> {
    const r = await new Receiver(behaviour).start();
    receivers.push(r);
    return r;
  }

  const caseEvent = async (caseId: string, type: string, payload: Record<string, unknown> = {}) => {
    const reply = await api.call('POST', `/cases/${caseId}/events`, { key: intakeKey, body: { type, payload } });
    expect({ type, status: reply.status, detail: reply.body.detail }).toMatchObject({ type, status: 200 });
  };

  /** Registers a dispute, classifies it and refers it to the department; returns the referral id. */
  async function refer(departmentCode: string): Promise<{ caseId: string; referralId: string }> {
    const created = await api.call('POST', '/cases', { key: intakeKey, body: dispute() });
    expect(created.status).toBe(201);
    await caseEvent(created.body.id, 'ACCEPT');
    await caseEvent(created.body.id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
    await caseEvent(created.body.id, 'REFER', {
      departmentCode,
      instructions: '请核实楼上漏水情况，五个工作日内答复。',
    });
    const history = await api.call('GET', `/cases/${created.body.id}/history?limit=200`, { key: intakeKey });
    const refer = history.body.items.at(-1);
    expect(refer.type).toBe('REFER');
    return { caseId: created.body.id, referralId: refer.facts.referralIds[0] };
  }

  const referralEvent = async (referralId: string, key: string, type: string) => {
    const reply = await api.call('POST', `/referrals/${referralId}/events`, { key, body: { type, payload: {} } });
    expect({ type, status: reply.status, detail: reply.body.detail }).toMatchObject({ type, status: 200 });
  };

  const deliveries = (referralId: string) =>
    api.db.query<DeliveryRow>('SELECT * FROM deliveries WHERE referral_id = $1 ORDER BY seq, id', [referralId]);

  /**
   * Drains the worker (every job of every relayed row finished, retries included), then answers the referral's
   * deliveries, each of which must have settled (no longer pending).
   */
  async function settled(referralId: string, count: number): Promise<DeliveryRow[]> {
    await worker.settle();
    const rows = await deliveries(referralId);
    expect(rows.map((r) => [r.type, r.status, r.attempts]).filter(([, status]) => status === 'pending')).toEqual([]);
    expect(rows).toHaveLength(count);
    return rows;
  }

  const outboxOf = async (deliveryId: string) =>
    api.db.query<{ id: string; processed_at: Date | null; payload: { generation: number } }>(
      `SELECT id, processed_at, payload FROM outbox WHERE queue = $1 AND payload->>'deliveryId' = $2 ORDER BY id`,
      [QueueName.Referrals, deliveryId],
    );

  it('delivers each referral event as a signed CloudEvent, through three failures, exactly once', async () => {
    const flaky = await receiver((nth) => (nth <= 3 ? 500 : 200));
    const dept = await department(flaky);
    const { caseId, referralId } = await refer(dept.code);
    await worker.relay();
    await settled(referralId, 1);
    await referralEvent(referralId, dept.key, 'ACKNOWLEDGE');
    await referralEvent(referralId, dept.key, 'ACCEPT');
    await worker.relay();
    const rows = await settled(referralId, 3);

    expect(rows.map((r) => [r.type, r.status, r.attempts, r.last_status, r.generation])).toEqual([
      ['cn.concord.referral.issued', 'delivered', 4, 200, 0],
      ['cn.concord.referral.acknowledged', 'delivered', 4, 200, 0],
      ['cn.concord.referral.accepted', 'delivered', 4, 200, 0],
    ]);
    for (const row of rows) {
      const requests = flaky.for(row.id);
      expect(requests.map((r) => [r.answered, r.headers['x-concord-attempt']])).toEqual([
        [500, '1'],
        [500, '2'],
        [500, '3'],
        [200, '4'],
      ]);
      for (const request of requests) {
        // Every attempt sends the stored bytes unchanged, signed with the department's secret.
        expect(request.raw.toString('utf8')).toBe(row.body);
        expect(request.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
        expect(request.headers['x-concord-delivery']).toBe(row.id);
        expect(signatureMatches(dept.secret, request.raw, request.headers['x-concord-signature'])).toBe(true);
        expect(signatureMatches(`${dept.secret}-other`, request.raw, request.headers['x-concord-signature'])).toBe(
          false,
        );
      }
      const event = JSON.parse(requests[0]!.raw.toString('utf8'));
      expect(event).toMatchObject({
        specversion: '1.0',
        id: row.id,
        source: '/api/v1/referrals',
        type: row.type,
        subject: referralId,
        datacontenttype: 'application/json',
        data: { referralId, caseId, departmentCode: dept.code },
      });
      expect(event.type).toMatch(/^cn\.concord\.referral\./);
      // No party PII in what leaves Concord: the department reads parties through the API.
      expect(row.body).not.toMatch(/王小明|13812345678|李大华/);
      expect((await outboxOf(row.id)).map((o) => o.processed_at !== null)).toEqual([true]);
    }
    expect(flaky.requests.filter((r) => r.answered === 200)).toHaveLength(3);

    // The admin view shows the same, and the exact body only on the single delivery.
    const listed = await api.call('GET', `/admin/deliveries?referralId=${referralId}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((d: { id: string }) => d.id)).toEqual(rows.map((r) => r.id).reverse());
    expect(listed.body.items[0]).not.toHaveProperty('body');
    const one = await api.call('GET', `/admin/deliveries/${rows[0]!.id}`);
    expect(one.body).toMatchObject({
      id: rows[0]!.id,
      status: 'delivered',
      attempts: 4,
      generation: 0,
      body: rows[0]!.body,
    });
    expect(JSON.stringify(one.body)).not.toContain(dept.secret);
  });

  it('a job that runs again after delivery, or twice at once, sends nothing', async () => {
    const ok = await receiver(() => 200);
    const dept = await department(ok);
    const { referralId } = await refer(dept.code);
    await worker.relay();
    const [row] = await settled(referralId, 1);
    expect(ok.requests).toHaveLength(1);
    const [outbox] = await outboxOf(row!.id);

    // The processor itself, called twice at once with the job it already ran.
    const processor = worker.app.get(WebhooksProcessor);
    const job = {
      id: outbox!.id,
      data: { deliveryId: row!.id, generation: 0 },
      attemptsMade: 0,
      opts: { attempts: 4 },
    } as unknown as Job;
    expect(await Promise.all([processor.process(job), processor.process(job)])).toEqual(['skipped', 'skipped']);

    // And the real queue running the job again (its completed record removed, so BullMQ takes it anew).
    const redis: Redis = createRedis(api.config.redisUrl);
    const queue = new Queue(QueueName.Referrals, { connection: redis, prefix: api.config.queuePrefix });
    const eventsConnection = redis.duplicate();
    const events = new QueueEvents(QueueName.Referrals, {
      connection: eventsConnection,
      prefix: api.config.queuePrefix,
    });
    try {
      await events.waitUntilReady();
      // The row is marked before BullMQ records the job as completed: wait for that too.
      expect(await (await queue.getJob(outbox!.id))!.waitUntilFinished(events, 10_000)).toBe('delivered');
      await queue.remove(outbox!.id);
      const again = await queue.add(
        JobName.ReferralDeliver,
        { deliveryId: row!.id, generation: 0 },
        { jobId: outbox!.id },
      );
      expect(await again.waitUntilFinished(events, 10_000)).toBe('skipped');
    } finally {
      await events.close();
      await queue.close();
      await Promise.all([redis.quit(), eventsConnection.quit()]);
    }

    expect(ok.requests).toHaveLength(1);
    expect((await deliveries(referralId))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('a receiver that never answers dead-letters the delivery; a replay sends the same event once', async () => {
    const silent = await receiver(() => 'hang');
    const dept = await department(silent);
    const { referralId } = await refer(dept.code);
    await worker.relay();
    const [dead] = await settled(referralId, 1);

    expect(dead).toMatchObject({
      status: 'dead',
      attempts: api.config.webhookAttempts,
      last_status: null,
      generation: 0,
    });
    expect(dead!.last_error).toBe('no answer within 200 ms');
    expect(dead!.dead_at).not.toBeNull();
    expect(silent.for(dead!.id).map((r) => r.headers['x-concord-attempt'])).toEqual(['1', '2', '3', '4']);
    expect((await outboxOf(dead!.id)).map((o) => o.processed_at !== null)).toEqual([true]);

    const letters = await api.call('GET', '/admin/deliveries?status=dead&limit=200');
    expect(letters.status).toBe(200);
    const listed = letters.body.items.find((d: { id: string }) => d.id === dead!.id);
    expect(listed).toMatchObject({
      id: dead!.id,
      referralId,
      departmentCode: dept.code,
      status: 'dead',
      attempts: 4,
      generation: 0,
      lastError: 'no answer within 200 ms',
    });
    expect(letters.body.items.every((d: { status: string }) => d.status === 'dead')).toBe(true);
    for (const key of [dept.key, await api.keyFor('auditor')]) {
      expect((await api.call('GET', '/admin/deliveries?status=dead', { key })).status).toBe(403);
      expect((await api.call('POST', `/admin/deliveries/${dead!.id}/replay`, { key })).status).toBe(403);
    }

    // The department fixes its system; an admin replays.
    silent.behaviour = () => 200;
    const replayed = await api.call('POST', `/admin/deliveries/${dead!.id}/replay`);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({
      id: dead!.id,
      status: 'pending',
      attempts: 0,
      generation: 1,
      deadAt: null,
      lastError: null,
    });
    await worker.relay();
    const [delivered] = await settled(referralId, 1);
    expect(delivered).toMatchObject({
      id: dead!.id,
      status: 'delivered',
      attempts: 1,
      generation: 1,
      last_status: 200,
    });

    const answered = silent.for(dead!.id).filter((r) => r.answered === 200);
    expect(answered).toHaveLength(1);
    expect(JSON.parse(answered[0]!.raw.toString('utf8')).id).toBe(dead!.id);
    expect(answered[0]!.raw.toString('utf8')).toBe(silent.requests[0]!.raw.toString('utf8'));
    expect(signatureMatches(dept.secret, answered[0]!.raw, answered[0]!.headers['x-concord-signature'])).toBe(true);
    expect((await outboxOf(dead!.id)).map((o) => [o.payload.generation, o.processed_at !== null])).toEqual([
      [0, true],
      [1, true],
    ]);

    // The first generation's job, run again, finds itself stale and sends nothing.
    const [first] = await outboxOf(dead!.id);
    const stale = {
      id: first!.id,
      data: { deliveryId: dead!.id, generation: 0 },
      attemptsMade: 0,
      opts: { attempts: 4 },
    } as unknown as Job;
    expect(await worker.app.get(WebhooksProcessor).process(stale)).toBe('skipped');
    expect(silent.for(dead!.id)).toHaveLength(5);

    // A delivered delivery is not replayed; ids that name nothing are 404s.
    const conflict = await api.call('POST', `/admin/deliveries/${dead!.id}/replay`);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ code: 'conflict', status: 409 });
    expect(conflict.body.detail).toMatch(/already delivered/);
    expect((await api.call('POST', '/admin/deliveries/0190f5a0-0000-7000-8000-000000000001/replay')).status).toBe(404);
    expect((await api.call('POST', '/admin/deliveries/not-a-uuid/replay')).status).toBe(404);
    expect((await api.call('GET', '/admin/deliveries/not-a-uuid')).status).toBe(404);
  });

  it('a refusal (4xx) is not retried; bulk replay of a department sends its dead deliveries again', async () => {
    const strict = await receiver(() => 400);
    const dept = await department(strict);
    const first = await refer(dept.code);
    const second = await refer(dept.code);
    await worker.relay();
    const [a] = await settled(first.referralId, 1);
    const [b] = await settled(second.referralId, 1);
    for (const row of [a!, b!]) {
      expect(row).toMatchObject({
        status: 'dead',
        attempts: 1,
        last_status: 400,
        last_error: 'HTTP 400: refused, not retried',
      });
    }
    expect(strict.requests).toHaveLength(2);

    strict.behaviour = () => 204;
    const replayed = await api.call('POST', '/admin/deliveries/replay', { body: { departmentCode: dept.code } });
    expect(replayed).toMatchObject({ status: 200, body: { replayed: 2 } });
    await worker.relay();
    for (const { referralId } of [first, second]) {
      expect((await settled(referralId, 1))[0]).toMatchObject({
        status: 'delivered',
        generation: 1,
        attempts: 1,
        last_status: 204,
      });
    }
    expect(strict.requests.map((r) => r.answered)).toEqual([400, 400, 204, 204]);
    expect((await api.call('POST', '/admin/deliveries/replay', { body: { departmentCode: dept.code } })).body).toEqual({
      replayed: 0,
    });
  });

  it('a delivery whose department lost its webhook is dead-lettered at its next attempt', async () => {
    // The worker relays on its own too, so the webhook is removed while the first attempt hangs: the retry
    // then finds no webhook, whatever the timing.
    const hanging = await receiver(() => 'hang');
    const dept = await department(hanging);
    const { referralId } = await refer(dept.code);
    await worker.relay();
    await hanging.received(1);
    // No API removes a webhook today; an operator editing the table must not leave deliveries pending for ever.
    await api.db.query('UPDATE departments SET webhook_url = NULL, webhook_secret = NULL WHERE code = $1', [dept.code]);
    const [row] = await settled(referralId, 1);
    expect(row).toMatchObject({ status: 'dead', last_status: null, last_error: 'the department has no webhook' });
    expect((await outboxOf(row!.id)).map((o) => o.processed_at !== null)).toEqual([true]);
    expect(hanging.requests.length).toBeLessThan(api.config.webhookAttempts);
  });

  it('lists deliveries newest first, page by page, and refuses bad queries with a 4xx', async () => {
    const ok = await receiver(() => 200);
    const dept = await department(ok);
    const referred = [await refer(dept.code), await refer(dept.code), await refer(dept.code)];
    await worker.relay();
    for (const { referralId } of referred) await settled(referralId, 1);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        status: number;
        body: { items: Array<{ id: string; departmentCode: string }>; nextCursor: string | null };
      } = await api.call(
        'GET',
        `/admin/deliveries?departmentCode=${dept.code}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((d) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const ids = (
      await api.db.query<{ id: string }>('SELECT id FROM deliveries WHERE department_code = $1 ORDER BY id DESC', [
        dept.code,
      ])
    ).map((r) => r.id);
    expect(ids).toHaveLength(3);
    expect(seen).toEqual(ids);

    for (const query of [
      'status=lost',
      'limit=0',
      'limit=500',
      'referralId=nope',
      'departmentCode=no%20spaces',
      'cursor=bm90LWEtdXVpZA',
      'secret=1',
    ]) {
      const reply = await api.call('GET', `/admin/deliveries?${query}`);
      expect({ query, status: reply.status }).toEqual({ query, status: 400 });
    }
    expect((await api.call('POST', '/admin/deliveries/replay', { body: { departmentCode: 7 } })).status).toBe(422);
  });
});
