import type { Job } from 'bullmq';
import { EffectsProcessor } from '../src/processors/effects.processor.js';
import { ManualClock } from '#clock';
import { InboxChannel, noticeIdFor, type OwnerNotice } from '#notifications';
import { JobName } from '#queues';
import {
  dispute,
  seedDirectory,
  SseClient,
  startTestApi,
  startTestWorker,
  type TestApi,
  type TestWorker,
} from './support/index.js';

const MONDAY = '2026-03-02T09:00:00+08:00';
/** Past the referral's one working day to acknowledge (报到), issued on Monday: it is urged (催办). */
const URGED = '2026-03-04T00:00:01+08:00';
const PASSWORD = 'Tiao-jie-2026!';

/**
 * Owner notices in person: a referral nobody acknowledges is urged (催办) by the real deadline worker, and the
 * notice to the case owner reaches, besides the case file, the inboxes of the case's assignee, of the leader in
 * charge of it and of the department's person working the referral — live on an open stream too. The people
 * are given the case and the referral by the assignment events (ASSIGN, TAKE_CHARGE, the referral's CLAIM).
 */
describe('the inbox channel: owner notices reach the people working the case', () => {
  const clock = new ManualClock(MONDAY);
  let api: TestApi;
  let worker: TestWorker;
  let mediator: string;
  const people: Record<'li' | 'chen' | 'zhang' | 'wang', string> = { li: '', chen: '', zhang: '', wang: '' };

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    worker = await startTestWorker(api.config, api.db, clock);
    mediator = await api.keyFor('mediator', { unitCode: 'XC-XH' });
    for (const [name, body] of [
      ['li', { roles: ['mediator'], unitCode: 'XC-XH' }],
      ['chen', { roles: ['leader'], unitCode: 'XC-XH' }],
      ['zhang', { roles: ['department'], departmentCode: 'JUSTICE' }],
      ['wang', { roles: ['mediator'], unitCode: 'XC-XH' }],
    ] as const) {
      const reply = await api.call('POST', '/users', {
        body: { username: `${name}.inbox`, name: `${name} (test)`, password: PASSWORD, ...body },
      });
      expect(reply.status).toBe(201);
      people[name] = reply.body.id;
    }
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  const send = async (id: string, type: string, payload: Record<string, unknown> = {}) => {
    const reply = await api.call('POST', `/cases/${id}/events`, { key: mediator, body: { type, payload } });
    expect({ type, status: reply.status }).toEqual({ type, status: 200 });
    return reply.body;
  };

  async function referredCase(): Promise<{ caseId: string; referralId: string; reference: string }> {
    const created = (await api.call('POST', '/cases', { key: mediator, body: dispute() })).body;
    await send(created.id, 'ACCEPT');
    await send(created.id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
    const view = await send(created.id, 'REFER', { departmentCode: 'JUSTICE', instructions: '请司法所调处' });
    return { caseId: created.id, referralId: view.referrals[0].id, reference: created.reference };
  }

  /** The person signed in now (by the test's clock), as a cookie. */
  const cookieOf = async (name: keyof typeof people): Promise<string> => (await sessionOf(name)).cookie;
  async function sessionOf(name: keyof typeof people): Promise<{ cookie: string; csrf: string }> {
    const reply = await api.call('POST', '/session', {
      key: null,
      body: { username: `${name}.inbox`, password: PASSWORD },
    });
    expect(reply.status).toBe(200);
    const cookie = reply.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .join('; ');
    return { cookie, csrf: reply.body.csrfToken };
  }
  /** Sends an event as the person signed in now. */
  async function asPerson(name: keyof typeof people, path: string, type: string) {
    const { cookie, csrf } = await sessionOf(name);
    const reply = await api.call('POST', path, {
      key: null,
      headers: { cookie, 'x-csrf-token': csrf },
      body: { type, payload: {} },
    });
    expect({ type, status: reply.status }).toEqual({ type, status: 200 });
  }
  /** A person's notices about the urge (the hand-overs that gave them the case are notices of their own). */
  const urgesOf = async (cookie: string) => {
    const inbox = await inboxOf(cookie);
    return inbox.items.filter((n) => n.topic === 'referral_urged');
  };

  const inboxOf = async (cookie: string) =>
    (await api.call('GET', '/me/notices', { key: null, headers: { cookie } })).body as {
      items: Array<Record<string, unknown>>;
      unread: number;
    };

  const ownerNotified = async (caseId: string) =>
    ((await api.call('GET', `/cases/${caseId}/history?limit=200`, { key: mediator })).body.items as any[]).filter(
      (e) => e.type === 'OWNER_NOTIFIED' || e.type === 'DEADLINE_ELAPSED',
    );

  it('puts the urge in the inboxes of the assignee, the leader in charge and the referral’s assignee, once', async () => {
    clock.set(MONDAY);
    const { caseId, referralId, reference } = await referredCase();
    const quiet = await referredCase();
    const assigned = await api.call('POST', `/cases/${caseId}/events`, {
      body: { type: 'ASSIGN', payload: { userId: people.li } },
    });
    expect(assigned.status).toBe(200);
    await asPerson('chen', `/cases/${caseId}/events`, 'TAKE_CHARGE');
    await asPerson('zhang', `/referrals/${referralId}/events`, 'CLAIM');
    await worker.settle();

    clock.set(URGED);
    const cookies = {
      li: await cookieOf('li'),
      chen: await cookieOf('chen'),
      zhang: await cookieOf('zhang'),
      wang: await cookieOf('wang'),
    };
    const live = await SseClient.open(`${api.url}/me/notices/stream`, { cookie: cookies.li });
    expect(await live.next()).toEqual({ retry: 3000, comment: 'connected' });

    expect((await worker.fireDue()).map((f) => f.result)).toEqual(['fired', 'fired']);
    await worker.settle();

    // The case file records it, with the channels it went through.
    const [elapsed, notified] = await ownerNotified(caseId);
    expect(notified).toMatchObject({
      type: 'OWNER_NOTIFIED',
      payload: { topic: 'referral_urged', channels: ['case_file', 'inbox'], recipient: 'XC-XH-01', referralId },
    });

    // One copy per person, with an id derived from the notice's and the person's.
    const [row] = await api.db.query<{ id: string }>(`SELECT id FROM outbox WHERE case_id = $1 AND name = $2`, [
      caseId,
      JobName.Notify,
    ]);
    const expected = (userId: string) => ({
      id: noticeIdFor(row!.id, userId),
      topic: 'referral_urged',
      caseId,
      caseReference: reference,
      referralId,
      detail: null,
      seq: elapsed.seq,
      createdAt: new Date(URGED).toISOString(),
      readAt: null,
    });
    for (const name of ['li', 'chen', 'zhang'] as const)
      expect(await urgesOf(cookies[name])).toEqual([expected(people[name])]);
    expect(await inboxOf(cookies.wang)).toEqual({ items: [], nextCursor: null, unread: 0 });
    expect(await live.nextNotice()).toEqual({ id: expected(people.li).id, data: expected(people.li) });
    live.close();

    // The job run again (after a crash before its row was marked, say): the channel runs again, nothing doubles.
    const [job] = await api.db.query<{ id: string; payload: Record<string, unknown> }>(
      'SELECT id, payload FROM outbox WHERE id = $1',
      [row!.id],
    );
    const processor = worker.app.get(EffectsProcessor);
    expect(await processor.process({ id: job!.id, name: JobName.Notify, data: job!.payload } as unknown as Job)).toBe(
      'already-delivered',
    );
    const notice: OwnerNotice = {
      audience: 'owner',
      id: row!.id,
      caseId,
      seq: elapsed.seq,
      topic: 'referral_urged',
      unitCode: 'XC-XH-01',
      referralId,
      detail: null,
    };
    await worker.app.get(InboxChannel).send(notice);
    const copies = await api.db.query<{ user_id: string }>(
      `SELECT user_id FROM notices WHERE case_id = $1 AND topic = 'referral_urged' ORDER BY user_id`,
      [caseId],
    );
    expect(copies.map((c) => c.user_id)).toEqual([people.li, people.chen, people.zhang].sort());

    // Nobody assigned to the other case: nobody's inbox, and the case file has the record all the same.
    expect((await ownerNotified(quiet.caseId)).map((e) => [e.type, e.payload.channels ?? null])).toEqual([
      ['DEADLINE_ELAPSED', null],
      ['OWNER_NOTIFIED', ['case_file', 'inbox']],
    ]);
    expect(await api.db.query('SELECT id FROM notices WHERE case_id = $1', [quiet.caseId])).toEqual([]);
  });
});
