import {
  dispute,
  petition,
  seedDirectory,
  ON_VERSION_1,
  startTestApi,
  verifyChain,
  type TestApi,
} from './support/index.js';

describe('a case from intake to archive, over HTTP', () => {
  let api: TestApi;
  let mediator: string;

  beforeAll(async () => {
    api = await startTestApi({ config: ON_VERSION_1 });
    await seedDirectory(api);
    mediator = await api.keyFor('mediator', { unitCode: 'XC-XH' });
  });
  afterAll(() => api.close());

  /** Sends each event in turn, checking the state it lands in and that versions move by one. */
  async function drive(caseId: string, steps: Array<[type: string, payload: Record<string, unknown>, state: string]>) {
    let version = (await api.call('GET', `/cases/${caseId}`, { key: mediator })).body.version as number;
    for (const [type, payload, state] of steps) {
      const reply = await api.call('POST', `/cases/${caseId}/events`, {
        key: mediator,
        body: { type, payload, expectedVersion: version },
      });
      expect({ type, status: reply.status, state: reply.body.state }).toEqual({ type, status: 200, state });
      expect(reply.body.version).toBe(version + 1);
      version = reply.body.version;
    }
    return version;
  }

  it('drives a dispute through mediation and follow-up to archive.closed', async () => {
    const created = await api.call('POST', '/cases', { key: mediator, body: dispute() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'dispute',
      state: 'intake.registered',
      stage: 'intake',
      version: 1,
      unitCode: 'XC-XH-01',
    });
    expect(created.body.reference).toMatch(/^DSP-\d{4}-\d{6}$/);
    expect(created.body.queryCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);

    const version = await drive(created.body.id, [
      ['ACCEPT', {}, 'triage.assessing'],
      ['CLASSIFY', { category: 'neighbour', riskLevel: 'medium', tags: ['water_leak'] }, 'triage.assessing'],
      ['ASSIGN_MEDIATOR', { mediatorId: 'mediator-li', channel: 'people' }, 'mediation.assigned'],
      ['SCHEDULE_SESSION', { at: '2026-03-05T14:00:00+08:00', location: '新华社区调解室' }, 'mediation.in_session'],
      ['RECORD_SESSION', { notes: '双方同意由楼上住户承担维修费用', outcome: 'agreement' }, 'mediation.agreement'],
      ['REACH_AGREEMENT', { terms: '李大华于两周内修复防水并赔偿2000元' }, 'mediation.agreement'],
      ['REQUEST_JUDICIAL_CONFIRMATION', {}, 'mediation.judicial_confirmation'],
      ['JUDICIAL_CONFIRMED', {}, 'archive.follow_up'],
      ['RECORD_FOLLOW_UP', { satisfaction: 5, comment: '满意', reached: true }, 'archive.closed'],
    ]);

    const closed = await api.call('GET', `/cases/${created.body.id}`, { key: mediator });
    expect(closed.body).toMatchObject({
      state: 'archive.closed',
      stage: 'archive',
      outcome: 'mediated',
      version,
      riskLevel: 'medium',
    });
    expect(closed.body.details).toMatchObject({ judicial: 'confirmed', followUp: { satisfaction: 5, reached: true } });
    expect(closed.body.allowedEvents).toEqual([]);

    const history = await api.call('GET', `/cases/${created.body.id}/history`, { key: mediator });
    expect(history.body.items.map((e: { seq: number }) => e.seq)).toEqual(
      Array.from({ length: version }, (_, i) => i + 1),
    );
    expect(history.body.items[0]).toMatchObject({ type: 'REGISTER', prevHash: '0'.repeat(64) });
    expect(await verifyChain(api.db, created.body.id)).toEqual({ valid: true, checked: version });

    // Archived cases do not change.
    const late = await api.call('POST', `/cases/${created.body.id}/events`, {
      key: mediator,
      body: { type: 'ADD_NOTE', payload: { text: 'x' } },
    });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'event_not_allowed', allowedEvents: [] });
  });

  it('drives a petition through handling, review and re-review to archive.closed', async () => {
    const created = await api.call('POST', '/cases', { key: mediator, body: petition() });
    expect(created.status).toBe(201);
    expect(created.body.reference).toMatch(/^PET-\d{4}-\d{6}$/);
    await drive(created.body.id, [
      ['ACCEPT', {}, 'triage.assigning'],
      ['ASSIGN_HANDLER', { unitCode: 'XC-XH-01', departmentCode: 'HOUSING' }, 'mediation.handling'],
      ['EXTEND_DEADLINE', { days: 30, reason: '需要现场调查取证' }, 'mediation.handling'],
      [
        'ISSUE_OPINION',
        { opinion: '责成物业退还多收停车费', supported: 'partial' },
        'escalation.awaiting_review_request',
      ],
      ['REQUEST_REVIEW', { reason: '对处理意见不服' }, 'escalation.review'],
      ['ISSUE_REVIEW_OPINION', { opinion: '维持原处理意见' }, 'escalation.awaiting_re_review_request'],
      ['REQUEST_RE_REVIEW', { reason: '仍不服' }, 'escalation.re_review'],
      ['ISSUE_RE_REVIEW_OPINION', { opinion: '复核维持，不再受理' }, 'archive.follow_up'],
      ['RECORD_FOLLOW_UP', { satisfaction: 3, reached: true }, 'archive.closed'],
    ]);
    const closed = await api.call('GET', `/cases/${created.body.id}`, { key: mediator });
    // ASSIGN_HANDLER moved ownership to the handling unit.
    expect(closed.body).toMatchObject({ state: 'archive.closed', outcome: 'handled', unitCode: 'XC-XH-01' });
    expect(await verifyChain(api.db, created.body.id)).toMatchObject({ valid: true, checked: 10 });
  });

  it('escalation moves the case to the parent unit and records the unit on the event', async () => {
    const created = await api.call('POST', '/cases', { key: mediator, body: dispute() });
    const id = created.body.id;
    await drive(id, [
      ['ACCEPT', {}, 'triage.assessing'],
      ['CLASSIFY', { category: 'neighbour', riskLevel: 'critical' }, 'triage.assessing'],
    ]);
    // A critical case below street level may not be mediated where it is.
    const refused = await api.call('POST', `/cases/${id}/events`, {
      key: mediator,
      body: { type: 'ASSIGN_MEDIATOR', payload: { mediatorId: 'm1', channel: 'people' } },
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'rule_violated', rules: ['notCriticalBelowStreet'] });
    expect(refused.body.detail).toMatch(/critical/i);

    await drive(id, [['ESCALATE', { reason: '涉众风险高' }, 'escalation.pending']]);
    const escalated = await api.call('GET', `/cases/${id}`, { key: mediator });
    expect(escalated.body.unitCode).toBe('XC-XH');
    const history = await api.call('GET', `/cases/${id}/history`, { key: mediator });
    expect(history.body.items.at(-1)).toMatchObject({
      type: 'ESCALATE',
      unitCode: 'XC-XH',
      facts: { unit: { code: 'XC-XH-01' } },
    });
    await drive(id, [
      ['ASSIGN_MEDIATOR', { mediatorId: 'street-mediator', channel: 'administrative' }, 'mediation.assigned'],
    ]);
  });

  it('a referral outside a department’s responsibility list is refused, naming the mismatch, and writes nothing', async () => {
    const id = (await api.call('POST', '/cases', { key: mediator, body: dispute() })).body.id;
    await drive(id, [['ACCEPT', {}, 'triage.assessing']]);
    const before = (await api.call('GET', `/cases/${id}`, { key: mediator })).body.version;
    const reply = await api.call('POST', `/cases/${id}/events`, {
      key: mediator,
      body: {
        type: 'REFER',
        payload: {
          departments: [
            { code: 'JUSTICE', role: 'lead' },
            { code: 'HRSS', role: 'assist' },
          ],
          instructions: '请协助调处',
        },
      },
    });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ code: 'rule_violated', rules: ['withinResponsibilityLists'] });
    expect(reply.body.detail).toBe('Category neighbour is not on the responsibility list (权责清单) of HRSS.');
    expect((await api.call('GET', `/cases/${id}`, { key: mediator })).body.version).toBe(before);
    await drive(id, [['REFER', { departmentCode: 'JUSTICE', instructions: '请司法所调处' }, 'mediation.referred']]);
  });

  it('merges a dispute into another, linked both ways', async () => {
    const target = (await api.call('POST', '/cases', { key: mediator, body: dispute() })).body;
    const duplicate = (
      await api.call('POST', '/cases', { key: mediator, body: dispute({ summary: '同一漏水纠纷（重复登记）' }) })
    ).body;
    await drive(duplicate.id, [['MERGE', { intoCaseId: target.id }, 'archive.closed']]);
    const merged = await api.call('GET', `/cases/${duplicate.id}`, { key: mediator });
    expect(merged.body).toMatchObject({ outcome: 'merged', links: [{ caseId: target.id, relation: 'merged_into' }] });
    const kept = await api.call('GET', `/cases/${target.id}`, { key: mediator });
    expect(kept.body.links).toEqual([{ caseId: duplicate.id, relation: 'merged_from' }]);
  });

  it('keeps party PII out of the event log and adds parties by reference', async () => {
    const created = (await api.call('POST', '/cases', { key: mediator, body: dispute() })).body;
    const added = await api.call('POST', `/cases/${created.id}/events`, {
      key: mediator,
      body: {
        type: 'ADD_PARTY',
        payload: { role: 'third_party', name: '张三', phone: '13700000000', vulnerable: ['elderly'] },
      },
    });
    expect(added.status).toBe(200);
    expect(added.body.parties).toHaveLength(3);
    expect(added.body.parties[2]).toMatchObject({
      role: 'third_party',
      name: '张三',
      phone: '+8613700000000',
      vulnerable: ['elderly'],
    });
    const events = await api.db.query<{ payload: unknown }>('SELECT payload FROM case_events WHERE case_id = $1', [
      created.id,
    ]);
    const parties = await api.db.query('SELECT * FROM parties WHERE case_id = $1', [created.id]);
    const stored = JSON.stringify([events, parties]);
    for (const pii of ['王小明', '13812345678', '110101199003071234', '李大华', '13987654321', '张三', '13700000000']) {
      expect(stored).not.toContain(pii);
    }
  });
});
