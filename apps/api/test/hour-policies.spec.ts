import { ManualClock } from '#clock';
import { dispute, loadOpenApi, seedDirectory, startTestApi, type TestApi } from './support/index.js';

/** An admin sets a clock in elapsed hours (an emergency line answers within hours), over HTTP. */
describe('deadline policies in hours', () => {
  // Thursday 2026-04-30, 22:00: twelve hours later is Labour Day.
  const clock = new ManualClock('2026-04-30T22:00:00+08:00');
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
  });
  afterAll(() => api.close());

  it('a policy of 12 hours makes the intake clock due 12 elapsed hours later, with no roll-over', async () => {
    const policy = await api.call('PUT', '/deadline-policies', {
      body: { key: 'dispute.intake', unitCode: 'XC-XH', amount: 12, unit: 'hours' },
    });
    expect(policy.status).toBe(200);
    expect(policy.body).toMatchObject({ amount: 12, unit: 'hours' });
    const created = (await api.call('POST', '/cases', { body: dispute() })).body;
    const intake = created.deadlines.find((d: { key: string }) => d.key === 'dispute.intake');
    expect(intake).toMatchObject({
      dueAt: '2026-05-01T02:00:00.000Z',
      derivation: {
        rule: { amount: 12, unit: 'hours', source: `policy:${policy.body.id}` },
        skipped: [],
        counting: 'elapsed hours: rest days count, and the end does not roll over',
      },
    });
    expect(intake.derivation.rolledOverFrom).toBeUndefined();
    // Its warnings fall at 50% and 80% of the 12 hours.
    expect(intake.warnings.map((w: { at: string }) => w.at)).toEqual([
      '2026-04-30T20:00:00.000Z',
      '2026-04-30T23:36:00.000Z',
    ]);
    await api.call('DELETE', `/deadline-policies/${policy.body.id}`);
  });

  it('refuses an unknown unit, and hours for a clock the statute counts in days (422)', async () => {
    const minutes = await api.call('PUT', '/deadline-policies', {
      body: { key: 'dispute.intake', amount: 30, unit: 'minutes' },
    });
    expect(minutes.status).toBe(422);
    expect(JSON.stringify(minutes.body.errors)).toMatch(/unit/);
    const statutory = await api.call('PUT', '/deadline-policies', {
      body: { key: 'petition.handling', amount: 48, unit: 'hours' },
    });
    expect(statutory.status).toBe(422);
    expect(statutory.body.errors).toEqual([
      { field: 'unit', message: expect.stringMatching(/counted in calendar_days by statute/) },
    ]);
  });

  it('documents hours in the OpenAPI schema of a policy', async () => {
    const schemas = (await loadOpenApi(api)).components!.schemas as Record<string, any>;
    const input = schemas.DeadlinePolicyDto;
    expect(input.properties.unit.enum).toEqual(['working_days', 'calendar_days', 'hours']);
    expect(schemas.DeadlinePolicy.properties.unit.enum).toEqual(['working_days', 'calendar_days', 'hours']);
  });
});
