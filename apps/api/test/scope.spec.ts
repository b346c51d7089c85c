import { dispute, rowCounts, seedDirectory, startTestApi, type TestApi } from './support/index.js';

/**
 * The scope model. A unit-scoped admin administers its subtree only: the keys it creates carry a unit of its
 * subtree (department keys included), departments are deployment-wide and only an unscoped admin creates them,
 * and the webhook deliveries it sees and replays are those of cases owned in its subtree. A department key
 * scoped to a unit sees and acts on the referrals of cases owned in that subtree only.
 *
 * District A is XC (西城区), district B is DC (东城区).
 */
describe('unit scope for admins, department keys and webhook deliveries', () => {
  let api: TestApi;
  let adminA: string;
  let adminB: string;

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
    for (const unit of [
      { code: 'DC-JS', name: '景山街道', level: 'street', parentCode: 'DC' },
      { code: 'DC-JS-01', name: '景山社区', level: 'community', parentCode: 'DC-JS' },
    ]) {
      expect((await api.call('POST', '/units', { body: unit })).status).toBe(201);
    }
    const hooked = await api.call('POST', '/departments', {
      body: {
        code: 'HOOKED',
        name: '接口部门',
        categories: ['neighbour'],
        webhookUrl: 'https://hooked.example.org/concord',
        webhookSecret: 'hooked-webhook-secret-0123',
      },
    });
    expect(hooked.status).toBe(201);
    adminA = await api.keyFor('admin', { unitCode: 'XC' });
    adminB = await api.keyFor('admin', { unitCode: 'DC' });
  });
  afterAll(() => api.close());

  const keyCount = async () => Number((await api.db.query<{ n: string }>('SELECT count(*) AS n FROM api_keys'))[0]!.n);

  /** A neighbour dispute of `unitCode`, accepted, classified and referred to `departments`; its referrals by department. */
  async function referredCase(unitCode: string, departments: string[]) {
    const created = await api.call('POST', '/cases', { body: dispute({ unitCode }) });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    for (const [type, payload] of [
      ['ACCEPT', {}],
      ['CLASSIFY', { category: 'neighbour', riskLevel: 'medium' }],
      [
        'REFER',
        {
          departments: departments.map((code, i) => ({ code, role: i === 0 ? 'lead' : 'assist' })),
          instructions: '请核实处理',
        },
      ],
    ] as const) {
      const reply = await api.call('POST', `/cases/${id}/events`, { body: { type, payload } });
      expect({ type, status: reply.status }).toEqual({ type, status: 200 });
    }
    const view = (await api.call('GET', `/cases/${id}`)).body;
    return {
      id,
      referrals: Object.fromEntries(
        view.referrals.map((r: { departmentCode: string; id: string }) => [r.departmentCode, r.id]),
      ) as Record<string, string>,
    };
  }

  describe('a scoped admin administers its subtree only', () => {
    it('cannot create a department key that is unscoped or scoped to another district, nor any key outside its subtree', async () => {
      const before = await keyCount();
      for (const body of [
        { role: 'department', departmentCode: 'JUSTICE', name: '司法所（全区）' },
        { role: 'department', departmentCode: 'JUSTICE', name: '司法所（东城）', unitCode: 'DC' },
        { role: 'department', departmentCode: 'JUSTICE', name: '司法所（景山）', unitCode: 'DC-JS-01' },
        { role: 'intake', name: '东城登记', unitCode: 'DC-JS' },
        { role: 'auditor', name: '全区审计' },
      ]) {
        const reply = await api.call('POST', '/api-keys', { key: adminA, body });
        expect({ body, status: reply.status, type: reply.headers.get('content-type') }).toEqual({
          body,
          status: 403,
          type: 'application/problem+json; charset=utf-8',
        });
      }
      expect(await keyCount()).toBe(before);

      // Within its subtree it may: a department key scoped to a unit of district A.
      const inside = await api.call('POST', '/api-keys', {
        key: adminA,
        body: { role: 'department', departmentCode: 'JUSTICE', name: '司法所（新华）', unitCode: 'XC-XH' },
      });
      expect(inside.status).toBe(201);
      expect(inside.body).toMatchObject({ role: 'department', departmentCode: 'JUSTICE', unitCode: 'XC-XH' });
    });

    it('cannot create a department; only an unscoped admin can, and only it sees where departments’ webhooks point', async () => {
      const before = await rowCounts(api.db);
      const refused = await api.call('POST', '/departments', {
        key: adminA,
        body: { code: 'CIVIL', name: '民政局', categories: ['family'] },
      });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('forbidden');
      expect(await rowCounts(api.db)).toEqual(before);
      expect((await api.db.query("SELECT 1 FROM departments WHERE code = 'CIVIL'")).length).toBe(0);

      expect(
        (await api.call('POST', '/departments', { body: { code: 'CIVIL', name: '民政局', categories: ['family'] } }))
          .status,
      ).toBe(201);

      const hookOf = async (key: string) =>
        (await api.call('GET', '/departments?limit=200', { key })).body.items.find(
          (d: { code: string }) => d.code === 'HOOKED',
        ).webhookUrl;
      expect(await hookOf(api.adminKey)).toBe('https://hooked.example.org/concord');
      expect(await hookOf(adminA)).toBeNull();
    });

    it('creates units and sets deadline policies only within its subtree, and sees only the policies that bear on it', async () => {
      expect(
        (
          await api.call('POST', '/units', {
            key: adminA,
            body: { code: 'DC-JS-02', name: 'x', level: 'community', parentCode: 'DC-JS' },
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await api.call('POST', '/units', {
            key: adminA,
            body: { code: 'XC-XH-02', name: '新华二社区', level: 'community', parentCode: 'XC-XH' },
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await api.call('PUT', '/deadline-policies', {
            key: adminA,
            body: { key: 'dispute.intake', unitCode: 'DC', amount: 2, unit: 'working_days' },
          })
        ).status,
      ).toBe(403);

      const policyB = await api.call('PUT', '/deadline-policies', {
        key: adminB,
        body: { key: 'dispute.intake', unitCode: 'DC', amount: 2, unit: 'working_days' },
      });
      expect(policyB.status).toBe(200);
      const policyA = await api.call('PUT', '/deadline-policies', {
        key: adminA,
        body: { key: 'dispute.intake', unitCode: 'XC-XH', amount: 2, unit: 'working_days' },
      });
      expect(policyA.status).toBe(200);
      const global = await api.call('PUT', '/deadline-policies', {
        body: { key: 'dispute.triage', amount: 2, unit: 'working_days' },
      });
      expect(global.status).toBe(200);

      const seen = (await api.call('GET', '/deadline-policies', { key: adminA })).body.policies.map(
        (p: { id: string }) => p.id,
      );
      expect(seen).toEqual(expect.arrayContaining([policyA.body.id, global.body.id]));
      expect(seen).not.toContain(policyB.body.id);
      // Another subtree's policy is not found; one for every unit is seen but not its to remove.
      expect((await api.call('DELETE', `/deadline-policies/${policyB.body.id}`, { key: adminA })).status).toBe(404);
      expect((await api.call('DELETE', `/deadline-policies/${global.body.id}`, { key: adminA })).status).toBe(403);
      expect(
        (await api.db.query('SELECT 1 FROM deadline_policies WHERE id = ANY($1)', [[policyB.body.id, global.body.id]]))
          .length,
      ).toBe(2);
    });
  });

  describe('a department key scoped to a unit', () => {
    let refA: string;
    let refB: string;
    let caseB: string;
    let justiceA: string;

    beforeAll(async () => {
      const inA = await referredCase('XC-XH-01', ['JUSTICE']);
      const inB = await referredCase('DC-JS-01', ['JUSTICE']);
      refA = inA.referrals.JUSTICE!;
      refB = inB.referrals.JUSTICE!;
      caseB = inB.id;
      justiceA = await api.keyFor('department', { departmentCode: 'JUSTICE', unitCode: 'XC' });
    });

    it('lists only the referrals of cases in its subtree', async () => {
      const inbox = await api.call('GET', '/referrals?limit=200', { key: justiceA });
      expect(inbox.status).toBe(200);
      const listed = inbox.body.items.map((r: { id: string }) => r.id);
      expect(listed).toContain(refA);
      expect(listed).not.toContain(refB);
      expect((await api.call('GET', `/referrals?caseId=${caseB}`, { key: justiceA })).body.items).toEqual([]);
    });

    it('does not read another district’s referral: 404, like another department’s', async () => {
      const reply = await api.call('GET', `/referrals/${refB}`, { key: justiceA });
      expect({ status: reply.status, detail: reply.body.detail }).toEqual({
        status: 404,
        detail: `Referral ${refB} was not found.`,
      });
      expect((await api.call('GET', `/referrals/${refA}`, { key: justiceA })).status).toBe(200);
    });

    it('does not act on another district’s referral: 404, and nothing is written', async () => {
      const before = await rowCounts(api.db);
      const acted = await api.call('POST', `/referrals/${refB}/events`, {
        key: justiceA,
        body: { type: 'ACKNOWLEDGE', payload: {} },
      });
      expect({ status: acted.status, detail: acted.body.detail }).toEqual({
        status: 404,
        detail: `Referral ${refB} was not found.`,
      });
      expect(await rowCounts(api.db)).toEqual(before);
      expect((await api.call('GET', `/referrals/${refB}`)).body.state).toBe('issued');
    });

    it('acts on its own district’s referral; an unscoped key of the department acts on both', async () => {
      const ack = await api.call('POST', `/referrals/${refA}/events`, {
        key: justiceA,
        body: { type: 'ACKNOWLEDGE', payload: {} },
      });
      expect({ status: ack.status, state: ack.body.state }).toEqual({ status: 200, state: 'acknowledged' });
      const justiceAll = await api.keyFor('department', { departmentCode: 'JUSTICE' });
      const all = (await api.call('GET', '/referrals?limit=200', { key: justiceAll })).body.items.map(
        (r: { id: string }) => r.id,
      );
      expect(all).toEqual(expect.arrayContaining([refA, refB]));
      expect(
        (
          await api.call('POST', `/referrals/${refB}/events`, {
            key: justiceAll,
            body: { type: 'ACKNOWLEDGE', payload: {} },
          })
        ).status,
      ).toBe(200);
    });

    it('loses sight of a referral once its case escalates out of the key’s subtree', async () => {
      const { id, referrals } = await referredCase('XC-XH-01', ['POLICE']);
      const policeCommunity = await api.keyFor('department', { departmentCode: 'POLICE', unitCode: 'XC-XH-01' });
      const ref = referrals.POLICE!;
      for (const [type, payload] of [
        ['ACKNOWLEDGE', {}],
        ['ACCEPT', {}],
      ] as const) {
        expect(
          (await api.call('POST', `/referrals/${ref}/events`, { key: policeCommunity, body: { type, payload } }))
            .status,
        ).toBe(200);
      }
      // An unresolved reply puts the decision to the case's owner, who escalates it to the street.
      const replied = await api.call('POST', `/referrals/${ref}/events`, {
        key: policeCommunity,
        body: { type: 'REPLY', payload: { resolved: false, result: '需街道协调' } },
      });
      expect({ status: replied.status, state: replied.body.state }).toEqual({ status: 200, state: 'closed' });
      expect((await api.call('GET', `/cases/${id}`)).body.state).toBe('mediation.reply_review');
      const escalated = await api.call('POST', `/cases/${id}/events`, {
        body: { type: 'ESCALATE', payload: { reason: '部门未能解决，需街道协调' } },
      });
      expect(escalated.body).toMatchObject({ state: 'escalation.pending', unitCode: 'XC-XH' });

      expect((await api.call('GET', `/referrals/${ref}`, { key: policeCommunity })).status).toBe(404);
      expect(
        (await api.call('GET', '/referrals?limit=200', { key: policeCommunity })).body.items.map(
          (r: { id: string }) => r.id,
        ),
      ).not.toContain(ref);
    });
  });

  describe('webhook deliveries seen by a scoped admin', () => {
    let ofA: string[];
    let ofB: string[];
    let caseIds: string[];
    let referralB: string;
    const killAll = () =>
      api.db.query(`UPDATE deliveries SET status = 'dead', dead_at = now() WHERE case_id = ANY($1)`, [caseIds]);
    const statuses = async (ids: string[]) =>
      new Set(
        (await api.db.query<{ status: string }>('SELECT status FROM deliveries WHERE id = ANY($1)', [ids])).map(
          (d) => d.status,
        ),
      );

    beforeAll(async () => {
      const inA = await referredCase('XC-XH-01', ['HOOKED']);
      const inB = await referredCase('DC-JS-01', ['HOOKED']);
      const deliveriesOf = async (caseId: string) =>
        (await api.db.query<{ id: string }>('SELECT id FROM deliveries WHERE case_id = $1 ORDER BY id', [caseId])).map(
          (d) => d.id,
        );
      ofA = await deliveriesOf(inA.id);
      ofB = await deliveriesOf(inB.id);
      expect(ofA.length).toBeGreaterThan(0);
      expect(ofB.length).toBeGreaterThan(0);
      caseIds = [inA.id, inB.id];
      referralB = inB.referrals.HOOKED!;
    });
    beforeEach(killAll);

    it('lists only its subtree’s deliveries', async () => {
      const listed = (
        await api.call('GET', '/admin/deliveries?departmentCode=HOOKED&limit=200', { key: adminA })
      ).body.items.map((d: { id: string }) => d.id);
      expect(listed).toEqual(expect.arrayContaining(ofA));
      expect(listed.filter((id: string) => ofB.includes(id))).toEqual([]);
      expect((await api.call('GET', `/admin/deliveries?referralId=${referralB}`, { key: adminA })).body.items).toEqual(
        [],
      );
    });

    it('reads only its subtree’s deliveries: another district’s is a 404', async () => {
      expect((await api.call('GET', `/admin/deliveries/${ofB[0]}`, { key: adminA })).status).toBe(404);
      expect((await api.call('GET', `/admin/deliveries/${ofA[0]}`, { key: adminA })).status).toBe(200);
    });

    it('replays only its subtree’s deliveries: another district’s is a 404 and stays dead', async () => {
      const before = await rowCounts(api.db);
      expect((await api.call('POST', `/admin/deliveries/${ofB[0]}/replay`, { key: adminA })).status).toBe(404);
      expect(await rowCounts(api.db)).toEqual(before);
      expect(await statuses([ofB[0]!])).toEqual(new Set(['dead']));
      expect((await api.call('POST', `/admin/deliveries/${ofA[0]}/replay`, { key: adminA })).body).toMatchObject({
        id: ofA[0],
        status: 'pending',
      });
    });

    it('replay-all replays and counts only its subtree’s dead deliveries', async () => {
      const replayedA = await api.call('POST', '/admin/deliveries/replay', {
        key: adminA,
        body: { departmentCode: 'HOOKED' },
      });
      expect(replayedA).toMatchObject({ status: 200, body: { replayed: ofA.length } });
      expect(await statuses(ofA)).toEqual(new Set(['pending']));
      expect(await statuses(ofB)).toEqual(new Set(['dead']));
      expect((await api.call('POST', '/admin/deliveries/replay', { key: adminB, body: {} })).body).toEqual({
        replayed: ofB.length,
      });
    });
  });
});
