import { petition, rowCounts, seedDirectory, ON_VERSION_1, startTestApi, type TestApi } from './support/index.js';

/**
 * ASSIGN_HANDLER {unitCode} hands a petition, and its ownership, to a unit. The unit must be within the actor's
 * scope, or above the case's owning unit on its escalation path; any other is refused with 409 and nothing is
 * written. The directory: XC (district) → XC-XH, XC-YL (streets) → XC-XH-01 …; DC is another district.
 */
describe('ASSIGN_HANDLER stays within the actor’s reach', () => {
  let api: TestApi;
  /** A mediator of the XC-XH street: it sees XC-XH and the units below it. */
  let streetMediator: string;

  beforeAll(async () => {
    api = await startTestApi({ config: ON_VERSION_1 });
    await seedDirectory(api);
    streetMediator = await api.keyFor('mediator', { unitCode: 'XC-XH' });
  });
  afterAll(() => api.close());

  /** A petition registered at the XC-XH street and accepted: it waits for its handler in triage.assigning. */
  async function accepted(): Promise<{ id: string; version: number }> {
    const created = await api.call('POST', '/cases', { key: streetMediator, body: petition({ unitCode: 'XC-XH' }) });
    expect(created.status).toBe(201);
    const reply = await api.call('POST', `/cases/${created.body.id}/events`, {
      key: streetMediator,
      body: { type: 'ACCEPT' },
    });
    expect(reply.body).toMatchObject({ state: 'triage.assigning', unitCode: 'XC-XH' });
    return { id: created.body.id, version: reply.body.version };
  }
  const assign = (id: string, unitCode: string) =>
    api.call('POST', `/cases/${id}/events`, {
      key: streetMediator,
      body: { type: 'ASSIGN_HANDLER', payload: { unitCode } },
    });

  it.each([
    ['another district', 'DC'],
    ['another street of the same district', 'XC-YL'],
    ['a community under another street', 'XC-YL-01'],
  ])('refuses a unit of %s with 409, writing nothing', async (_, unitCode) => {
    const { id, version } = await accepted();
    const before = await rowCounts(api.db);
    const refused = await assign(id, unitCode);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'rule_violated', rules: ['handlerUnitWithinReach'] });
    expect(refused.body.detail).toContain(unitCode);
    expect(await rowCounts(api.db)).toEqual(before);
    const after = await api.call('GET', `/cases/${id}`, { key: streetMediator });
    expect(after.body).toMatchObject({ state: 'triage.assigning', unitCode: 'XC-XH', version });
  });

  it('hands the petition to a unit of the actor’s own subtree', async () => {
    const { id } = await accepted();
    const reply = await assign(id, 'XC-XH-01');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ state: 'mediation.handling', unitCode: 'XC-XH-01' });
  });

  it('hands the petition up its own escalation path, to the district above the street', async () => {
    const { id } = await accepted();
    const reply = await assign(id, 'XC');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ state: 'mediation.handling', unitCode: 'XC' });
    // Now owned above the mediator's scope, the case is out of its sight, as an escalated case would be.
    expect((await api.call('GET', `/cases/${id}`, { key: streetMediator })).status).toBe(404);
  });

  it('leaves an unscoped actor free to choose any unit, and reports an unknown unit as a bad payload', async () => {
    const { id } = await accepted();
    const unknown = await api.call('POST', `/cases/${id}/events`, {
      body: { type: 'ASSIGN_HANDLER', payload: { unitCode: 'NOWHERE' } },
    });
    expect(unknown.status).toBe(422);
    const reply = await api.call('POST', `/cases/${id}/events`, {
      body: { type: 'ASSIGN_HANDLER', payload: { unitCode: 'DC' } },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ unitCode: 'DC' });
  });
});
