import { openOnVersion, petition, seedDirectory, startTestApi, type TestApi } from './support/index.js';

/**
 * An accusation is confidential (信访工作条例 art. 30): once a petition is classed as one, only the admins of the
 * registering unit (scope as for any case), auditors, and the discipline-inspection department through its
 * referral see it. Every other key, intake and mediator keys of the same unit included, and the department that
 * handles the matter's category (the accused one, for all Concord knows), finds nothing: 404, absent from lists,
 * search and clocks. Every read of it is in the security log, which auditors read.
 */
describe('a confidential accusation', () => {
  let api: TestApi;
  const keys: Record<string, string> = {};
  let accusation: { id: string; reference: string };
  let referralId: string;

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
    const created = await api.call('POST', '/departments', {
      body: { code: 'JIJIAN', name: '区纪委监委', categories: [], function: 'discipline_inspection' },
    });
    expect(created.status).toBe(201);
    keys.unitAdmin = await api.keyFor('admin', { unitCode: 'XC-XH' });
    keys.districtAdmin = await api.keyFor('admin', { unitCode: 'XC' });
    keys.otherAdmin = await api.keyFor('admin', { unitCode: 'XC-YL' });
    keys.intake = await api.keyFor('intake', { unitCode: 'XC-XH' });
    keys.mediator = await api.keyFor('mediator', { unitCode: 'XC-XH' });
    keys.auditor = await api.keyFor('auditor');
    keys.jijian = await api.keyFor('department', { departmentCode: 'JIJIAN' });
    keys.housing = await api.keyFor('department', { departmentCode: 'HOUSING' });

    // The street's intake clerk registers the petition and classes it as an accusation against the housing
    // department's staff (the category is HOUSING's).
    accusation = await openOnVersion(api, 2, petition({ summary: '举报住建委工作人员收受好处', unitCode: 'XC-XH' }));
    // Until it is classed, it is a petition like any other.
    expect((await api.call('GET', `/cases/${accusation.id}`, { key: keys.intake })).status).toBe(200);
    const accepted = await api.call('POST', `/cases/${accusation.id}/events`, {
      key: keys.intake,
      body: { type: 'ACCEPT', payload: { petitionType: 'accusation' } },
    });
    expect(accepted.body).toMatchObject({ state: 'archive.closed', confidential: true });
    expect((await api.call('GET', `/cases/${accusation.id}`, { key: keys.intake })).status).toBe(404);
    referralId = accepted.body.referrals[0].id;
  });
  afterAll(() => api.close());

  const get = (path: string, key: string) => api.call('GET', path, { key });
  const listed = async (path: string, key: string) =>
    ((await get(path, key)).body.items as Array<{ id: string; caseId?: string }>).some(
      (item) => item.id === accusation.id || item.caseId === accusation.id,
    );

  it.each(['intake', 'mediator', 'otherAdmin'])(
    'is not found by the %s key: read, history, lists, search',
    async (who) => {
      const key = keys[who]!;
      expect((await get(`/cases/${accusation.id}`, key)).status).toBe(404);
      expect((await get(`/cases/${accusation.id}/history`, key)).status).toBe(404);
      expect(await listed('/cases?kind=petition', key)).toBe(false);
      expect(await listed(`/cases?q=${encodeURIComponent(accusation.reference)}`, key)).toBe(false);
      expect(await listed('/deadlines', key)).toBe(false);
      expect(await listed('/referrals', key)).toBe(false);
      expect((await get(`/referrals/${referralId}`, key)).status).toBe(404);
    },
  );

  it('is not found by the accused department’s key, nor referred to it', async () => {
    expect((await get(`/referrals/${referralId}`, keys.housing!)).status).toBe(404);
    expect(await listed('/referrals', keys.housing!)).toBe(false);
    const [referred] = await api.db.query<{ codes: string[] }>(
      `SELECT array_agg(department_code) AS codes FROM referrals WHERE case_id = $1`,
      [accusation.id],
    );
    expect(referred!.codes).toEqual(['JIJIAN']);
  });

  it('takes no event from a key that does not see it (404), and is no case to name in another’s payload', async () => {
    const note = await api.call('POST', `/cases/${accusation.id}/events`, {
      key: keys.mediator,
      body: { type: 'ADD_NOTE', payload: { text: '查看' } },
    });
    expect(note.status).toBe(404);
    const { id: repeat } = await openOnVersion(api, 2, petition({ unitCode: 'XC-XH' }));
    const declined = await api.call('POST', `/cases/${repeat}/events`, {
      key: keys.intake,
      body: {
        type: 'DECLINE',
        payload: { reason: '重复', ground: 'already_re_reviewed', relatedCaseId: accusation.id },
      },
    });
    expect(declined.status).toBe(422);
    expect(declined.body.errors).toEqual([{ field: 'payload.relatedCaseId', message: 'no such case' }]);
  });

  it('is read by the registering unit’s admins, auditors and the discipline-inspection department', async () => {
    for (const who of ['unitAdmin', 'districtAdmin', 'auditor']) {
      const read = await get(`/cases/${accusation.id}`, keys[who]!);
      expect({ who, status: read.status, confidential: read.body.confidential }).toEqual({
        who,
        status: 200,
        confidential: true,
      });
      expect(await listed('/cases?kind=petition', keys[who]!)).toBe(true);
    }
    expect((await get(`/cases/${accusation.id}/history`, keys.auditor!)).status).toBe(200);
    // The referral's clocks show on the admins' supervision list, as they are hidden from the others'.
    expect(await listed('/deadlines', keys.unitAdmin!)).toBe(true);
    const referral = await get(`/referrals/${referralId}`, keys.jijian!);
    expect(referral.status).toBe(200);
    expect(referral.body.case).toMatchObject({ id: accusation.id, summary: '举报住建委工作人员收受好处' });
    expect(await listed('/referrals', keys.jijian!)).toBe(true);
  });

  it('records every read of it in the security log, which auditors read; refused reads record nothing', async () => {
    expect((await get(`/audit/cases/${accusation.id}/state`, keys.auditor!)).status).toBe(200);
    expect((await get(`/audit/events?caseId=${accusation.id}`, keys.auditor!)).body.items.length).toBeGreaterThan(0);
    const log = await get('/audit/security-log?action=case.confidential_read&limit=100', keys.auditor!);
    expect(log.status).toBe(200);
    const entries = log.body.items as Array<{
      actor: { role: string; name: string };
      subject: { type: string; id: string };
      unitCode: string;
      detail: { read: string };
    }>;
    expect(entries.every((e) => e.subject.type === 'case' && e.subject.id === accusation.id)).toBe(true);
    expect(entries.every((e) => e.unitCode === 'XC-XH')).toBe(true);
    const reads = new Set(entries.map((e) => `${e.actor.role}:${e.detail.read}`));
    for (const read of [
      'admin:cases.read',
      'admin:cases.list',
      'admin:deadlines.list',
      'auditor:cases.read',
      'auditor:cases.history',
      'auditor:audit.state',
      'auditor:audit.events',
      'department:referrals.read',
      'department:referrals.list',
    ])
      expect(reads).toContain(read);
    expect(entries.some((e) => ['intake', 'mediator'].includes(e.actor.role))).toBe(false);
    // The unit's own admin reads the entries of its subtree.
    const scoped = await get('/audit/security-log?action=case.confidential_read&limit=100', keys.unitAdmin!);
    expect(scoped.body.items.length).toBe(entries.length);
  });

  it('leaves a claim of the same unit visible as before', async () => {
    const { id } = await openOnVersion(api, 2, petition({ unitCode: 'XC-XH' }));
    const accepted = await api.call('POST', `/cases/${id}/events`, {
      key: keys.intake,
      body: { type: 'ACCEPT', payload: { petitionType: 'claim' } },
    });
    expect(accepted.body).toMatchObject({ state: 'triage.assigning', confidential: false });
    expect((await get(`/cases/${id}`, keys.mediator!)).status).toBe(200);
  });
});
