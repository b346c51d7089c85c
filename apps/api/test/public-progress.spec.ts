import type { Redis } from 'ioredis';
import { ManualClock } from '#clock';
import { REDIS } from '#queues';
import { dispute, petition, seedDirectory, startTestApi, type TestApi } from './support/index.js';
import { publicRateLimitKey } from '../src/public/public-rate-limit.js';

const MONDAY = '2026-03-02T09:00:00+08:00';
const MINUTE = 60_000;
/** Payload members that carry free text or a person's identifier. */
const FREE_TEXT = ['text', 'reason', 'comment', 'instructions', 'opinion', 'note', 'mediatorId'];

/** 阳光信访: anyone with a query code follows the case, and learns nothing else. */
describe('public progress by query code', () => {
  const clock = new ManualClock(MONDAY);
  let api: TestApi;
  let mediatorId: string;
  let mediator: string;
  let justice: string;
  /** Every case of the test data, with every string the public must never see. */
  const cases: Array<{ id: string; queryCode: string }> = [];
  const secrets = new Set<string>();

  /** A public GET, without a key, as raw text: the bytes are what is compared. */
  const publicGet = async (code: string) => {
    const response = await fetch(`${api.url}/public/progress/${code.split('/').map(encodeURIComponent).join('/')}`);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  /** Ends this client's rate-limit window (its key in Redis), so the checks below are not about the limit. */
  const refill = () => api.app.get<Redis>(REDIS).del(windowKey());
  const windowKey = () => publicRateLimitKey(api.config, '127.0.0.1');

  const send = async (id: string, type: string, payload: Record<string, unknown> = {}) => {
    clock.advance(MINUTE);
    const reply = await api.call('POST', `/cases/${id}/events`, { key: mediator, body: { type, payload } });
    expect({ type, status: reply.status, detail: reply.body.detail }).toMatchObject({ type, status: 200 });
    for (const key of FREE_TEXT) {
      const value = payload[key];
      if (typeof value === 'string') secrets.add(value);
    }
    return reply.body;
  };
  const open = async (body: Record<string, any>) => {
    clock.advance(MINUTE);
    const created = await api.call('POST', '/cases', { key: mediator, body });
    expect(created.status).toBe(201);
    secrets.add(body.summary);
    secrets.add(body.description);
    cases.push({ id: created.body.id, queryCode: created.body.queryCode });
    return created.body as { id: string; queryCode: string; reference: string };
  };
  let n = 0;
  /** Parties with PII of their own, so that a leak is traceable to exactly one party. */
  const parties = (count = 2) =>
    Array.from({ length: count }, (_, i) => {
      n++;
      return {
        role: i === 0 ? 'applicant' : 'respondent',
        name: `当事人${String.fromCharCode(0x4e00 + n * 7)}${String.fromCharCode(0x4e00 + n * 13)}`,
        phone: `139${String(10_000_000 + n * 7919).slice(-8)}`,
        idNumber: `11010119${String(80_000_000 + n * 104_729).slice(-8)}${n % 10}X`,
      };
    });

  let reopened: { id: string; queryCode: string; reference: string };

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    // Version 2 names a mediator by user id: one of the district, whose subtree holds every case here.
    ({ id: mediatorId } = await api.personFor(['mediator'], { unitCode: 'XC' }));
    mediator = await api.keyFor('mediator', { unitCode: 'XC' });
    justice = await api.keyFor('department', { departmentCode: 'JUSTICE' });

    // A dispute resolved, followed up unhappily, reopened and resolved again: stages entered twice.
    reopened = await open(dispute({ parties: parties(3) }));
    await send(reopened.id, 'ADD_NOTE', { text: '申请人情绪激动，注意安抚（内部备注）' });
    await send(reopened.id, 'ACCEPT');
    await send(reopened.id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'medium' });
    await send(reopened.id, 'ASSIGN_MEDIATOR', { mediatorId, channel: 'people' });
    await send(reopened.id, 'CLOSE');
    await send(reopened.id, 'RECORD_FOLLOW_UP', {
      satisfaction: 1,
      reached: true,
      comment: '楼上仍在漏水，非常不满意',
    });
    await send(reopened.id, 'REOPEN', { reason: '回访不满意，重新调处' });
    await send(reopened.id, 'ASSIGN_MEDIATOR', { mediatorId, channel: 'people' });
    await send(reopened.id, 'CLOSE');
    await send(reopened.id, 'RECORD_FOLLOW_UP', { satisfaction: 5, reached: true });

    // A dispute with an added party and a referral in progress: the referral's events are not stages.
    const referred = await open(dispute({ unitCode: 'XC-XH-01-G1', parties: parties(1) }));
    const [extra] = parties(1);
    await send(referred.id, 'ADD_PARTY', { ...extra!, role: 'third_party' });
    secrets.add(extra!.name);
    await send(referred.id, 'ACCEPT');
    await send(referred.id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
    const refer = await send(referred.id, 'REFER', {
      departmentCode: 'JUSTICE',
      instructions: '请司法所会同网格员上门调处王某家漏水',
    });
    const referralId = refer.referrals[0].id as string;
    for (const [type, payload] of [
      ['ACKNOWLEDGE', { note: '已报到，联系人小周' }],
      ['ACCEPT', {}],
      ['PROGRESS', { note: '已联系物业维修' }],
    ] as const) {
      const reply = await api.call('POST', `/referrals/${referralId}/events`, {
        key: justice,
        body: { type, payload },
      });
      expect(reply.status).toBe(200);
      if ('note' in payload) secrets.add(payload.note);
    }

    // A declined dispute, a withdrawn one, a petition forwarded and one being handled.
    const declined = await open(dispute({ unitCode: 'XC-YL-01', parties: parties(2) }));
    await send(declined.id, 'DECLINE', { reason: '属于法院受理范围，已告知当事人起诉' });
    const withdrawn = await open(dispute({ parties: parties(2) }));
    await send(withdrawn.id, 'WITHDRAW', { reason: '双方已自行和解' });
    const forwarded = await open(petition({ parties: parties(1) }));
    await send(forwarded.id, 'FORWARD', { departmentCode: 'HOUSING' });
    const handling = await open(
      petition({
        parties: parties(2),
        summary: '反映某小区违建问题',
        description: '来信人称邻居私搭乱建，多次反映无果。',
      }),
    );
    await send(handling.id, 'ACCEPT', { petitionType: 'claim' });
    await send(handling.id, 'ASSIGN_HANDLER', { unitCode: 'XC-XH-01' });
    await send(handling.id, 'ISSUE_OPINION', { opinion: '责令限期拆除违建', supported: 'full' });

    // Every party of every case, as an admin reads them (decrypted, unmasked).
    for (const { id } of cases) {
      const view = (await api.call('GET', `/cases/${id}`)).body;
      expect(view.parties.length).toBeGreaterThan(0);
      for (const party of view.parties) {
        expect(party.masked).toBe(false);
        for (const value of [party.name, party.phone, party.idNumber]) if (value) secrets.add(value);
      }
    }
  });
  afterAll(() => api.close());

  it('answers reference, kind, stage and stage dates, and nothing that identifies anyone', async () => {
    expect(cases).toHaveLength(6);
    expect(secrets.size).toBeGreaterThan(40);
    for (const { id, queryCode } of cases) {
      await refill();
      const reply = await publicGet(queryCode);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      for (const secret of secrets)
        expect({ id, leaked: reply.text.includes(secret) ? secret : null }).toEqual({ id, leaked: null });
      const body = JSON.parse(reply.text);
      expect(Object.keys(body).sort()).toEqual([
        'closed',
        'concludedAt',
        'kind',
        'reference',
        'registeredAt',
        'stage',
        'stages',
        'status',
        'updatedAt',
      ]);
      for (const stage of body.stages) expect(Object.keys(stage).sort()).toEqual(['enteredAt', 'stage']);
      // Masked forms give nothing away either (no family name, no phone or ID fragments), nor do unit codes.
      expect(reply.text).not.toMatch(/\*|当事人|\d{7,}|XC|JUSTICE|mediator/);
      const view = (await api.call('GET', `/cases/${id}`)).body;
      expect(body).toMatchObject({
        reference: view.reference,
        kind: view.kind,
        stage: view.stage,
        registeredAt: view.createdAt,
        updatedAt: view.updatedAt,
      });
      expect(body.closed).toBe(view.state === 'archive.closed');
      expect(body.status).toBe(
        view.state === 'archive.closed' ? 'closed' : view.stage === 'archive' ? 'concluded' : 'in_progress',
      );
      expect(body.concludedAt === null).toBe(view.stage !== 'archive');
    }
  });

  it('lists every entry into a stage from the case’s own events, re-entries again', async () => {
    await refill();
    const reply = await publicGet(reopened.queryCode);
    const body = JSON.parse(reply.text);
    const history = (await api.call('GET', `/cases/${reopened.id}/history?limit=200`)).body.items as Array<{
      type: string;
      at: string;
    }>;
    const at = (type: string, nth = 0) => history.filter((e) => e.type === type)[nth]!.at;
    expect(body).toMatchObject({
      reference: reopened.reference,
      kind: 'dispute',
      stage: 'archive',
      status: 'closed',
      concludedAt: at('CLOSE', 1),
      closed: true,
    });
    expect(body.stages).toEqual([
      { stage: 'intake', enteredAt: at('REGISTER') },
      { stage: 'triage', enteredAt: at('ACCEPT') },
      { stage: 'mediation', enteredAt: at('ASSIGN_MEDIATOR') },
      { stage: 'archive', enteredAt: at('CLOSE') },
      { stage: 'triage', enteredAt: at('REOPEN') },
      { stage: 'mediation', enteredAt: at('ASSIGN_MEDIATOR', 1) },
      { stage: 'archive', enteredAt: at('CLOSE', 1) },
    ]);

    const referred = cases[1]!;
    const inReferral = JSON.parse((await publicGet(referred.queryCode)).text);
    expect(inReferral).toMatchObject({ stage: 'mediation', status: 'in_progress', concludedAt: null, closed: false });
    expect(inReferral.stages.map((s: { stage: string }) => s.stage)).toEqual(['intake', 'triage', 'mediation']);
  });

  it('tells a concluded case (办结: answered, in follow-up) from a closed one (归档)', async () => {
    await refill();
    const answered = await open(dispute({ parties: parties(1) }));
    await send(answered.id, 'ACCEPT');
    await send(answered.id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
    await send(answered.id, 'ASSIGN_MEDIATOR', { mediatorId, channel: 'people' });
    clock.advance(3_600_000);
    const closing = await send(answered.id, 'CLOSE');
    const concluded = JSON.parse((await publicGet(answered.queryCode)).text);
    expect(concluded).toMatchObject({ stage: 'archive', status: 'concluded', closed: false });
    expect(concluded.concludedAt).toBe(closing.updatedAt);

    clock.advance(3_600_000);
    await send(answered.id, 'RECORD_FOLLOW_UP', { satisfaction: 4, reached: true });
    const closed = JSON.parse((await publicGet(answered.queryCode)).text);
    expect(closed).toMatchObject({ status: 'closed', closed: true, concludedAt: concluded.concludedAt });
    expect(closed.updatedAt > closed.concludedAt).toBe(true);
  });

  it('accepts a code as a person types it back: lower case, spaced, O for 0, I or L for 1', async () => {
    await refill();
    const { queryCode } = cases[0]!;
    const typed = `${queryCode.slice(0, 4)}-${queryCode.slice(4, 8)} ${queryCode.slice(8)}`
      .toLowerCase()
      .replace(/0/g, 'o')
      .replace(/1/g, 'l');
    const reply = await publicGet(typed);
    expect(reply.status).toBe(200);
    expect(reply.text).toBe((await publicGet(queryCode)).text);
  });

  it('answers unknown, wrong and malformed codes with the very same bytes', async () => {
    await refill();
    const real = cases[0]!.queryCode;
    const flip = (c: string) => (c === 'A' ? 'B' : 'A');
    const codes = [
      'ZZZZZZZZZZZZ', // well formed, unknown
      `${real.slice(0, 11)}${flip(real[11]!)}`, // one character off a real code
      real.slice(0, 11), // one too short
      `${real}0`, // one too long
      'UUUUUUUUUUUU', // U is not in the alphabet
      'x',
      '!!!!',
      '查询码查询码查询码查询码',
      "' OR 1=1 --",
      'a'.repeat(90),
      'b'.repeat(150), // past Fastify's parameter limit
      'ABCD/EFGH/JKMN', // not one path segment
    ];
    const replies = [];
    for (const code of codes) replies.push(await publicGet(code));
    for (const [i, reply] of replies.entries()) {
      expect({ code: codes[i], status: reply.status }).toEqual({ code: codes[i], status: 404 });
      expect(reply.text).toBe(replies[0]!.text);
      expect(reply.headers.get('content-type')).toBe(replies[0]!.headers.get('content-type'));
    }
    expect(replies[0]!.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(replies[0]!.text)).toEqual({
      type: 'urn:concord:problem:not_found',
      title: 'Not Found',
      status: 404,
      detail: 'No case has this query code.',
      code: 'not_found',
    });
  });

  it('is rate-limited per client: 429 with Retry-After past the limit, and lets the client in again when its window ends', async () => {
    await refill();
    const redis = api.app.get<Redis>(REDIS);
    const code = cases[0]!.queryCode;
    for (let i = 0; i < 30; i++) expect((await publicGet(i % 2 ? code : 'ZZZZZZZZZZZZ')).status).not.toBe(429);
    const limited = await publicGet(code);
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.text)).toMatchObject({ status: 429, code: 'too_many_requests' });
    // Unknown codes are limited too: guessing costs the same as asking.
    expect((await publicGet('ZZZZZZZZZZZZ')).status).toBe(429);

    // Retry-After is what is left of the client's window, as Redis keeps it: with 20 s left, at most 20 s, and
    // no less than Redis still holds after the answer.
    await redis.pexpire(windowKey(), 20_000);
    const still = await publicGet(code);
    const left = await redis.pttl(windowKey());
    expect(still.status).toBe(429);
    const retryAfter = Number(still.headers.get('retry-after'));
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect(retryAfter).toBeGreaterThanOrEqual(Math.max(1, Math.ceil(left / 1000)));

    // The window ends (its key expires): the client gets the whole limit again, and no more.
    await redis.del(windowKey());
    for (let i = 0; i < 30; i++) expect((await publicGet(code)).status).toBe(200);
    expect((await publicGet(code)).status).toBe(429);
    // Authenticated routes are not limited by it.
    expect((await api.call('GET', '/units')).status).toBe(200);
  });
});

describe('public progress behind a reverse proxy', () => {
  const clock = new ManualClock(MONDAY);
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ clock, config: { trustProxy: '127.0.0.1' } });
  });
  afterAll(() => api.close());

  const from = (client: string) =>
    fetch(`${api.url}/public/progress/ZZZZZZZZZZZZ`, { headers: { 'x-forwarded-for': client } }).then((r) => r.status);

  it('keeps a window per client address the trusted proxy names, not one for the proxy', async () => {
    for (let i = 0; i < 30; i++) expect(await from('203.0.113.7')).toBe(404);
    expect(await from('203.0.113.7')).toBe(429);
    expect(await from('198.51.100.23')).toBe(404);
  });
});
