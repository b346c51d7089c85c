import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { AnchorsProcessor } from '../../worker/src/processors/anchors.processor.js';
import { ManualClock } from '#clock';
import { createRedis, QueueName } from '#queues';
import {
  ON_VERSION_1,
  startTestApi,
  startTestWorker,
  type TestApi,
  type TestWorker,
  WebhookReceiver,
} from './support/index.js';

const DAY = 24 * 3_600_000;

/** The only columns allowed to hold party PII: the vault's, encrypted. */
const VAULT = new Set(['public.parties.name_enc', 'public.parties.phone_enc', 'public.parties.id_number_enc']);

/** Parties with PII of their own, each phone typed the way a caseworker might, with its E.164 form. */
const PARTIES = {
  wang: {
    role: 'applicant',
    name: '王小明',
    phone: '13812345678',
    idNumber: '110101199003071234',
    e164: '+8613812345678',
  },
  li: { role: 'respondent', name: '李大华', phone: '139 8765 4321', idNumber: 'E12345678', e164: '+8613987654321' },
  zhao: {
    role: 'third_party',
    name: '赵铁柱',
    phone: '+86 137-1111-2222',
    idNumber: '110105198808081111',
    e164: '+8613711112222',
  },
  sun: {
    role: 'applicant',
    name: '孙晓红',
    phone: '010-6512 3456',
    idNumber: '11010519900101222X',
    e164: '+861065123456',
  },
  chen: {
    role: 'respondent',
    name: 'Chen Jianguo',
    phone: '+1 212 555 0100',
    idNumber: 'P7654321',
    e164: '+12125550100',
  },
  zhou: {
    role: 'applicant',
    name: '周海燕',
    phone: '150-1111-2222',
    idNumber: '110108197511112222',
    e164: '+8615011112222',
  },
  wu: {
    role: 'applicant',
    name: '吴秀兰',
    phone: '18600001234',
    idNumber: '110106197001013333',
    e164: '+8618600001234',
  },
} as const;
type PartyKey = keyof typeof PARTIES;
const party = (k: PartyKey) => {
  const { e164: _, ...input } = PARTIES[k];
  return input;
};

/** Every form a party's PII could take in storage: as typed, in E.164, as bare digits, JSON-escaped. */
function needles(): string[] {
  const out = new Set<string>();
  const escaped = (s: string) =>
    JSON.stringify(s)
      .slice(1, -1)
      .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  for (const p of Object.values(PARTIES)) {
    for (const value of [p.name, p.phone, p.e164, p.e164.slice(1), p.phone.replace(/\D/g, ''), p.idNumber]) {
      out.add(value);
      out.add(escaped(value));
    }
  }
  return [...out];
}

/**
 * After a full walk-through over HTTP, with the real worker relaying, firing deadlines, notifying and
 * delivering webhooks, no party name, phone or ID number is readable anywhere: in any text or JSON column of
 * any table (found from the catalog, so a table added later is scanned too) but the vault's, in any key of
 * the deployment's Redis, or in any webhook body.
 */
describe('no plaintext party PII at rest', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let worker: TestWorker;
  let receiver: WebhookReceiver;
  let redis: Redis;
  const watched: Array<{ name: QueueName; queue: Queue; events: QueueEvents; connection: Redis }> = [];
  /** Values the scans must find, so that a scan which reads nothing cannot pass. */
  const controls: { caseId?: string; referralId?: string } = {};

  /** Relays the outbox and waits for every notification and webhook job it made, until no new one appears. */
  async function drain(): Promise<void> {
    const awaited = new Set<string>();
    for (;;) {
      await worker.relay();
      const rows = await api.db.query<{ id: string; queue: string }>(
        'SELECT id, queue FROM outbox WHERE queue = ANY($1) ORDER BY id',
        [watched.map((w) => w.name)],
      );
      const fresh = rows.filter((r) => !awaited.has(r.id));
      if (fresh.length === 0) return;
      for (const row of fresh) {
        awaited.add(row.id);
        const { queue, events } = watched.find((w) => w.name === row.queue)!;
        const job = await queue.getJob(row.id);
        if (!job) throw new Error(`outbox row ${row.id} (${row.queue}) has no job after relaying`);
        await job.waitUntilFinished(events, 30_000);
      }
    }
  }

  beforeAll(async () => {
    api = await startTestApi({ clock, config: { ...ON_VERSION_1, webhookAllowPrivate: ['127.0.0.1'] } });
    worker = await startTestWorker(api.config, api.db, clock);
    receiver = await new WebhookReceiver().start();
    redis = createRedis(api.config.redisUrl);
    for (const name of [QueueName.Notifications, QueueName.Referrals]) {
      const connection = redis.duplicate();
      const events = new QueueEvents(name, { connection, prefix: api.config.queuePrefix });
      await events.waitUntilReady();
      watched.push({
        name,
        queue: new Queue(name, { connection: redis, prefix: api.config.queuePrefix }),
        events,
        connection,
      });
    }
    const ok = async (what: string, reply: Promise<{ status: number; body: any }>) => {
      const r = await reply;
      if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };

    // The README's walk-through: units, a mediator key for the street.
    for (const unit of [
      { code: 'XC', name: '西城区', level: 'district' },
      { code: 'XC-XH', name: '新华街道', level: 'street', parentCode: 'XC' },
      { code: 'XC-XH-01', name: '新华社区', level: 'community', parentCode: 'XC-XH' },
    ]) {
      await ok(`unit ${unit.code}`, api.call('POST', '/units', { body: unit }));
    }
    const mediator = (
      await ok(
        'mediator key',
        api.call('POST', '/api-keys', { body: { role: 'mediator', name: 'Li, Xinhua street', unitCode: 'XC-XH' } }),
      )
    ).key;
    const auditor = await api.keyFor('auditor');
    const m = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      ok(path, api.call('POST', path, { key: mediator, body, headers }));

    // A dispute registered with an Idempotency-Key, and the retry of it.
    const walkIn = {
      kind: 'dispute',
      channel: 'walk_in',
      unitCode: 'XC-XH-01',
      category: 'neighbour',
      summary: '楼上漏水纠纷',
      description: '楼上卫生间漏水导致天花板受损',
      parties: [party('wang'), party('li')],
    };
    const first = await m('/cases', walkIn, { 'idempotency-key': 'walk-in-0001' });
    expect((await m('/cases', walkIn, { 'idempotency-key': 'walk-in-0001' })).id).toBe(first.id);
    controls.caseId = first.id;
    const ev = (
      caseId: string,
      type: string,
      payload: Record<string, unknown> = {},
      headers: Record<string, string> = {},
    ) => m(`/cases/${caseId}/events`, { type, payload }, headers);
    await ev(first.id, 'ACCEPT');
    await ev(first.id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'medium' });
    // A party joins, also retried with its key.
    const added = { ...party('zhao'), vulnerable: ['elderly'] };
    await ev(first.id, 'ADD_PARTY', added, { 'idempotency-key': 'add-party-0001' });
    await ev(first.id, 'ADD_PARTY', added, { 'idempotency-key': 'add-party-0001' });
    await ev(first.id, 'ASSIGN_MEDIATOR', { mediatorId: 'li', channel: 'people' });
    await ev(first.id, 'SCHEDULE_SESSION', { at: '2026-03-05T14:00:00+08:00', location: '社区调解室' });
    await ev(first.id, 'RECORD_SESSION', { notes: '双方达成一致', outcome: 'agreement' });
    await ev(first.id, 'REACH_AGREEMENT', { terms: '两周内修复防水并赔偿2000元' });
    await ev(first.id, 'CLOSE');
    await ev(first.id, 'RECORD_FOLLOW_UP', { satisfaction: 5, reached: true });
    await ok('history', api.call('GET', `/cases/${first.id}/history`, { key: mediator }));

    // A department with a webhook; a dispute referred to it and answered, parties shared.
    await ok(
      'department',
      api.call('POST', '/departments', {
        body: {
          code: 'JUSTICE',
          name: '司法所',
          categories: ['neighbour'],
          webhookUrl: receiver.url,
          webhookSecret: 'whsec_justice_0123456789abcdef',
        },
      }),
    );
    const dept = await api.keyFor('department', { departmentCode: 'JUSTICE' });
    const referred = await m('/cases', {
      kind: 'dispute',
      channel: 'hotline',
      unitCode: 'XC-XH-01',
      summary: '相邻通行纠纷',
      description: '邻居堆放杂物阻碍通行',
      parties: [party('sun'), party('chen')],
    });
    await ev(referred.id, 'ACCEPT');
    await ev(referred.id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
    const refer = await ev(referred.id, 'REFER', {
      departmentCode: 'JUSTICE',
      instructions: '请司法所调处',
      shareParties: true,
    });
    const referralId = refer.referrals[0].id as string;
    controls.referralId = referralId;
    await drain();
    await ok('inbox', api.call('GET', '/referrals', { key: dept }));
    await ok('referral', api.call('GET', `/referrals/${referralId}`, { key: dept }));
    for (const [type, payload] of [
      ['ACKNOWLEDGE', {}],
      ['ACCEPT', {}],
      ['PROGRESS', { note: '已联系双方' }],
      ['REPLY', { resolved: true, result: '已调解，杂物已清理' }],
    ] as const) {
      await ok(type, api.call('POST', `/referrals/${referralId}/events`, { key: dept, body: { type, payload } }));
    }
    await drain();

    // A referral nobody acknowledges: urged, then supervised, and the owner notified each time.
    const ignored = await m('/cases', {
      kind: 'dispute',
      channel: 'grid_report',
      unitCode: 'XC-XH-01',
      summary: '噪音扰民',
      description: '夜间施工噪音',
      parties: [party('zhou')],
    });
    await ev(ignored.id, 'ACCEPT');
    await ev(ignored.id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
    await ev(ignored.id, 'REFER', { departmentCode: 'JUSTICE', instructions: '请核查', dueInWorkingDays: 1 });

    // A petition at the street.
    const petition = await m('/cases', {
      kind: 'petition',
      channel: 'letter',
      unitCode: 'XC-XH',
      category: 'property_management',
      summary: '反映小区停车管理问题',
      description: '来信反映小区物业乱收停车费',
      parties: [party('wu')],
    });
    await ev(petition.id, 'ACCEPT');
    await drain();

    // Time passes: every clock that comes due fires, warnings and breaches included, and their notices go out.
    for (let day = 0; day < 20; day++) {
      clock.advance(DAY);
      await worker.fireDue();
      await drain();
    }
    await worker.app.get(AnchorsProcessor).process();

    // An auditor reads: the case, its history, an unmask retried with its key, the events, exports and KPIs.
    const a = (path: string) => ok(path, api.call('GET', path, { key: auditor }));
    await a(`/cases/${referred.id}`);
    await a(`/cases/${referred.id}/history`);
    for (const id of [first.id, referred.id]) {
      const headers = { 'idempotency-key': `unmask-${id}` };
      const reason = { reason: '纪检复核：核实申请人身份' };
      const unmasked = await ok(
        'unmask',
        api.call('POST', `/audit/cases/${id}/unmask`, { key: auditor, body: reason, headers }),
      );
      expect(unmasked.parties.every((p: { masked: boolean }) => !p.masked)).toBe(true);
      await ok('unmask again', api.call('POST', `/audit/cases/${id}/unmask`, { key: auditor, body: reason, headers }));
    }
    await a('/audit/events?limit=200');
    for (const format of ['jsonl', 'csv']) {
      const exported = await fetch(`${api.url}/audit/export?format=${format}`, {
        headers: { authorization: `Bearer ${auditor}` },
      });
      expect(exported.status).toBe(200);
      expect((await exported.text()).length).toBeGreaterThan(0);
    }
    await a(`/audit/cases/${first.id}/state`);
    await a('/audit/verify');
    await a('/stats/kpis?from=2026-03-01');
    await ok('deliveries', api.call('GET', `/admin/deliveries?referralId=${referralId}`));
  });

  afterAll(async () => {
    for (const w of watched) {
      await w.events.close();
      await w.queue.close();
      await w.connection.quit();
    }
    await worker.close();
    await receiver.close();
    await redis.quit();
    await api.close();
  });

  it('the walk-through ran its course: archive, replies, urges, supervision, notices and deliveries', async () => {
    const [counts] = await api.db.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM cases WHERE state = 'archive.closed') AS archived,
              (SELECT count(*) FROM parties) AS parties,
              (SELECT count(*) FROM case_events WHERE type = 'OWNER_NOTIFIED') AS notices,
              (SELECT count(*) FROM case_events WHERE type = 'DEADLINE_WARNING') AS warnings,
              (SELECT count(*) FROM case_events WHERE type = 'DEADLINE_ELAPSED' AND referral_id IS NOT NULL) AS urged,
              (SELECT count(*) FROM deliveries WHERE status = 'delivered') AS delivered,
              (SELECT count(*) FROM outbox WHERE processed_at IS NULL AND queue <> 'deadlines') AS unprocessed,
              (SELECT count(*) FROM idempotency_keys) AS idempotency_keys,
              (SELECT count(*) FROM audit_access_log WHERE action = 'audit.unmask') AS unmasked`,
    );
    expect(Object.fromEntries(Object.entries(counts!).map(([k, v]) => [k, Number(v)]))).toEqual({
      archived: 2,
      parties: 7,
      notices: expect.any(Number),
      warnings: expect.any(Number),
      urged: expect.any(Number),
      delivered: expect.any(Number),
      unprocessed: 0,
      idempotency_keys: 4,
      unmasked: 2,
    });
    expect(Number(counts!.notices)).toBeGreaterThan(0);
    expect(Number(counts!.urged)).toBeGreaterThan(0);
    expect(Number(counts!.warnings)).toBeGreaterThan(0);
    expect(Number(counts!.delivered)).toBeGreaterThanOrEqual(5);
    expect(receiver.bodies.length).toBe(Number(counts!.delivered));
  });

  it('no text or JSON column of any table holds a party name, phone or ID number, outside the vault', async () => {
    const columns = await api.db.query<{ schema: string; table: string; column: string }>(
      `SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
          AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
               OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar', '_bpchar', '_json', '_jsonb')))
        ORDER BY 1, 2, 3`,
    );
    const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
    const scan = async (values: string[]) => {
      const found: string[] = [];
      for (const { schema, table, column } of columns) {
        if (VAULT.has(`${schema}.${table}.${column}`)) continue;
        const rows = await api.db.query<{ needle: string }>(
          `SELECT needle FROM unnest($1::text[]) AS needle
            WHERE EXISTS (SELECT 1 FROM ${quote(schema)}.${quote(table)} WHERE strpos(lower(${quote(column)}::text), lower(needle)) > 0)`,
          [values],
        );
        for (const { needle } of rows) found.push(`${schema}.${table}.${column}: ${needle}`);
      }
      return found;
    };
    const tables = new Set(columns.map((c) => c.table));
    for (const table of [
      'cases',
      'case_events',
      'parties',
      'outbox',
      'idempotency_keys',
      'deliveries',
      'audit_access_log',
    ])
      expect(tables).toContain(table);
    // The scan reads what it should: free text of a case is there (access-controlled, not encrypted)…
    expect(await scan(['楼上漏水纠纷'])).toContain('public.cases.summary: 楼上漏水纠纷');
    // …and no party PII is.
    expect(await scan(needles())).toEqual([]);
  });

  it('no key of the deployment’s Redis holds a party name, phone or ID number', async () => {
    const prefix = `${api.config.queuePrefix}:`;
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>)
      keys.push(...batch);
    const types = new Map<string, number>();
    const found: string[] = [];
    const all = needles().map((n) => n.toLowerCase());
    let content = '';
    for (const key of keys) {
      const type = await redis.type(key);
      types.set(type, (types.get(type) ?? 0) + 1);
      let values: unknown;
      if (type === 'string') values = await redis.get(key);
      else if (type === 'hash') values = await redis.hgetall(key);
      else if (type === 'list') values = await redis.lrange(key, 0, -1);
      else if (type === 'set') values = await redis.smembers(key);
      else if (type === 'zset') values = await redis.zrange(key, 0, -1, 'WITHSCORES');
      else if (type === 'stream') values = await redis.xrange(key, '-', '+');
      else if (type === 'none')
        continue; // removed since the scan listed it
      else throw new Error(`Redis key ${key} has type ${type}, which this scan cannot read`);
      const text = `${key} ${JSON.stringify(values)}`.toLowerCase();
      content += text;
      for (const needle of all) if (text.includes(needle)) found.push(`${key}: ${needle}`);
    }
    // The jobs are there to scan (BullMQ keeps jobs as hashes, queues as lists and sorted sets, events as streams).
    expect(
      Object.fromEntries([...types].filter(([t]) => ['hash', 'zset', 'stream'].includes(t)).map(([t]) => [t, true])),
    ).toEqual({ hash: true, zset: true, stream: true });
    expect(content).toContain(controls.caseId);
    expect(found).toEqual([]);
  });

  it('no webhook body holds a party name, phone or ID number', () => {
    expect(receiver.bodies.length).toBeGreaterThan(0);
    expect(receiver.bodies.join('\n')).toContain(controls.referralId);
    const found = needles().filter((n) => receiver.bodies.some((b) => b.toLowerCase().includes(n.toLowerCase())));
    expect(found).toEqual([]);
  });
});
