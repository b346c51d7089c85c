import {
  dispute,
  rowCounts,
  seedDirectory,
  ON_VERSION_1,
  startTestApi,
  verifyChain,
  type TestApi,
} from './support/index.js';

/** The referral protocol over HTTP: a mediator refers, departments answer with their own keys. */
describe('referrals (街社吹哨、部门报到), over HTTP', () => {
  let api: TestApi;
  let mediator: string;
  let justice: string;
  let police: string;
  let auditor: string;

  beforeAll(async () => {
    api = await startTestApi({ config: ON_VERSION_1 });
    await seedDirectory(api);
    mediator = await api.keyFor('mediator', { unitCode: 'XC-XH' });
    justice = await api.keyFor('department', { departmentCode: 'JUSTICE' });
    police = await api.keyFor('department', { departmentCode: 'POLICE' });
    auditor = await api.keyFor('auditor');
  });
  afterAll(() => api.close());

  /** A classified neighbour dispute in triage, referred as `refer` asks; returns the case and its referrals by department. */
  async function referred(refer: Record<string, unknown>) {
    const id = (await api.call('POST', '/cases', { key: mediator, body: dispute() })).body.id as string;
    for (const [type, payload] of [
      ['ACCEPT', {}],
      ['CLASSIFY', { category: 'neighbour', riskLevel: 'medium' }],
      ['REFER', refer],
    ] as const) {
      const reply = await api.call('POST', `/cases/${id}/events`, { key: mediator, body: { type, payload } });
      expect({ type, status: reply.status }).toEqual({ type, status: 200 });
    }
    const view = (await api.call('GET', `/cases/${id}`, { key: mediator })).body;
    expect(view.state).toBe('mediation.referred');
    const byDepartment = Object.fromEntries(
      view.referrals.map((r: { departmentCode: string; id: string }) => [r.departmentCode, r.id]),
    );
    return { id, referrals: byDepartment as Record<string, string> };
  }

  const act = (key: string, referralId: string, type: string, payload: Record<string, unknown> = {}) =>
    api.call('POST', `/referrals/${referralId}/events`, { key, body: { type, payload } });

  /**
   * Acknowledges, accepts, reports progress and replies. The reply lands in `replied`, or straight in `closed`
   * when it was the last one the case waited for (the case takes it in and closes its referrals).
   */
  async function answer(key: string, referralId: string, reply: Record<string, unknown>, settles = true) {
    for (const [type, payload, state] of [
      ['ACKNOWLEDGE', { note: '已报到' }, 'acknowledged'],
      ['ACCEPT', {}, 'accepted'],
      ['PROGRESS', { note: '已现场查看' }, 'in_progress'],
      ['REPLY', reply, settles ? 'closed' : 'replied'],
    ] as const) {
      const res = await act(key, referralId, type, payload);
      expect({ type, status: res.status, state: res.body.state }).toEqual({ type, status: 200, state });
    }
  }

  const caseOf = async (id: string) => (await api.call('GET', `/cases/${id}`, { key: mediator })).body;

  it('runs the whole protocol, ack through reply, and moves the case on to follow-up', async () => {
    const { id, referrals } = await referred({ departmentCode: 'JUSTICE', instructions: '请司法所调处漏水纠纷' });
    const referralId = referrals.JUSTICE!;

    const inbox = await api.call('GET', '/referrals?status=issued', { key: justice });
    expect(inbox.status).toBe(200);
    expect(inbox.body.items.map((r: { id: string }) => r.id)).toContain(referralId);

    const issued = await api.call('GET', `/referrals/${referralId}`, { key: justice });
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({
      state: 'issued',
      departmentCode: 'JUSTICE',
      role: 'lead',
      instructions: '请司法所调处漏水纠纷',
      allowedEvents: ['ACKNOWLEDGE'],
      case: { id, category: 'neighbour', unitCode: 'XC-XH-01' },
    });
    expect(issued.body.deadlines).toEqual([
      expect.objectContaining({ key: 'referral.acknowledge', status: 'pending', open: true }),
    ]);

    await answer(justice, referralId, { resolved: true, result: '双方达成调解协议，楼上已维修' });

    const after = await caseOf(id);
    expect(after.state).toBe('archive.follow_up');
    expect(after.outcome).toBe('resolved');
    expect(after.referrals).toEqual([
      expect.objectContaining({ id: referralId, state: 'closed', resolved: true, dueAt: null }),
    ]);
    // Referral clocks belong to the referral, not to the case's own list.
    expect(after.deadlines.map((d: { key: string }) => d.key)).not.toContain('referral.reply');

    const history = (await api.call('GET', `/cases/${id}/history?limit=200`, { key: auditor })).body.items as Array<{
      type: string;
      referralId?: string;
      state: string;
      actor: { role: string };
    }>;
    expect(history.map((e) => [e.type, e.referralId ? 'referral' : 'case', e.state])).toEqual([
      ['REGISTER', 'case', 'intake.registered'],
      ['ACCEPT', 'case', 'triage.assessing'],
      ['CLASSIFY', 'case', 'triage.assessing'],
      ['REFER', 'case', 'mediation.referred'],
      ['ACKNOWLEDGE', 'referral', 'acknowledged'],
      ['ACCEPT', 'referral', 'accepted'],
      ['PROGRESS', 'referral', 'in_progress'],
      ['REPLY', 'referral', 'replied'],
      ['REFERRAL_REPLIED', 'case', 'archive.follow_up'],
      ['CLOSE', 'referral', 'closed'],
    ]);
    expect(history.filter((e) => e.type === 'REFERRAL_REPLIED').map((e) => e.actor.role)).toEqual(['system']);
    expect(await verifyChain(api.db, id)).toEqual({ valid: true, checked: 10 });

    const closed = await api.call('GET', `/referrals/${referralId}`, { key: justice });
    expect(closed.body).toMatchObject({ state: 'closed', result: '双方达成调解协议，楼上已维修', allowedEvents: [] });
    expect(closed.body.events.map((e: { type: string }) => e.type)).toEqual([
      'REFER',
      'ACKNOWLEDGE',
      'ACCEPT',
      'PROGRESS',
      'REPLY',
      'CLOSE',
    ]);
  });

  it('sends the case back to triage when a department rejects, cancelling the other referral', async () => {
    const { id, referrals } = await referred({
      departments: [
        { code: 'JUSTICE', role: 'lead' },
        { code: 'POLICE', role: 'assist' },
      ],
      instructions: '请联合调处',
    });
    expect((await act(police, referrals.POLICE!, 'ACKNOWLEDGE')).status).toBe(200);
    expect((await act(justice, referrals.JUSTICE!, 'ACKNOWLEDGE')).status).toBe(200);
    const rejected = await act(justice, referrals.JUSTICE!, 'REJECT', { reason: '属于物业管理事项，不在本所职责范围' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ state: 'rejected', rejectionReason: '属于物业管理事项，不在本所职责范围' });

    const after = await caseOf(id);
    expect(after.state).toBe('triage.assessing');
    expect(
      Object.fromEntries(
        after.referrals.map((r: { departmentCode: string; state: string }) => [r.departmentCode, r.state]),
      ),
    ).toEqual({
      JUSTICE: 'rejected',
      POLICE: 'cancelled',
    });
    const cancelled = await api.call('GET', `/referrals/${referrals.POLICE}`, { key: police });
    expect(cancelled.body.cancellationReason).toMatch(/triage\.assessing/);
    // A cancelled referral's clock has ended, and it takes no more answers.
    expect(cancelled.body.deadlines.every((d: { open: boolean }) => !d.open)).toBe(true);
    expect((await act(police, referrals.POLICE!, 'ACCEPT')).status).toBe(409);
    expect(await verifyChain(api.db, id)).toMatchObject({ valid: true });
  });

  it('waits for both departments before the case moves, and escalates if either could not resolve it', async () => {
    const { id, referrals } = await referred({
      departments: [
        { code: 'JUSTICE', role: 'lead' },
        { code: 'POLICE', role: 'assist' },
      ],
      instructions: '请司法所牵头、派出所协助调处',
      dueInWorkingDays: 3,
    });
    await answer(police, referrals.POLICE!, { resolved: false, result: '当事人拒绝配合' }, false);
    const waiting = await caseOf(id);
    expect(waiting.state).toBe('mediation.referred');
    expect(waiting.referrals.find((r: { departmentCode: string }) => r.departmentCode === 'POLICE').state).toBe(
      'replied',
    );

    await answer(justice, referrals.JUSTICE!, { resolved: true, result: '已调解' });
    const moved = await caseOf(id);
    expect(moved.state).toBe('escalation.pending');
    expect(moved.unitCode).toBe('XC-XH');
    expect(moved.referrals.map((r: { state: string }) => r.state)).toEqual(['closed', 'closed']);
  });

  it('gives the reply clock the working days the referral asks for', async () => {
    const { referrals } = await referred({
      departmentCode: 'JUSTICE',
      instructions: '三个工作日内答复',
      dueInWorkingDays: 3,
    });
    await act(justice, referrals.JUSTICE!, 'ACKNOWLEDGE');
    const view = (await api.call('GET', `/referrals/${referrals.JUSTICE}`, { key: justice })).body;
    const reply = view.deadlines.find((d: { key: string }) => d.key === 'referral.reply');
    expect(reply).toMatchObject({
      open: true,
      derivation: { rule: { key: 'referral.reply', amount: 3, unit: 'working_days', source: 'referral' } },
    });
  });

  it('refuses a referral outside the responsibility list, naming it, and writes nothing', async () => {
    const id = (await api.call('POST', '/cases', { key: mediator, body: dispute() })).body.id as string;
    await api.call('POST', `/cases/${id}/events`, { key: mediator, body: { type: 'ACCEPT', payload: {} } });
    await api.call('POST', `/cases/${id}/events`, {
      key: mediator,
      body: { type: 'CLASSIFY', payload: { category: 'neighbour', riskLevel: 'low' } },
    });
    const before = await rowCounts(api.db);
    const reply = await api.call('POST', `/cases/${id}/events`, {
      key: mediator,
      body: { type: 'REFER', payload: { departmentCode: 'HOUSING', instructions: '请住建委处理' } },
    });
    expect(reply.status).toBe(409);
    expect(reply.body.detail).toBe('Category neighbour is not on the responsibility list (权责清单) of HOUSING.');
    expect(await rowCounts(api.db)).toEqual(before);
  });

  it('keeps each department to its own referrals: another’s is a 404 to list, read or act on', async () => {
    const { referrals } = await referred({ departmentCode: 'JUSTICE', instructions: '请司法所调处' });
    const referralId = referrals.JUSTICE!;
    const theirs = await api.call('GET', '/referrals?limit=200', { key: police });
    expect(theirs.status).toBe(200);
    expect(theirs.body.items.every((r: { departmentCode: string }) => r.departmentCode === 'POLICE')).toBe(true);
    expect(theirs.body.items.map((r: { id: string }) => r.id)).not.toContain(referralId);

    const before = await rowCounts(api.db);
    for (const reply of [
      await api.call('GET', `/referrals/${referralId}`, { key: police }),
      await act(police, referralId, 'ACKNOWLEDGE'),
      await act(police, referralId, 'REJECT', { reason: 'x' }),
    ]) {
      expect(reply.status).toBe(404);
      expect(reply.body.detail).toBe(`Referral ${referralId} was not found.`);
    }
    expect(await rowCounts(api.db)).toEqual(before);
    // A referral that does not exist reads exactly the same.
    const missing = await api.call('GET', '/referrals/00000000-0000-4000-8000-000000000000', { key: police });
    expect(missing.status).toBe(404);
  });

  it('shows the parties masked to a department unless the referral shares them', async () => {
    const masked = await referred({ departmentCode: 'JUSTICE', instructions: '请调处' });
    const hidden = (await api.call('GET', `/referrals/${masked.referrals.JUSTICE}`, { key: justice })).body.parties;
    expect(hidden[0]).toMatchObject({ masked: true, phone: '*********5678' });
    for (const pii of ['王小明', '13812345678', '110101199003071234', '李大华'])
      expect(JSON.stringify(hidden)).not.toContain(pii);

    const shared = await referred({ departmentCode: 'JUSTICE', instructions: '请上门调处', shareParties: true });
    const shown = (await api.call('GET', `/referrals/${shared.referrals.JUSTICE}`, { key: justice })).body.parties;
    expect(shown[0]).toMatchObject({ masked: false, name: '王小明', phone: '+8613812345678' });
  });

  it('lets only Concord send a referral’s answer into its case, and only departments answer referrals', async () => {
    const { id, referrals } = await referred({ departmentCode: 'JUSTICE', instructions: '请调处' });
    const forged = await api.call('POST', `/cases/${id}/events`, {
      key: mediator,
      body: { type: 'REFERRAL_REPLIED', payload: { referralId: referrals.JUSTICE, resolved: true } },
    });
    expect(forged.status).toBe(403);
    expect(
      (
        await api.call('POST', `/referrals/${referrals.JUSTICE}/events`, {
          key: mediator,
          body: { type: 'ACKNOWLEDGE' },
        })
      ).status,
    ).toBe(403);
    expect((await act(justice, referrals.JUSTICE!, 'CLOSE')).status).toBe(403);
    expect((await api.call('GET', `/cases/${id}`, { key: justice })).status).toBe(403);
    expect((await caseOf(id)).state).toBe('mediation.referred');
  });

  it('answers bad input with a 4xx problem and changes nothing', async () => {
    const { referrals } = await referred({ departmentCode: 'JUSTICE', instructions: '请调处' });
    const referralId = referrals.JUSTICE!;
    const before = await rowCounts(api.db);
    const cases: Array<[string, unknown, number]> = [
      ['not a uuid', null, 404],
      [referralId, { type: 'ACCEPT', payload: {} }, 409],
      [referralId, { type: 'FLY', payload: {} }, 422],
      [referralId, { type: 'acknowledge' }, 422],
      [referralId, { type: 'ACKNOWLEDGE', payload: { note: 7 } }, 422],
      [referralId, { type: 'ACKNOWLEDGE', payload: [] }, 422],
      [referralId, { type: 'ACKNOWLEDGE', expectedVersion: 9 }, 409],
    ];
    for (const [target, body, status] of cases) {
      const reply = await api.call('POST', `/referrals/${target === 'not a uuid' ? 'nope' : target}/events`, {
        key: justice,
        body: body ?? { type: 'ACKNOWLEDGE' },
      });
      expect({ body, status: reply.status, type: reply.headers.get('content-type') }).toEqual({
        body,
        status,
        type: expect.stringContaining('application/problem+json'),
      });
    }
    for (const query of ['status=lost', 'overdue=maybe', 'limit=500', 'caseId=nope', 'cursor=%25%25']) {
      expect({ query, status: (await api.call('GET', `/referrals?${query}`, { key: justice })).status }).toEqual({
        query,
        status: 400,
      });
    }
    expect(await rowCounts(api.db)).toEqual(before);
  });

  it('records a joint meeting (联席会议) of several departments on an escalated case, and refuses unknown ones', async () => {
    const id = (await api.call('POST', '/cases', { key: mediator, body: dispute() })).body.id as string;
    await api.call('POST', `/cases/${id}/events`, { key: mediator, body: { type: 'ACCEPT', payload: {} } });
    await api.call('POST', `/cases/${id}/events`, {
      key: mediator,
      body: { type: 'ESCALATE', payload: { reason: '涉及多个部门' } },
    });
    const unknown = await api.call('POST', `/cases/${id}/events`, {
      key: mediator,
      body: { type: 'CONVENE_JOINT_MEETING', payload: { departmentCodes: ['JUSTICE', 'NOPE'] } },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([
      { field: 'payload.departmentCodes[1]', message: 'department NOPE does not exist' },
    ]);
    const convened = await api.call('POST', `/cases/${id}/events`, {
      key: mediator,
      body: {
        type: 'CONVENE_JOINT_MEETING',
        payload: { departmentCodes: ['JUSTICE', 'POLICE', 'HOUSING'], agenda: '楼道违建' },
      },
    });
    expect(convened.status).toBe(200);
    expect(convened.body).toMatchObject({ state: 'escalation.joint_meeting', unitCode: 'XC-XH' });
    const history = (await api.call('GET', `/cases/${id}/history`, { key: mediator })).body.items;
    expect(history.at(-1)).toMatchObject({
      type: 'CONVENE_JOINT_MEETING',
      payload: { departmentCodes: ['JUSTICE', 'POLICE', 'HOUSING'] },
    });
    // From the meeting the case can be referred to the departments that take its category.
    await api.call('POST', `/cases/${id}/events`, {
      key: mediator,
      body: { type: 'CLASSIFY', payload: { category: 'neighbour', riskLevel: 'high' } },
    });
    const refer = await api.call('POST', `/cases/${id}/events`, {
      key: mediator,
      body: {
        type: 'REFER',
        payload: {
          departments: [
            { code: 'JUSTICE', role: 'lead' },
            { code: 'POLICE', role: 'assist' },
          ],
          instructions: '按联席会议分工办理',
        },
      },
    });
    expect(refer.status).toBe(200);
    expect(
      refer.body.referrals.map((r: { departmentCode: string; role: string }) => [r.departmentCode, r.role]),
    ).toEqual([
      ['JUSTICE', 'lead'],
      ['POLICE', 'assist'],
    ]);
  });

  it('replays a retried answer from its Idempotency-Key without acting twice', async () => {
    const { referrals } = await referred({ departmentCode: 'JUSTICE', instructions: '请调处' });
    const send = () =>
      api.call('POST', `/referrals/${referrals.JUSTICE}/events`, {
        key: justice,
        body: { type: 'ACKNOWLEDGE', payload: {} },
        headers: { 'idempotency-key': `ack-${referrals.JUSTICE}` },
      });
    const first = await send();
    const again = await send();
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body).toEqual(first.body);
    expect(first.body.version).toBe(2);
  });
});
