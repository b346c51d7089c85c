import type { IncomingHttpHeaders } from 'node:http';
import { ManualClock } from '#clock';
import { verifySignature } from '#referrals';
import {
  dispute,
  everyTableCount,
  petition,
  rowCounts,
  seedDirectory,
  startTestApi,
  startTestWorker,
  type TestApi,
  type TestWorker,
  WebhookReceiver,
} from './support/index.js';

/**
 * Directory upkeep (issue 14, item 7): units and departments change after they are created. `PATCH /units/:code`
 * renames a unit or retires it once nothing is open in it; `PATCH /departments/:code` renames a department, replaces
 * its responsibility list, moves its webhook and rotates its webhook secret with an overlap window during which both
 * secrets sign. Every change is in the security log; every refusal writes nothing.
 */

/** Every row count and the directory's own rows: a refused PATCH leaves all of them as they were. */
async function snapshot(api: TestApi) {
  return {
    tables: await everyTableCount(api.db),
    cases: await rowCounts(api.db),
    units: await api.db.query('SELECT * FROM units ORDER BY code'),
    departments: await api.db.query('SELECT * FROM departments ORDER BY code'),
  };
}

interface LogEntry {
  action: string;
  subject: { type: string; id: string };
  unitCode: string | null;
  actor: { id: string | null; role: string; name: string };
  detail: Record<string, any>;
  clientAddress: string | null;
  userAgent: string | null;
}

async function securityLog(api: TestApi, action: string): Promise<LogEntry[]> {
  const reply = await api.call('GET', `/audit/security-log?action=${action}&limit=200`);
  expect(reply.status).toBe(200);
  return reply.body.items;
}

describe('directory upkeep over HTTP', () => {
  let api: TestApi;
  let mediator: string;
  let adminXH: string;
  let intake: string;

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
    for (const unit of [
      { code: 'XC-TR', name: '陶然亭街道', level: 'street', parentCode: 'XC' },
      { code: 'XC-TR-01', name: '陶然亭社区', level: 'community', parentCode: 'XC-TR' },
    ]) {
      expect((await api.call('POST', '/units', { body: unit })).status).toBe(201);
    }
    mediator = await api.keyFor('mediator');
    intake = await api.keyFor('intake');
    adminXH = await api.keyFor('admin', { unitCode: 'XC-XH' });
  });
  afterAll(() => api.close());

  const send = async (caseId: string, type: string, payload: object = {}) => {
    const reply = await api.call('POST', `/cases/${caseId}/events`, { key: intake, body: { type, payload } });
    expect({ type, status: reply.status, detail: reply.body.detail }).toMatchObject({ type, status: 200 });
    return reply.body;
  };

  describe('PATCH /units/:code', () => {
    it('renames a unit and records the old and new name, the actor and the client address', async () => {
      const reply = await api.call('PATCH', '/units/XC-YL', {
        body: { name: '月坛街道办事处' },
        headers: { 'user-agent': 'directory-test/1.0' },
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ code: 'XC-YL', name: '月坛街道办事处', level: 'street', retiredAt: null });
      const listed = await api.call('GET', '/units?parentCode=XC', { key: mediator });
      expect(listed.body.items.find((u: { code: string }) => u.code === 'XC-YL').name).toBe('月坛街道办事处');

      const [entry] = await securityLog(api, 'unit.updated');
      expect(entry).toMatchObject({
        action: 'unit.updated',
        subject: { type: 'unit', id: 'XC-YL' },
        unitCode: 'XC-YL',
        actor: { role: 'admin' },
        detail: { fields: ['name'], name: { old: '月坛街道', new: '月坛街道办事处' } },
        clientAddress: '127.0.0.1',
        userAgent: 'directory-test/1.0',
      });

      // The same name again changes nothing, and records nothing.
      const again = await api.call('PATCH', '/units/XC-YL', { body: { name: '月坛街道办事处' } });
      expect(again.status).toBe(200);
      expect(await securityLog(api, 'unit.updated')).toHaveLength(1);
    });

    it('refuses to retire a unit with open cases or child units in service, giving the counts, then retires it once they are closed', async () => {
      const opened = await api.call('POST', '/cases', { key: intake, body: dispute({ unitCode: 'XC-TR-01' }) });
      expect(opened.status).toBe(201);
      const second = await api.call('POST', '/cases', { key: intake, body: dispute({ unitCode: 'XC-TR-01' }) });
      expect(second.status).toBe(201);
      await send(second.body.id, 'ACCEPT');

      let before = await snapshot(api);
      const busy = await api.call('PATCH', '/units/XC-TR-01', { body: { retired: true } });
      expect(busy.status).toBe(409);
      expect(busy.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(busy.body).toMatchObject({ code: 'conflict', openCases: 2, activeChildUnits: 0 });
      expect(busy.body.detail).toContain('2 open cases');
      const parent = await api.call('PATCH', '/units/XC-TR', { body: { retired: true, name: '陶然亭街道（撤并）' } });
      expect(parent.status).toBe(409);
      expect(parent.body).toMatchObject({ openCases: 0, activeChildUnits: 1 });
      expect(parent.body.detail).toContain('1 child unit not retired');
      expect(await snapshot(api)).toEqual(before);

      await send(opened.body.id, 'WITHDRAW', { reason: '当事人撤回' });
      await send(second.body.id, 'WITHDRAW', { reason: '双方和解' });
      const retired = await api.call('PATCH', '/units/XC-TR-01', { body: { retired: true } });
      expect(retired.status).toBe(200);
      expect(retired.body).toMatchObject({ code: 'XC-TR-01', name: '陶然亭社区', retiredAt: expect.any(String) });
      const [entry] = await securityLog(api, 'unit.updated');
      expect(entry).toMatchObject({
        subject: { type: 'unit', id: 'XC-TR-01' },
        unitCode: 'XC-TR-01',
        detail: { fields: ['retired'], retiredAt: retired.body.retiredAt },
      });
      // Retiring it again changes nothing.
      const again = await api.call('PATCH', '/units/XC-TR-01', { body: { retired: true } });
      expect(again.body.retiredAt).toBe(retired.body.retiredAt);
      expect(await securityLog(api, 'unit.updated')).toHaveLength(2);

      // Retired: no new case, no new child unit, no petition handed to it; it and its closed cases stay readable.
      before = await snapshot(api);
      const newCase = await api.call('POST', '/cases', { key: intake, body: dispute({ unitCode: 'XC-TR-01' }) });
      expect(newCase.status).toBe(422);
      expect(newCase.body.errors).toEqual([
        { field: 'unitCode', message: 'unit XC-TR-01 is retired and takes no new cases' },
      ]);
      const child = await api.call('POST', '/units', {
        body: { code: 'XC-TR-01-G1', name: '第一网格', level: 'grid', parentCode: 'XC-TR-01' },
      });
      expect(child.status).toBe(422);
      expect(child.body.errors).toEqual([
        { field: 'parentCode', message: 'unit XC-TR-01 is retired and takes no new units' },
      ]);
      expect(await snapshot(api)).toEqual(before);
      const closed = await api.call('GET', `/cases/${opened.body.id}`, { key: intake });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ unitCode: 'XC-TR-01', state: 'archive.closed' });
      const units = await api.call('GET', '/units?parentCode=XC-TR', { key: mediator });
      expect(units.body.items).toEqual([
        expect.objectContaining({ code: 'XC-TR-01', retiredAt: retired.body.retiredAt }),
      ]);

      // Its parent, with its only child retired and no open case, may now be renamed and retired in one request.
      const street = await api.call('PATCH', '/units/XC-TR', { body: { retired: true, name: '陶然亭街道（撤并）' } });
      expect(street.status).toBe(200);
      expect(street.body).toMatchObject({ name: '陶然亭街道（撤并）', retiredAt: expect.any(String) });
      const [both] = await securityLog(api, 'unit.updated');
      expect(both!.detail).toMatchObject({
        fields: ['name', 'retired'],
        name: { old: '陶然亭街道', new: '陶然亭街道（撤并）' },
      });
    });

    it('refuses to hand a petition to a retired unit', async () => {
      expect(
        (
          await api.call('POST', '/units', {
            body: { code: 'XC-OLD', name: '旧街道', level: 'street', parentCode: 'XC' },
          })
        ).status,
      ).toBe(201);
      expect((await api.call('PATCH', '/units/XC-OLD', { body: { retired: true } })).status).toBe(200);
      const created = await api.call('POST', '/cases', { key: intake, body: petition({ unitCode: 'XC-XH' }) });
      expect(created.status).toBe(201);
      expect((await send(created.body.id, 'ACCEPT', { petitionType: 'claim' })).state).toBe('triage.assigning');
      const before = await snapshot(api);
      const reply = await api.call('POST', `/cases/${created.body.id}/events`, {
        key: intake,
        body: { type: 'ASSIGN_HANDLER', payload: { unitCode: 'XC-OLD' } },
      });
      expect(reply.status).toBe(422);
      expect(reply.body.errors).toEqual([
        { field: 'payload.unitCode', message: 'unit XC-OLD is retired and takes no new cases' },
      ]);
      expect(await snapshot(api)).toEqual(before);
    });

    it('lets a scoped admin change only units of its subtree, and never retire its own scope’s root', async () => {
      const auditor = await api.keyFor('auditor');
      const before = await snapshot(api);
      const outside = await api.call('PATCH', '/units/XC-YL-01', { key: adminXH, body: { name: '越权改名' } });
      expect(outside.status).toBe(404);
      expect(outside.body.code).toBe('not_found');
      const above = await api.call('PATCH', '/units/XC', { key: adminXH, body: { name: '越权改名' } });
      expect(above.status).toBe(404);
      const root = await api.call('PATCH', '/units/XC-XH', { key: adminXH, body: { retired: true } });
      expect(root.status).toBe(403);
      expect(root.body.code).toBe('forbidden');
      for (const key of [mediator, intake, auditor]) {
        const refused = await api.call('PATCH', '/units/XC-XH-01', { key, body: { name: '无权改名' } });
        expect(refused.status).toBe(403);
      }
      expect(await snapshot(api)).toEqual(before);

      const inside = await api.call('PATCH', '/units/XC-XH-01', { key: adminXH, body: { name: '新华里社区' } });
      expect(inside.status).toBe(200);
      expect(inside.body.name).toBe('新华里社区');
      const own = await api.call('PATCH', '/units/XC-XH', { key: adminXH, body: { name: '新华街道办事处' } });
      expect(own.status).toBe(200);
      const grid = await api.call('PATCH', '/units/XC-XH-01-G1', { key: adminXH, body: { retired: true } });
      expect(grid.status).toBe(200);
    });

    it('refuses bad input with a 4xx problem and writes nothing', async () => {
      const before = await snapshot(api);
      for (const [path, body, status] of [
        ['/units/XC-YL-01', {}, 422],
        ['/units/XC-YL-01', { name: '' }, 422],
        ['/units/XC-YL-01', { name: 'x'.repeat(201) }, 422],
        ['/units/XC-YL-01', { name: null }, 422],
        ['/units/XC-YL-01', { retired: false }, 422],
        ['/units/XC-YL-01', { retired: 'yes' }, 422],
        ['/units/XC-YL-01', { code: 'XC-YL-99' }, 422],
        ['/units/XC-YL-01', { name: '月坛社区', level: 'grid' }, 422],
        ['/units/XC-YL-01', { parentCode: 'DC' }, 422],
        ['/units/NOPE', { name: '无此单位' }, 404],
      ] as const) {
        const reply = await api.call('PATCH', path, { body });
        expect({ path, body, status: reply.status, type: reply.headers.get('content-type') }).toEqual({
          path,
          body,
          status,
          type: 'application/problem+json; charset=utf-8',
        });
      }
      const array = await api.call('PATCH', '/units/XC-YL-01', { rawBody: '[]' });
      expect(array.status).toBe(422);
      expect(await snapshot(api)).toEqual(before);
    });
  });

  describe('PATCH /departments/:code', () => {
    it('renames a department and replaces its list: a referral issued before a category was removed runs on to its reply, new referrals meet the new list', async () => {
      expect(
        (
          await api.call('POST', '/departments', {
            body: { code: 'CIVIL', name: '民政局', categories: ['family', 'neighbour'] },
          })
        ).status,
      ).toBe(201);
      const civilKey = await api.keyFor('department', { departmentCode: 'CIVIL' });
      const created = await api.call('POST', '/cases', { key: intake, body: dispute() });
      await send(created.body.id, 'ACCEPT');
      await send(created.body.id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
      const referred = await send(created.body.id, 'REFER', { departmentCode: 'CIVIL', instructions: '请民政局协助' });
      const referralId = referred.referrals[0].id as string;

      const patched = await api.call('PATCH', '/departments/CIVIL', {
        body: { name: '区民政局', categories: ['family', 'elderly_care'] },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        code: 'CIVIL',
        name: '区民政局',
        categories: ['family', 'elderly_care'],
        webhookUrl: null,
        webhookSecret: null,
        previousSecretValidUntil: null,
      });
      const [entry] = await securityLog(api, 'department.updated');
      expect(entry).toMatchObject({
        subject: { type: 'department', id: 'CIVIL' },
        unitCode: null,
        clientAddress: '127.0.0.1',
        detail: {
          fields: ['name', 'categories'],
          name: { old: '民政局', new: '区民政局' },
          categories: {
            old: ['family', 'neighbour'],
            new: ['family', 'elderly_care'],
            added: ['elderly_care'],
            removed: ['neighbour'],
          },
        },
      });

      // The referral issued for `neighbour` before its removal proceeds to its reply, and the case on with it.
      for (const [type, payload] of [
        ['ACKNOWLEDGE', {}],
        ['ACCEPT', {}],
        ['REPLY', { resolved: true, result: '已协调处理' }],
      ] as const) {
        const reply = await api.call('POST', `/referrals/${referralId}/events`, {
          key: civilKey,
          body: { type, payload },
        });
        expect({ type, status: reply.status, detail: reply.body.detail }).toMatchObject({ type, status: 200 });
      }
      expect((await api.call('GET', `/referrals/${referralId}`, { key: civilKey })).body.state).toBe('closed');
      expect((await api.call('GET', `/cases/${created.body.id}`, { key: intake })).body.state).toBe(
        'archive.follow_up',
      );

      // A new referral for `neighbour` meets the new list.
      const next = await api.call('POST', '/cases', { key: intake, body: dispute() });
      await send(next.body.id, 'ACCEPT');
      await send(next.body.id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
      const refused = await api.call('POST', `/cases/${next.body.id}/events`, {
        key: intake,
        body: { type: 'REFER', payload: { departmentCode: 'CIVIL', instructions: '请民政局协助' } },
      });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'rule_violated', rules: ['withinResponsibilityLists'] });
      // …and the listing by category follows the new list.
      const byCategory = await api.call('GET', '/departments?category=elderly_care', { key: mediator });
      expect(byCategory.body.items.map((d: { code: string }) => d.code)).toEqual(['CIVIL']);
    });

    it('moves a webhook only where creation would allow, makes a first secret on request, and keeps it sealed', async () => {
      const before = await snapshot(api);
      for (const webhookUrl of [
        'http://169.254.169.254/latest/meta-data',
        'http://127.0.0.1:8080/hook',
        'http://10.0.0.5/hook',
      ]) {
        const reply = await api.call('PATCH', '/departments/CIVIL', { body: { webhookUrl, rotateSecret: {} } });
        expect({ webhookUrl, status: reply.status, field: reply.body.errors?.[0]?.field }).toEqual({
          webhookUrl,
          status: 422,
          field: 'webhookUrl',
        });
      }
      // A department without a secret is not given a webhook that could not be signed, nor a secret without a webhook.
      const unsigned = await api.call('PATCH', '/departments/CIVIL', {
        body: { webhookUrl: 'https://civil.example.org/hook' },
      });
      expect(unsigned.status).toBe(422);
      expect(unsigned.body.errors[0].field).toBe('rotateSecret');
      const nowhere = await api.call('PATCH', '/departments/CIVIL', { body: { rotateSecret: {} } });
      expect(nowhere.status).toBe(422);
      expect(nowhere.body.errors[0].field).toBe('webhookUrl');
      expect(await snapshot(api)).toEqual(before);

      const hooked = await api.call('PATCH', '/departments/CIVIL', {
        body: { webhookUrl: 'https://civil.example.org/hook', rotateSecret: {} },
      });
      expect(hooked.status).toBe(200);
      expect(hooked.body).toMatchObject({
        webhookUrl: 'https://civil.example.org/hook',
        previousSecretValidUntil: null,
      });
      const secret = hooked.body.webhookSecret as string;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      const [row] = await api.db.query<{ webhook_secret: string; webhook_previous_secret: string | null }>(
        "SELECT webhook_secret, webhook_previous_secret FROM departments WHERE code = 'CIVIL'",
      );
      expect(row!.webhook_secret).not.toContain(secret);
      expect(row!.webhook_previous_secret).toBeNull();
      // Shown once: the listing never has it.
      const listed = await api.call('GET', '/departments?limit=200');
      expect(JSON.stringify(listed.body)).not.toContain(secret);
      const [entry] = await securityLog(api, 'department.updated');
      expect(entry!.detail).toEqual({
        fields: ['webhookUrl', 'webhookSecret'],
        secretRotation: { overlapHours: 24, previousSecretValidUntil: null },
      });
      expect(JSON.stringify(await securityLog(api, 'department.updated'))).not.toContain(secret);
      expect(JSON.stringify(await securityLog(api, 'department.updated'))).not.toContain('civil.example.org');
    });

    it('is for admins of every unit only, and refuses bad input with a 4xx problem, writing nothing', async () => {
      const civilKey = await api.keyFor('department', { departmentCode: 'CIVIL' });
      const before = await snapshot(api);
      for (const key of [adminXH, mediator, civilKey]) {
        const reply = await api.call('PATCH', '/departments/CIVIL', { key, body: { name: '越权改名' } });
        expect(reply.status).toBe(403);
        expect(reply.body.code).toBe('forbidden');
      }
      for (const [path, body, status] of [
        ['/departments/NOPE', { name: '无此部门' }, 404],
        ['/departments/CIVIL', {}, 422],
        ['/departments/CIVIL', { name: '' }, 422],
        ['/departments/CIVIL', { categories: 'family' }, 422],
        ['/departments/CIVIL', { categories: ['family', 'family'] }, 422],
        ['/departments/CIVIL', { categories: ['家事'] }, 422],
        ['/departments/CIVIL', { webhookUrl: 'ftp://civil.example.org/hook' }, 422],
        ['/departments/CIVIL', { webhookSecret: 'my-own-secret-0123456789' }, 422],
        ['/departments/CIVIL', { rotateSecret: { overlapHours: 169 } }, 422],
        ['/departments/CIVIL', { rotateSecret: { overlapHours: -1 } }, 422],
        ['/departments/CIVIL', { rotateSecret: { overlapHours: 1.5 } }, 422],
        ['/departments/CIVIL', { rotateSecret: { overlapHours: '24' } }, 422],
        ['/departments/CIVIL', { rotateSecret: { overlap: 24 } }, 422],
        ['/departments/CIVIL', { rotateSecret: true }, 422],
        ['/departments/CIVIL', { rotateSecret: [] }, 422],
        ['/departments/CIVIL', { name: '区民政局', code: 'CIVIL2' }, 422],
        ['/departments/CIVIL', { function: 'discipline_inspection' }, 422],
      ] as const) {
        const reply = await api.call('PATCH', path, { body });
        expect({ path, body, status: reply.status, type: reply.headers.get('content-type') }).toEqual({
          path,
          body,
          status,
          type: 'application/problem+json; charset=utf-8',
        });
      }
      expect(await snapshot(api)).toEqual(before);
    });
  });
});

describe('webhook secret rotation, through the real API, worker and an HTTP receiver', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  const HOUR = 3_600_000;
  let api: TestApi;
  let worker: TestWorker;
  let receiver: WebhookReceiver;
  let intake: string;
  let departmentKey: string;
  const oldSecret = 'whsec_before_rotation_0123456789';
  /** The secret the first rotation made, which signs as the current one until the next rotation. */
  let newSecret: string;

  beforeAll(async () => {
    api = await startTestApi({ clock, config: { webhookAllowPrivate: ['127.0.0.1'] } });
    await seedDirectory(api);
    worker = await startTestWorker(api.config, api.db, clock);
    receiver = await new WebhookReceiver().start();
    intake = await api.keyFor('intake');
    const created = await api.call('POST', '/departments', {
      body: {
        code: 'HOOKED',
        name: '接口部门',
        categories: ['neighbour'],
        webhookUrl: receiver.url,
        webhookSecret: oldSecret,
      },
    });
    expect(created.status).toBe(201);
    departmentKey = await api.keyFor('department', { departmentCode: 'HOOKED' });
  });
  afterAll(async () => {
    await worker.close();
    await receiver.close();
    await api.close();
  });

  /** Refers a new dispute to HOOKED and delivers the referral's `issued` event; its request as received. */
  async function referAndDeliver(): Promise<{ referralId: string; headers: IncomingHttpHeaders; raw: Buffer }> {
    const created = await api.call('POST', '/cases', { key: intake, body: dispute() });
    for (const [type, payload] of [
      ['ACCEPT', {}],
      ['CLASSIFY', { category: 'neighbour', riskLevel: 'low' }],
      ['REFER', { departmentCode: 'HOOKED', instructions: '请核实处理' }],
    ] as const) {
      const reply = await api.call('POST', `/cases/${created.body.id}/events`, {
        key: intake,
        body: { type, payload },
      });
      expect({ type, status: reply.status }).toEqual({ type, status: 200 });
    }
    const view = await api.call('GET', `/cases/${created.body.id}`, { key: intake });
    const count = receiver.requests.length;
    await worker.settle();
    expect(receiver.requests).toHaveLength(count + 1);
    return { referralId: view.body.referrals[0].id, ...receiver.requests.at(-1)! };
  }

  it('signs with both secrets during the overlap window and with the new one alone after it, reading the window at signing time', async () => {
    const before = await referAndDeliver();
    expect(before.headers['x-concord-signature']).not.toContain(',');
    expect(verifySignature(oldSecret, before.raw, before.headers['x-concord-signature'] as string)).toBe(true);

    const rotated = await api.call('PATCH', '/departments/HOOKED', { body: { rotateSecret: { overlapHours: 2 } } });
    expect(rotated.status).toBe(200);
    newSecret = rotated.body.webhookSecret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(new Date(rotated.body.previousSecretValidUntil).getTime()).toBe(clock.now().getTime() + 2 * HOUR);
    const [row] = await api.db.query<{ webhook_secret: string; webhook_previous_secret: string }>(
      "SELECT webhook_secret, webhook_previous_secret FROM departments WHERE code = 'HOOKED'",
    );
    expect(row!.webhook_previous_secret).not.toContain(oldSecret);
    expect(row!.webhook_secret).not.toContain(newSecret);

    // Within the window: `sha256=<new>,sha256=<old>`, so the receiver accepts it whichever secret it holds.
    clock.advance(2 * HOUR - 1);
    const during = await referAndDeliver();
    const header = during.headers['x-concord-signature'] as string;
    expect(header.split(',')).toHaveLength(2);
    expect(verifySignature(newSecret, during.raw, header.split(',')[0])).toBe(true);
    expect(verifySignature(oldSecret, during.raw, header.split(',')[1])).toBe(true);
    expect(verifySignature(oldSecret, during.raw, header)).toBe(true);
    expect(verifySignature(newSecret, during.raw, header)).toBe(true);
    expect(verifySignature('whsec_someone_else_0123456789', during.raw, header)).toBe(false);

    // The window ends by the clock: the next attempt, of a referral issued within it, is signed with the new secret only.
    clock.advance(1);
    const reply = await api.call('POST', `/referrals/${during.referralId}/events`, {
      key: departmentKey,
      body: { type: 'ACKNOWLEDGE', payload: {} },
    });
    expect(reply.status).toBe(200);
    const count = receiver.requests.length;
    await worker.settle();
    expect(receiver.requests).toHaveLength(count + 1);
    const after = receiver.requests.at(-1)!;
    const single = after.headers['x-concord-signature'] as string;
    expect(single).not.toContain(',');
    expect(verifySignature(newSecret, after.raw, single)).toBe(true);
    expect(verifySignature(oldSecret, after.raw, single)).toBe(false);

    // No secret ever reaches the security log.
    const log = JSON.stringify((await api.call('GET', '/audit/security-log?action=department.updated')).body);
    expect(log).toContain('"overlapHours":2');
    expect(log).not.toContain(newSecret);
    expect(log).not.toContain(oldSecret);
  });

  it('defaults to a 24-hour window; rotating again within it keeps the secret from before it; 0 cuts over at once', async () => {
    const first = await api.call('PATCH', '/departments/HOOKED', { body: { rotateSecret: {} } });
    expect(new Date(first.body.previousSecretValidUntil).getTime()).toBe(clock.now().getTime() + 24 * HOUR);
    const [before] = await api.db.query<{ webhook_previous_secret: string }>(
      "SELECT webhook_previous_secret FROM departments WHERE code = 'HOOKED'",
    );

    // The first answer was lost, say: a second rotation within the window replaces the new secret, not the old.
    clock.advance(HOUR);
    const second = await api.call('PATCH', '/departments/HOOKED', { body: { rotateSecret: { overlapHours: 3 } } });
    expect(second.status).toBe(200);
    expect(new Date(second.body.previousSecretValidUntil).getTime()).toBe(clock.now().getTime() + 3 * HOUR);
    const [after] = await api.db.query<{ webhook_secret: string; webhook_previous_secret: string }>(
      "SELECT webhook_secret, webhook_previous_secret FROM departments WHERE code = 'HOOKED'",
    );
    expect(after!.webhook_previous_secret).toBe(before!.webhook_previous_secret);
    const delivered = await referAndDeliver();
    const header = delivered.headers['x-concord-signature'] as string;
    expect(header.split(',')).toHaveLength(2);
    expect(verifySignature(second.body.webhookSecret, delivered.raw, header)).toBe(true);
    expect(verifySignature(newSecret, delivered.raw, header)).toBe(true);
    expect(verifySignature(first.body.webhookSecret, delivered.raw, header)).toBe(false);

    const cut = await api.call('PATCH', '/departments/HOOKED', { body: { rotateSecret: { overlapHours: 0 } } });
    expect(cut.body.previousSecretValidUntil).toBeNull();
    const alone = await referAndDeliver();
    expect(alone.headers['x-concord-signature']).not.toContain(',');
    expect(verifySignature(cut.body.webhookSecret, alone.raw, alone.headers['x-concord-signature'] as string)).toBe(
      true,
    );
  });
});
