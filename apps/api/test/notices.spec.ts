import type { Job } from 'bullmq';
import { EffectsProcessor } from '../../worker/src/processors/effects.processor.js';
import { SystemClock } from '#clock';
import type { PersonNoticeJob } from '#domain';
import { NoticeHub, NoticesService } from '#notifications';
import { writeOutbox } from '#outbox';
import { JobName, QueueName } from '#queues';
import {
  dispute,
  seedDirectory,
  spawnApi,
  SseClient,
  startTestApi,
  startTestWorker,
  type SpawnedApi,
  type TestApi,
  type TestWorker,
} from './support/index.js';

const PASSWORD = 'Tiao-jie-2026!';

/** A signed-in browser: its cookies and the CSRF token. */
interface Browser {
  id: string;
  cookie: string;
  csrf: string;
}

/**
 * A person's notice inbox and its live stream, over real HTTP with real PostgreSQL and Redis: API A (in this
 * process) and the worker deliver; API B is another process, spawned from the build, on the same database, Redis
 * and queue prefix, as a second process behind a load balancer would be; API C is a third, in this process, whose
 * hub the heartbeat tests drive. Notices are raised the way the engine raises them: an outbox row `person.notify`
 * that the worker's relay and processor carry out.
 */
describe('notices: a person’s inbox, live over server-sent events across API processes', () => {
  let a: TestApi;
  let b: SpawnedApi;
  let c: TestApi;
  let worker: TestWorker;
  let li: Browser;
  let wang: Browser;
  let caseId: string;
  let reference: string;
  const open: SseClient[] = [];

  beforeAll(async () => {
    a = await startTestApi();
    await seedDirectory(a);
    worker = await startTestWorker(a.config, a.db, new SystemClock());
    b = await spawnApi(a.config);
    c = await startTestApi({ alongside: a });
    li = await person('li.notices', ['mediator']);
    wang = await person('wang.notices', ['mediator']);
    const created = await a.call('POST', '/cases', { body: dispute() });
    expect(created.status).toBe(201);
    caseId = created.body.id;
    reference = created.body.reference;
  });
  afterEach(() => {
    for (const stream of open.splice(0)) stream.close();
  });
  afterAll(async () => {
    await b?.stop();
    await c?.close();
    await worker?.close();
    await a?.close();
  });

  async function person(username: string, roles: string[]): Promise<Browser> {
    const created = await a.call('POST', '/users', {
      body: { username, name: `${username} (test)`, unitCode: 'XC-XH', roles, password: PASSWORD },
    });
    expect(created.status).toBe(201);
    return { id: created.body.id, ...(await signIn(username)) };
  }

  async function signIn(username: string): Promise<{ cookie: string; csrf: string }> {
    const reply = await a.call('POST', '/session', { key: null, body: { username, password: PASSWORD } });
    expect(reply.status).toBe(200);
    return {
      cookie: reply.headers
        .getSetCookie()
        .map((cookie) => cookie.split(';')[0]!)
        .join('; '),
      csrf: reply.body.csrfToken,
    };
  }

  /** Calls `api` (A or C, or B by its URL) as the person, with the CSRF token unless told not to. */
  const as = async (url: string, who: Browser, method: string, path: string, body?: unknown, csrf = true) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        cookie: who.cookie,
        ...(csrf ? { 'x-csrf-token': who.csrf } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    expect(response.status).toBeLessThan(500);
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };

  /** Opens the person's stream on the API at `url` and waits until it is connected (its first comment). */
  async function stream(url: string, who: Browser, lastEventId?: string): Promise<SseClient> {
    const client = await SseClient.open(`${url}/me/notices/stream`, {
      cookie: who.cookie,
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    });
    open.push(client);
    expect({ status: client.status, body: client.body }).toEqual({ status: 200, body: '' });
    expect(client.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await client.next()).toEqual({ retry: 3000, comment: 'connected' });
    return client;
  }

  /** An outbox row `person.notify`, as the engine writes one; `relayed` keeps the worker's relay off it. */
  async function outboxRow(userId: string, over: Partial<PersonNoticeJob> = {}, relayed = false): Promise<string> {
    const payload: PersonNoticeJob = {
      userId,
      caseId,
      seq: 1,
      topic: 'assigned',
      referralId: null,
      detail: null,
      ...over,
    };
    return a.db.transaction(async (tx) => {
      const [id] = await writeOutbox(
        tx,
        payload.caseId,
        [{ queue: QueueName.Notifications, name: JobName.PersonNotify, payload: { ...payload } }],
        new Date(),
      );
      if (relayed) await tx.query('UPDATE outbox SET relayed_at = now() WHERE id = $1', [id]);
      return id!;
    });
  }

  /** Raises a notice for the person through the outbox, the relay and the worker, and waits until it is done. */
  async function raise(userId: string, over: Partial<PersonNoticeJob> = {}): Promise<string> {
    const id = await outboxRow(userId, over);
    await worker.settle();
    return id;
  }

  /** Runs the worker's own processor on a job, as BullMQ would. */
  const runJob = (id: string, data: PersonNoticeJob) =>
    worker.app.get(EffectsProcessor).process({ id, name: JobName.PersonNotify, data } as unknown as Job);

  const payloadOf = async (id: string) =>
    (await a.db.query<{ payload: PersonNoticeJob }>('SELECT payload FROM outbox WHERE id = $1', [id]))[0]!.payload;

  it('a hand-over made through one API process reaches the person’s stream on another: ASSIGN, end to end', async () => {
    const zhao = await person('zhao.notices', ['mediator']);
    const live = await stream(b.url, zhao);
    const assigned = await a.call('POST', `/cases/${caseId}/events`, {
      body: { type: 'ASSIGN', payload: { userId: zhao.id } },
    });
    expect(assigned.status).toBe(200);
    await worker.settle();
    const notice = await live.nextNotice();
    expect(notice.data).toMatchObject({
      topic: 'assigned',
      caseId,
      caseReference: reference,
      seq: assigned.body.version,
    });
    expect((await as(a.url, zhao, 'GET', '/me/notices')).body.items.map((n: { id: string }) => n.id)).toEqual([
      notice.id,
    ]);
  });

  it('a notice delivered by the worker reaches the person’s stream on another API process, and the inbox', async () => {
    const live = await stream(b.url, li);
    const id = await raise(li.id, { topic: 'assigned', detail: 'dispute.mediation' });

    const notice = await live.nextNotice();
    expect(notice).toEqual({
      id,
      data: {
        id,
        topic: 'assigned',
        caseId,
        caseReference: reference,
        referralId: null,
        detail: 'dispute.mediation',
        seq: 1,
        createdAt: expect.any(String),
        readAt: null,
      },
    });

    // The same notice in the inbox, read through API A, with the unread count.
    const inbox = await as(a.url, li, 'GET', '/me/notices');
    expect(inbox).toEqual({ status: 200, body: { items: [notice.data], nextCursor: null, unread: 1 } });
    expect((await as(a.url, li, 'GET', '/me/notices?unread=true')).body.items.map((n: any) => n.id)).toEqual([id]);

    // No party data anywhere in it, and its detail is not readable at rest.
    expect(JSON.stringify(inbox.body)).not.toMatch(/王小明|李大华|13812345678|110101199003071234/);
    const [row] = await a.db.query<{ detail_enc: string }>('SELECT detail_enc FROM notices WHERE id = $1', [id]);
    expect(row!.detail_enc).not.toContain('dispute.mediation');
  });

  it('marks notices read (a cookie write: the CSRF token is required), and the unread count follows', async () => {
    const first = await raise(li.id, { topic: 'deadline_warning', detail: 'dispute.mediation' });
    const second = await raise(li.id, { topic: 'referral_returned' });
    const unread = (await as(b.url, li, 'GET', '/me/notices')).body.unread as number;
    expect(unread).toBeGreaterThanOrEqual(2);

    const withoutToken = await as(b.url, li, 'POST', '/me/notices/read', { ids: [first] }, false);
    expect(withoutToken).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await as(b.url, li, 'POST', '/me/notices/read', { ids: [first] })).toEqual({
      status: 200,
      body: { marked: 1, unread: unread - 1 },
    });
    // Again: already read, nothing changes.
    expect((await as(b.url, li, 'POST', '/me/notices/read', { ids: [first] })).body.marked).toBe(0);
    const page = (await as(a.url, li, 'GET', '/me/notices?unread=true')).body;
    expect(page.items.map((n: any) => n.id)).toContain(second);
    expect(page.items.map((n: any) => n.id)).not.toContain(first);
    expect((await as(a.url, li, 'GET', '/me/notices')).body.items.find((n: any) => n.id === first).readAt).toEqual(
      expect.any(String),
    );

    // Read up to a notice of the list: it and every one raised before it.
    expect(await as(a.url, li, 'POST', '/me/notices/read', { upTo: second })).toEqual({
      status: 200,
      body: { marked: unread - 1, unread: 0 },
    });

    const later = await raise(li.id, { topic: 'unassigned' });
    expect(await as(c.url, li, 'POST', '/me/notices/read', { all: true })).toEqual({
      status: 200,
      body: { marked: 1, unread: 0 },
    });
    expect((await as(a.url, li, 'GET', '/me/notices')).body).toMatchObject({ unread: 0 });
    expect((await as(a.url, li, 'GET', '/me/notices')).body.items[0].id).toBe(later);

    // Exactly one of ids, all or upTo.
    for (const body of [{}, { all: true, ids: [first] }, { all: false }, { ids: [] }, { ids: ['nope'] }, { upTo: 1 }])
      expect((await as(a.url, li, 'POST', '/me/notices/read', body)).status).toBe(422);
  });

  it('a stream opened again with Last-Event-ID sends what came while it was away; without it, only what comes', async () => {
    const live = await stream(b.url, li);
    const seen = await raise(li.id, { topic: 'assigned' });
    expect((await live.nextNotice()).id).toBe(seen);
    live.close();

    const missed = [await raise(li.id, { topic: 'deadline_warning' }), await raise(li.id, { topic: 'unassigned' })];
    const resumed = await stream(c.url, li, seen);
    expect([(await resumed.nextNotice()).id, (await resumed.nextNotice()).id]).toEqual(missed);

    // A new stream (no Last-Event-ID) starts with what comes next; an id that is not the person's counts as none.
    const fresh = await stream(b.url, li);
    const foreign = await stream(b.url, li, '00000000-0000-7000-8000-000000000000');
    const next = await raise(li.id, { topic: 'taken_in_charge' });
    expect((await fresh.nextNotice()).id).toBe(next);
    expect((await foreign.nextNotice()).id).toBe(next);
    expect((await resumed.nextNotice()).id).toBe(next);
  });

  it('a person sees only their own notices, in the inbox and on the stream', async () => {
    const wangsStream = await stream(b.url, wang);
    const lisStream = await stream(c.url, li);
    const forLi = await raise(li.id, { topic: 'claimed_by_another' });
    const forWang = await raise(wang.id, { topic: 'assigned' });
    expect((await lisStream.nextNotice()).id).toBe(forLi);
    // Li's notice was announced first: had it reached Wang's stream, it would come before Wang's own.
    expect((await wangsStream.nextNotice()).id).toBe(forWang);

    const wangsInbox = (await as(a.url, wang, 'GET', '/me/notices')).body;
    expect(wangsInbox.items.map((n: any) => n.id)).toEqual([forWang]);
    expect(wangsInbox.unread).toBe(1);
    // Marking someone else's notice read changes nothing, and says nothing about it.
    expect((await as(a.url, wang, 'POST', '/me/notices/read', { ids: [forLi] })).body).toEqual({
      marked: 0,
      unread: 1,
    });
    expect((await as(a.url, li, 'GET', '/me/notices?unread=true')).body.items.map((n: any) => n.id)).toContain(forLi);
  });

  it('refuses an API key with 403 on every notices route: a key is a system’s, and has no inbox', async () => {
    const intake = await a.keyFor('intake', { unitCode: 'XC-XH' });
    for (const key of [a.adminKey, intake]) {
      for (const [method, path, body] of [
        ['GET', '/me/notices', undefined],
        ['GET', '/me/notices?limit=0', undefined],
        ['POST', '/me/notices/read', { all: true }],
        ['POST', '/me/notices/read', { nonsense: 1 }],
        ['GET', '/me/notices/stream', undefined],
      ] as const) {
        const reply = await a.call(method, path, { key, body });
        expect({ path, status: reply.status, code: reply.body.code }).toEqual({ path, status: 403, code: 'forbidden' });
        expect(reply.headers.get('content-type')).toContain('application/problem+json');
      }
    }
    const refused = await SseClient.open(`${b.url}/me/notices/stream`, { authorization: `Bearer ${a.adminKey}` });
    expect(refused.status).toBe(403);
    // No session at all: 401.
    expect((await SseClient.open(`${b.url}/me/notices/stream`, {})).status).toBe(401);
  });

  it('a job run twice (or three times at once) leaves one notice, sent once', async () => {
    const live = await stream(b.url, li);
    const id = await outboxRow(li.id, { topic: 'assigned', detail: 'twice' }, true);
    const data = await payloadOf(id);
    const results = await Promise.all([runJob(id, data), runJob(id, data), runJob(id, data)]);
    expect(results.sort()).toEqual(['already-delivered', 'already-delivered', 'delivered']);
    expect(await runJob(id, data)).toBe('already-delivered');
    expect((await a.db.query('SELECT id FROM notices WHERE id = $1', [id])).length).toBe(1);

    // Announced each time, sent once: the next notice on the stream after it is the next one raised.
    expect((await live.nextNotice()).id).toBe(id);
    const after = await raise(li.id, { topic: 'unassigned' });
    expect((await live.nextNotice()).id).toBe(after);
  });

  it('a notice raised earlier but delivered later is not skipped, live or on resuming', async () => {
    const earlier = await outboxRow(li.id, { topic: 'deadline_warning', detail: 'late' }, true);
    const later = await outboxRow(li.id, { topic: 'assigned', detail: 'early' }, true);
    expect(earlier < later).toBe(true);
    const live = await stream(b.url, li);
    expect(await runJob(later, await payloadOf(later))).toBe('delivered');
    expect((await live.nextNotice()).id).toBe(later);
    live.close();

    // The earlier one arrives while no stream is open: resuming after the later one still sends it.
    expect(await runJob(earlier, await payloadOf(earlier))).toBe('delivered');
    const resumed = await stream(c.url, li, later);
    expect((await resumed.nextNotice()).id).toBe(earlier);
    // And in the inbox it sits where it was raised: before the later one.
    const ids = (await as(a.url, li, 'GET', '/me/notices?limit=200')).body.items.map((n: any) => n.id) as string[];
    expect(ids.indexOf(later)).toBeLessThan(ids.indexOf(earlier));
  });

  it('catches up from PostgreSQL when an announcement was missed: at the next one, or at the heartbeat', async () => {
    const notices = a.app.get(NoticesService);
    const quietly = (topic: PersonNoticeJob['topic']) =>
      a.db.transaction(async (tx) => {
        const id = await outboxRow(li.id, { topic }, true);
        await notices.deliver(tx, [{ id, userId: li.id, caseId, seq: 1, topic, referralId: null, detail: null }]);
        return id;
      });

    // Delivered with no announcement (Redis lost it): the next announcement of the person brings both.
    const onB = await stream(b.url, li);
    const missed = await quietly('deadline_warning');
    const announced = await raise(li.id, { topic: 'assigned' });
    expect([(await onB.nextNotice()).id, (await onB.nextNotice()).id]).toEqual([missed, announced]);

    // With none to follow, the heartbeat reads the inbox too.
    const onC = await stream(c.url, li);
    // Its first read (of what came before it opened) is over: what follows reaches it only by the heartbeat.
    await c.app.get(NoticeHub).streamsOf(li.id).at(-1)!.wake();
    const alone = await quietly('referral_returned');
    await c.app.get(NoticeHub).heartbeat();
    expect(await onC.next()).toEqual({ comment: 'heartbeat' });
    expect((await onC.nextNotice()).id).toBe(alone);
  });

  it('ends a stream when its session ends, and forgets a stream whose client left', async () => {
    const hub = c.app.get(NoticeHub);
    const session = await signIn('wang.notices');
    const wang2 = { ...wang, ...session };
    const live = await stream(c.url, wang2);
    const [server] = hub.streamsOf(wang.id).slice(-1);
    await hub.heartbeat();
    expect(await live.next()).toEqual({ comment: 'heartbeat' });

    expect((await as(a.url, wang2, 'DELETE', '/session')).status).toBe(204);
    await hub.heartbeat();
    expect(await live.end()).toEqual([]);
    await server!.done;
    expect(hub.streamsOf(wang.id)).not.toContain(server);

    // A notice for a person whose session ended is not sent on the stream it opened.
    const other = await stream(c.url, { ...wang, ...(await signIn('wang.notices')) });
    const again = hub.streamsOf(wang.id).at(-1)!;
    const otherSession = (
      await a.db.query<{ id: string }>(
        `SELECT id FROM user_sessions WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1`,
        [wang.id],
      )
    )[0]!.id;
    await a.db.query(`UPDATE user_sessions SET revoked_at = now(), revoked_reason = 'test' WHERE id = $1`, [
      otherSession,
    ]);
    await raise(wang.id, { topic: 'unassigned' });
    await again.done;
    expect(await other.end()).toEqual([]);

    // The client leaves: its stream is closed and dropped.
    const leaving = await stream(c.url, li);
    const mine = hub.streamsOf(li.id).at(-1)!;
    leaving.close();
    await mine.done;
    expect(hub.streamsOf(li.id)).not.toContain(mine);
  });
});
