import { openOnVersion, petition, rowCounts, seedDirectory, startTestApi, type TestApi } from './support/index.js';

/** `n` petitioners of one walk-in group, the first `representatives` of them its chosen representatives. */
const group = (n: number, representatives: number) =>
  Array.from({ length: n }, (_, i) => ({
    role: 'applicant',
    name: `走访群众${i + 1}`,
    phone: `1360000${String(1000 + i)}`,
    ...(i < representatives ? { representative: true } : {}),
  }));

/**
 * A group petitioning in person chooses at most 5 representatives (信访工作条例 art. 20 ¶3): parties are marked
 * `representative`, on POST /cases and on version 2's ADD_PARTY, and a sixth on a walk-in petition is a 422.
 * A repeat of a petition still being handled merges into it, linked both ways.
 */
describe('representatives of a collective walk-in petition', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
  });
  afterAll(() => api.close());

  const addParty = (id: string, party: Record<string, unknown>) =>
    api.call('POST', `/cases/${id}/events`, { body: { type: 'ADD_PARTY', payload: party } });

  it('registers a walk-in petition with 5 representatives and shows them in the case view', async () => {
    const created = await api.call('POST', '/cases', { body: petition({ channel: 'walk_in', parties: group(7, 5) }) });
    expect(created.status).toBe(201);
    const flags = created.body.parties.map((p: { name: string; representative: boolean }) => p.representative);
    expect(flags.filter(Boolean)).toHaveLength(5);
    expect(flags.filter((f: boolean) => !f)).toHaveLength(2);
    const read = await api.call('GET', `/cases/${created.body.id}`);
    expect(read.body.parties.filter((p: { representative: boolean }) => p.representative)).toHaveLength(5);
  });

  it('refuses a sixth representative on POST /cases (422), writing nothing; other channels are not bound', async () => {
    const before = await rowCounts(api.db);
    const refused = await api.call('POST', '/cases', { body: petition({ channel: 'walk_in', parties: group(6, 6) }) });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ field: 'parties', message: expect.stringContaining('art. 20') }]);
    expect(await rowCounts(api.db)).toEqual(before);
    const letter = await api.call('POST', '/cases', { body: petition({ channel: 'letter', parties: group(6, 6) }) });
    expect(letter.status).toBe(201);
  });

  it('refuses a sixth representative added by ADD_PARTY on a version-2 walk-in petition (422)', async () => {
    const { id } = await openOnVersion(api, 2, petition({ channel: 'walk_in', parties: group(5, 4) }));
    const fifth = await addParty(id, { role: 'applicant', name: '代表五', representative: true });
    expect(fifth.status).toBe(200);
    // The sealed party's record in the chain says it is a representative, and holds no PII.
    const [event] = await api.db.query<{ payload: Record<string, unknown> }>(
      `SELECT payload FROM case_events WHERE case_id = $1 AND type = 'ADD_PARTY'`,
      [id],
    );
    expect(event!.payload).toMatchObject({ role: 'applicant', representative: true });
    expect(JSON.stringify(event!.payload)).not.toContain('代表五');

    const before = await rowCounts(api.db);
    const sixth = await addParty(id, { role: 'applicant', name: '代表六', representative: true });
    expect(sixth.status).toBe(422);
    expect(sixth.body.errors).toEqual([{ field: 'payload.representative', message: expect.stringContaining('6') }]);
    expect(await rowCounts(api.db)).toEqual(before);
    // Another member of the group who is not a representative still joins.
    expect((await addParty(id, { role: 'applicant', name: '群众' })).status).toBe(200);
    const view = await api.call('GET', `/cases/${id}`);
    expect(view.body.parties).toHaveLength(7);
    expect(view.body.parties.filter((p: { representative: boolean }) => p.representative)).toHaveLength(5);
  });

  it('merges a repeat into a petition still being handled, linked both ways', async () => {
    const { id: handled } = await openOnVersion(api, 2, petition({ channel: 'walk_in', parties: group(3, 2) }));
    const send = (id: string, type: string, payload: Record<string, unknown>) =>
      api.call('POST', `/cases/${id}/events`, { body: { type, payload } });
    expect((await send(handled, 'ACCEPT', { petitionType: 'claim' })).status).toBe(200);
    expect((await send(handled, 'ASSIGN_HANDLER', { unitCode: 'XC-XH' })).body.state).toBe('mediation.handling');

    const { id: repeat } = await openOnVersion(api, 2, petition({ channel: 'walk_in', parties: group(2, 1) }));
    const merged = await send(repeat, 'MERGE', { intoCaseId: handled });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ state: 'archive.closed', outcome: 'merged' });
    expect(merged.body.links).toEqual([{ caseId: handled, relation: 'merged_into' }]);
    const target = await api.call('GET', `/cases/${handled}`);
    expect(target.body).toMatchObject({
      state: 'mediation.handling',
      links: [{ caseId: repeat, relation: 'merged_from' }],
    });
  });
});
