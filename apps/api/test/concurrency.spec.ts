import { dispute, seedDirectory, startTestApi, verifyChain, type TestApi } from '../../../libs/testing/src/index.js';

describe('concurrent events on one case', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ config: { dbPoolSize: 60 } });
    await seedDirectory(api);
  });
  afterAll(() => api.close());

  it('50 concurrent events all apply, with contiguous versions and an unbroken hash chain', async () => {
    const id = (await api.call('POST', '/cases', { body: dispute() })).body.id;
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.call('POST', `/cases/${id}/events`, { body: { type: 'ADD_NOTE', payload: { text: `note ${i}` } } }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(replies.map((r) => r.body.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));

    const events = await api.db.query<{ seq: number; payload: { text: string } }>(
      `SELECT seq, payload FROM case_events WHERE case_id = $1 AND type = 'ADD_NOTE' ORDER BY seq`,
      [id],
    );
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    expect(new Set(events.map((e) => e.payload.text)).size).toBe(50);
    expect(await verifyChain(api.db, id)).toEqual({ valid: true, checked: 51 });
    expect((await api.call('GET', `/cases/${id}`)).body.version).toBe(51);
  });

  it('with one shared expectedVersion exactly one of 50 wins', async () => {
    const id = (await api.call('POST', '/cases', { body: dispute() })).body.id;
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.call('POST', `/cases/${id}/events`, { body: { type: 'ADD_NOTE', payload: { text: `race ${i}` }, expectedVersion: 1 } }),
      ),
    );
    const won = replies.filter((r) => r.status === 200);
    const lost = replies.filter((r) => r.status === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const reply of lost) expect(reply.body).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
    const [{ count }] = (await api.db.query<{ count: string }>('SELECT count(*) FROM case_events WHERE case_id = $1', [id])) as [{ count: string }];
    expect(Number(count)).toBe(2);
    expect(await verifyChain(api.db, id)).toEqual({ valid: true, checked: 2 });
  });

  it('concurrent state changes: exactly one ACCEPT of many applies, the rest are refused', async () => {
    const id = (await api.call('POST', '/cases', { body: dispute() })).body.id;
    const replies = await Promise.all(Array.from({ length: 20 }, () => api.call('POST', `/cases/${id}/events`, { body: { type: 'ACCEPT' } })));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409 && r.body.code === 'event_not_allowed')).toHaveLength(19);
    expect(await verifyChain(api.db, id)).toEqual({ valid: true, checked: 2 });
  });
});
