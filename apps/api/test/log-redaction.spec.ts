import { ManualClock } from '#clock';
import {
  dispute,
  LogCapture,
  seedDirectory,
  startTestApi,
  startTestWorker,
  type TestApi,
  type TestWorker,
} from './support/index.js';

/** Every piece of party PII, key and secret this spec sends: none may reach the log. */
const PARTY = { role: 'third_party', name: '欧阳娜娜', phone: '13700009999', idNumber: '110105198812120016' };
const SECRETS = {
  webhookSecret: 'whsec_never_in_the_log_0123456789',
  cookie: 'session=cookie-value-never-logged',
};

describe('logs never carry party PII, keys or secrets', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  const log = new LogCapture();
  let api: TestApi;
  let worker: TestWorker;

  beforeAll(async () => {
    // The most verbose level: whatever any part logs, at any level, is in the capture.
    api = await startTestApi({
      clock,
      // The department below names a webhook on loopback (nothing is sent to it: no referral is made).
      config: { webhookAllowPrivate: ['127.0.0.1'] },
      api: { logStream: log, logger: ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'] },
    });
    await seedDirectory(api);
    worker = await startTestWorker(api.config, api.db, clock);
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  it('writes cases with PII, keys and secrets through the API and the worker; the log holds none of them', async () => {
    const created = await api.call('POST', '/api-keys', { body: { role: 'intake', name: 'front desk' } });
    expect(created.status).toBe(201);
    const intakeKey: string = created.body.key;
    const department = await api.call('POST', '/departments', {
      body: {
        code: 'LOGDEPT',
        name: 'Log department',
        categories: ['neighbour'],
        webhookUrl: 'http://127.0.0.1:9/hook',
        webhookSecret: SECRETS.webhookSecret,
      },
    });
    expect([department.status, department.body.errors]).toEqual([201, undefined]);

    const headers = { cookie: SECRETS.cookie };
    const base = dispute();
    const parties = [...base.parties, PARTY];
    const opened = await api.call('POST', '/cases', { key: intakeKey, headers, body: { ...base, parties } });
    expect(opened.status).toBe(201);
    const caseId: string = opened.body.id;
    for (const [type, payload] of [
      ['ADD_PARTY', { ...PARTY, name: '欧阳娜娜二' }],
      ['ADD_NOTE', { text: `与${PARTY.name}电话${PARTY.phone}沟通` }],
      ['ACCEPT', {}],
    ] as const) {
      const reply = await api.call('POST', `/cases/${caseId}/events`, {
        key: intakeKey,
        headers,
        body: { type, payload },
      });
      expect({ type, status: reply.status }).toEqual({ type, status: 200 });
    }
    // Refusals that echo the input in their answer, a search by name, and reads that show PII unmasked.
    const refused = await api.call('POST', '/cases', {
      key: intakeKey,
      body: { ...base, parties: [{ ...PARTY, phone: `${PARTY.phone}-bad` }] },
    });
    expect(refused.status).toBe(422);
    expect((await api.call('GET', `/cases?q=${encodeURIComponent(PARTY.name)}`, { key: intakeKey })).status).toBe(200);
    expect((await api.call('GET', `/cases/${caseId}`, { key: intakeKey })).status).toBe(200);
    expect((await api.call('GET', `/cases/${caseId}/history`, { key: intakeKey })).status).toBe(200);
    // A key sent where it is unknown, and the worker's jobs for all of the above.
    expect((await api.call('GET', '/cases', { key: `${intakeKey}x` })).status).toBe(401);
    await worker.settle();

    const text = log.text();
    const entries = log.entries();
    // The capture is the real logger's: request lines and job lines are there.
    expect(entries.filter((e) => e.msg === 'request').length).toBeGreaterThanOrEqual(10);
    expect(entries.some((e) => e.msg === 'job completed' && e.queue === 'notifications')).toBe(true);
    expect(entries.some((e) => e.msg === 'request' && e.principal?.role === 'intake')).toBe(true);
    for (const value of [
      PARTY.name,
      PARTY.phone,
      PARTY.idNumber,
      ...base.parties.flatMap((p) => [p.name, p.phone, 'idNumber' in p ? p.idNumber : undefined]),
      intakeKey,
      api.adminKey,
      SECRETS.webhookSecret,
      SECRETS.cookie,
      encodeURIComponent(PARTY.name),
    ].filter((v): v is string => typeof v === 'string')) {
      expect([value, text.includes(value)]).toEqual([value, false]);
    }
  });
});
