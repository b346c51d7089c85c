import { dispute, rowCounts, seedDirectory, startTestApi, type TestApi } from './support/index.js';

const NULL_MESSAGE = 'must be omitted or have a value, not null';

/**
 * An optional field may be left out, never sent as null: null is a 422 naming the field, at the top of a body,
 * inside a party, and in an event payload, and it writes nothing.
 */
describe('null in an optional field', () => {
  let api: TestApi;
  let caseId: string;

  const counts = async () => ({
    ...(await rowCounts(api.db)),
    ...(
      await api.db.query<Record<string, string>>(
        `SELECT (SELECT count(*) FROM units) AS units, (SELECT count(*) FROM departments) AS departments, (SELECT count(*) FROM api_keys) AS api_keys`,
      )
    )[0],
  });

  async function refused(
    method: string,
    path: string,
    body: unknown,
    errors: Array<{ field: string; message?: string }>,
  ) {
    const before = await counts();
    const reply = await api.call(method, path, { body });
    expect({ path, status: reply.status, errors: reply.body?.errors }).toEqual({
      path,
      status: 422,
      errors: errors.map((e) => (e.message ? e : expect.objectContaining(e))),
    });
    expect(await counts()).toEqual(before);
  }

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
    caseId = (await api.call('POST', '/cases', { body: dispute() })).body.id;
  });
  afterAll(() => api?.close());

  it('refuses phone: null and idNumber: null on a party', async () => {
    const party = { role: 'applicant', name: '王小明' };
    await refused('POST', '/cases', dispute({ parties: [{ ...party, phone: null }] }), [
      { field: 'parties[0].phone', message: NULL_MESSAGE },
    ]);
    await refused('POST', '/cases', dispute({ parties: [party, { ...party, role: 'respondent', idNumber: null }] }), [
      { field: 'parties[1].idNumber', message: NULL_MESSAGE },
    ]);
    await refused('POST', '/cases', dispute({ parties: [{ ...party, vulnerable: null }] }), [
      { field: 'parties[0].vulnerable', message: NULL_MESSAGE },
    ]);
  });

  it('refuses null in every other optional field of a body', async () => {
    await refused('POST', '/cases', dispute({ category: null }), [{ field: 'category', message: NULL_MESSAGE }]);
    await refused('POST', '/cases', dispute({ occurredAt: null }), [{ field: 'occurredAt', message: NULL_MESSAGE }]);
    await refused('POST', `/cases/${caseId}/events`, { type: 'ACCEPT', payload: null }, [
      { field: 'payload', message: NULL_MESSAGE },
    ]);
    await refused('POST', `/cases/${caseId}/events`, { type: 'ACCEPT', expectedVersion: null }, [
      { field: 'expectedVersion', message: NULL_MESSAGE },
    ]);
    await refused('POST', '/units', { code: 'XC-NEW', name: '新社区', level: 'community', parentCode: null }, [
      { field: 'parentCode', message: NULL_MESSAGE },
    ]);
    await refused(
      'POST',
      '/departments',
      { code: 'NEW', name: '新部门', categories: [], webhookUrl: null, webhookSecret: null },
      [
        { field: 'webhookUrl', message: NULL_MESSAGE },
        { field: 'webhookSecret', message: NULL_MESSAGE },
      ],
    );
    await refused('POST', '/api-keys', { role: 'intake', name: 'x', unitCode: null }, [
      { field: 'unitCode', message: NULL_MESSAGE },
    ]);
    await refused('POST', '/admin/deliveries/replay', { departmentCode: null }, [
      { field: 'departmentCode', message: NULL_MESSAGE },
    ]);
  });

  it('refuses null in an optional field of an event payload, as the payload schemas do', async () => {
    await refused(
      'POST',
      `/cases/${caseId}/events`,
      { type: 'ADD_PARTY', payload: { role: 'third_party', name: '张三', phone: null } },
      [{ field: 'payload.phone' }],
    );
    await refused(
      'POST',
      `/cases/${caseId}/events`,
      { type: 'ADD_PARTY', payload: { role: 'third_party', name: '张三', idNumber: null } },
      [{ field: 'payload.idNumber' }],
    );
    await refused('POST', `/cases/${caseId}/events`, { type: 'ADD_NOTE', payload: { text: null } }, [
      { field: 'payload.text' },
    ]);
  });

  it('still takes the fields left out', async () => {
    const created = await api.call('POST', '/cases', {
      body: dispute({ parties: [{ role: 'applicant', name: '王小明' }] }),
    });
    expect(created.status).toBe(201);
    expect(created.body.parties[0]).toMatchObject({ phone: null, idNumber: null });
  });
});
