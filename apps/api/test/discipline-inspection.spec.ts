import { openOnVersion, petition, rowCounts, seedDirectory, startTestApi, type TestApi } from './support/index.js';

const DISCIPLINE = { code: 'JIJIAN', name: '区纪委监委', categories: [], function: 'discipline_inspection' };

/**
 * An accusation (检举控告类) goes to the discipline-inspection body (纪检监察) and to no one else
 * (信访工作条例 art. 30): a department admins mark with `function: discipline_inspection`, one per deployment.
 * Petitions here are opened on version 2, the first that classes them.
 */
describe('the discipline-inspection department receives accusations', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
  });
  afterAll(() => api.close());

  const accept = (id: string, petitionType: string) =>
    api.call('POST', `/cases/${id}/events`, { body: { type: 'ACCEPT', payload: { petitionType } } });

  it('refuses to accept an accusation while no department is the discipline-inspection body, writing nothing', async () => {
    const { id } = await openOnVersion(api, 2, petition());
    const before = await rowCounts(api.db);
    const refused = await accept(id, 'accusation');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'rule_violated', rules: ['disciplineInspectionConfigured'] });
    expect(refused.body.detail).toContain('discipline-inspection');
    expect(await rowCounts(api.db)).toEqual(before);
    // The other classes do not need it.
    expect((await accept(id, 'claim')).body).toMatchObject({ state: 'triage.assigning' });
  });

  it('marks one department as the body, shows it in the list, and refuses a second one (409)', async () => {
    const created = await api.call('POST', '/departments', { body: DISCIPLINE });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'JIJIAN', function: 'discipline_inspection' });
    const second = await api.call('POST', '/departments', {
      body: { ...DISCIPLINE, code: 'JIJIAN2', name: '另一纪委' },
    });
    expect(second.status).toBe(409);
    expect(second.body.detail).toContain('discipline-inspection');
    const taken = await api.call('POST', '/departments', { body: { ...DISCIPLINE, function: undefined } });
    expect(taken.status).toBe(409);
    expect(taken.body.detail).toContain('JIJIAN already exists');
    const bad = await api.call('POST', '/departments', { body: { ...DISCIPLINE, code: 'X1', function: 'police' } });
    expect(bad.status).toBe(422);
    const list = await api.call('GET', '/departments');
    const byCode = new Map(list.body.items.map((d: { code: string; function: string | null }) => [d.code, d.function]));
    expect(byCode.get('JIJIAN')).toBe('discipline_inspection');
    expect(byCode.get('POLICE')).toBeNull();
    expect(byCode.has('JIJIAN2')).toBe(false);
  });

  it('hands an accusation to that department alone, and archives the petition as forwarded', async () => {
    const { id } = await openOnVersion(api, 2, petition({ category: 'property_management' }));
    const reply = await accept(id, 'accusation');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ state: 'archive.closed', outcome: 'forwarded' });
    expect(reply.body.referrals).toEqual([expect.objectContaining({ departmentCode: 'JIJIAN', role: 'lead' })]);

    // The body's own key finds the referral with what it is asked to do; the department that handles the
    // petition's category (HOUSING) is never referred to.
    const jijian = await api.keyFor('department', { departmentCode: 'JIJIAN' });
    const housing = await api.keyFor('department', { departmentCode: 'HOUSING' });
    const referralId = reply.body.referrals[0].id as string;
    const seen = await api.call('GET', `/referrals/${referralId}`, { key: jijian });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ caseId: id, departmentCode: 'JIJIAN' });
    expect(seen.body.instructions).toContain('信访工作条例 art. 30');
    expect((await api.call('GET', `/referrals/${referralId}`, { key: housing })).status).toBe(404);
    expect((await api.call('GET', '/referrals', { key: housing })).body.items).toEqual([]);

    // The referral, its department and the stated instructions are in the chained event, for a replay.
    const [event] = await api.db.query<{ facts: Record<string, unknown> }>(
      `SELECT facts FROM case_events WHERE case_id = $1 AND type = 'ACCEPT'`,
      [id],
    );
    expect(event!.facts).toMatchObject({
      departments: [{ code: 'JIJIAN', role: 'lead' }],
      referralIds: [referralId],
      instructions: expect.stringContaining('art. 30'),
    });
    // The body works its referral through to its answer, though the petition is archived.
    for (const [type, payload] of [
      ['ACKNOWLEDGE', {}],
      ['ACCEPT', {}],
      ['REPLY', { resolved: true, result: '已立案审查' }],
    ] as const) {
      const acted = await api.call('POST', `/referrals/${referralId}/events`, { key: jijian, body: { type, payload } });
      expect({ type, status: acted.status, detail: acted.body.detail }).toEqual({
        type,
        status: 200,
        detail: undefined,
      });
    }
    const auditor = await api.keyFor('auditor');
    const rebuilt = await api.call('GET', `/audit/cases/${id}/state`, { key: auditor });
    expect(rebuilt.body).toMatchObject({ state: 'archive.closed', matchesStored: true, divergence: null });
  });

  it('moves the mark to an existing department with PUT, recorded in the security log', async () => {
    const put = (code: string, fn: string | null, key?: string) =>
      api.call('PUT', `/departments/${code}/function`, { key, body: { function: fn } });
    // Taken while JIJIAN has it; an unknown department, a bad value and a scoped admin are refused.
    expect((await put('POLICE', 'discipline_inspection')).status).toBe(409);
    expect((await put('NOWHERE', 'discipline_inspection')).status).toBe(404);
    expect((await put('POLICE', 'police')).status).toBe(422);
    const scopedAdmin = await api.keyFor('admin', { unitCode: 'XC' });
    expect((await put('JIJIAN', null, scopedAdmin)).status).toBe(403);

    expect((await put('JIJIAN', null)).body).toMatchObject({ code: 'JIJIAN', function: null });
    expect((await put('JUSTICE', 'discipline_inspection')).body).toMatchObject({ function: 'discipline_inspection' });
    const { id } = await openOnVersion(api, 2, petition());
    const reply = await accept(id, 'accusation');
    expect(reply.body.referrals).toEqual([expect.objectContaining({ departmentCode: 'JUSTICE' })]);

    const auditor = await api.keyFor('auditor');
    const log = await api.call('GET', '/audit/security-log?action=department.function_set', { key: auditor });
    expect(log.body.items.map((e: { subject: { id: string }; detail: unknown }) => [e.subject.id, e.detail])).toEqual([
      ['JUSTICE', { function: 'discipline_inspection' }],
      ['JIJIAN', { function: null }],
    ]);
  });
});
