import { dispute, petition, seedDirectory, startTestApi, type TestApi } from './support/index.js';

/**
 * The machine version a new case starts on: the deployment may hold a kind back (`CONCORD_NEW_CASES_START_ON`);
 * a case keeps the version it started on, whatever the setting says later.
 */
describe('machine versions of new cases', () => {
  let held: TestApi;
  let onTwo: TestApi;

  beforeAll(async () => {
    held = await startTestApi({ config: { newCasesStartOn: { petition: 1, dispute: 1 } } });
    await seedDirectory(held);
    onTwo = await startTestApi({ config: { newCasesStartOn: { petition: 2, dispute: 2 } } });
    await seedDirectory(onTwo);
  });
  afterAll(async () => {
    await held.close();
    await onTwo.close();
  });

  it.each([
    ['petition', petition],
    ['dispute', dispute],
  ] as const)('starts a %s on the version the deployment names', async (_kind, body) => {
    const one = await held.call('POST', '/cases', { body: body() });
    const two = await onTwo.call('POST', '/cases', { body: body() });
    expect([one.status, two.status]).toEqual([201, 201]);
    expect(one.body.machineVersion).toBe(1);
    expect(two.body.machineVersion).toBe(2);
    expect((await held.call('GET', `/cases/${one.body.id}`)).body.machineVersion).toBe(1);
    expect((await onTwo.call('GET', `/cases/${two.body.id}`)).body.machineVersion).toBe(2);
  });

  it('runs each case on its own version: version 2 asks a petition’s class at acceptance, version 1 does not', async () => {
    const one = (await held.call('POST', '/cases', { body: petition() })).body;
    const two = (await onTwo.call('POST', '/cases', { body: petition() })).body;
    const accept = (api: TestApi, id: string, payload: object) =>
      api.call('POST', `/cases/${id}/events`, { body: { type: 'ACCEPT', payload } });
    expect((await accept(held, one.id, {})).status).toBe(200);
    const unclassed = await accept(onTwo, two.id, {});
    expect(unclassed.status).toBe(422);
    expect(JSON.stringify(unclassed.body.errors)).toContain('petitionType');
    expect((await accept(onTwo, two.id, { petitionType: 'claim' })).body).toMatchObject({
      machineVersion: 2,
      state: 'triage.assigning',
    });
  });
});
