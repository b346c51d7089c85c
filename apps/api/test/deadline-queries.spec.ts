import { ManualClock } from '#clock';
import { dispute, petition, seedDirectory, startTestApi, type Reply, type TestApi } from './support/index.js';

/**
 * GET /deadlines by unit subtree and scope, over HTTP: the open clocks of exactly the cases whose owning unit
 * (now, after any escalation) lies under the scope and under the unit, soonest due first, across pages.
 */
describe('GET /deadlines by unit subtree and scope', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let keys: Record<'admin' | 'xinhua' | 'grid', string>;
  const SCOPES = { admin: null, xinhua: '/XC/XC-XH/', grid: '/XC/XC-XH/XC-XH-01/XC-XH-01-G1/' } as const;

  const ok = (what: string, reply: Reply, status = 200) => {
    if (reply.status !== status) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  const send = (id: string, type: string, payload: Record<string, unknown> = {}) =>
    api.call('POST', `/cases/${id}/events`, { body: { type, payload } }).then((r) => ok(`${type}`, r));

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    keys = {
      admin: api.adminKey,
      xinhua: await api.keyFor('mediator', { unitCode: 'XC-XH' }),
      grid: await api.keyFor('auditor', { unitCode: 'XC-XH-01-G1' }),
    };
    // Cases at every level, each with its intake clock; some referred (a referral's clocks join the list).
    for (const unit of ['XC-XH-01-G1', 'XC-XH-01', 'XC-XH', 'XC-YL-01', 'XC-YL', 'DC', 'XC', 'XC-XH-01-G1']) {
      clock.advance(3_600_000);
      ok('open', await api.call('POST', '/cases', { body: dispute({ unitCode: unit }) }), 201);
    }
    const referred = ok('open', await api.call('POST', '/cases', { body: dispute({ unitCode: 'XC-XH-01-G1' }) }), 201)
      .id as string;
    await send(referred, 'ACCEPT');
    await send(referred, 'CLASSIFY', { category: 'neighbour', riskLevel: 'medium' });
    await send(referred, 'REFER', {
      departments: [
        { code: 'JUSTICE', role: 'lead' },
        { code: 'POLICE', role: 'assist' },
      ],
      instructions: '请调处',
    });
    // Escalated from the grid: the case now belongs to the community, and so do its clocks.
    const escalated = ok('open', await api.call('POST', '/cases', { body: dispute({ unitCode: 'XC-XH-01-G1' }) }), 201)
      .id as string;
    await send(escalated, 'ACCEPT');
    expect((await send(escalated, 'ESCALATE', { reason: '网格无法化解' })).unitCode).toBe('XC-XH-01');
    ok('open', await api.call('POST', '/cases', { body: petition({ unitCode: 'XC-YL-01' }) }), 201);
  }, 60_000);
  afterAll(() => api.close());

  async function listed(
    query: Record<string, string>,
    key: string,
    limit = 2,
  ): Promise<Array<{ id: string; dueAt: string }>> {
    const items: Array<{ id: string; dueAt: string }> = [];
    let cursor: string | null = null;
    do {
      const params = new URLSearchParams({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
      const page = ok(`deadlines ${params}`, await api.call('GET', `/deadlines?${params}`, { key }));
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  async function expected(unitCode: string | undefined, scope: string | null): Promise<string[]> {
    const rows = await api.db.query<{ id: string }>(
      `SELECT d.id FROM deadlines d JOIN cases c ON c.id = d.case_id JOIN units u ON u.code = c.unit_code
        WHERE d.kind = 'due' AND d.ended_at IS NULL
          AND ($1::text IS NULL OR starts_with(u.path, $1))
          AND ($2::text IS NULL OR starts_with(u.path, (SELECT path FROM units WHERE code = $2)))
        ORDER BY d.due_at, d.id`,
      [scope, unitCode ?? null],
    );
    return rows.map((r) => r.id);
  }

  it('lists the open clocks of the unit’s subtree within the reader’s scope, soonest due first', async () => {
    for (const key of ['admin', 'xinhua', 'grid'] as const) {
      for (const unitCode of [undefined, 'XC-XH-01-G1', 'XC-XH-01', 'XC-XH', 'XC', 'XC-YL', 'DC', 'NOWHERE']) {
        const items = await listed(unitCode ? { unitCode } : {}, keys[key]);
        expect({ key, unitCode, ids: items.map((d) => d.id) }).toEqual({
          key,
          unitCode,
          ids: await expected(unitCode, SCOPES[key]),
        });
      }
    }
  });

  it('follows the case’s current unit: a grid no longer lists a case escalated to its community', async () => {
    const grid = await listed({ unitCode: 'XC-XH-01-G1' }, keys.admin, 50);
    const community = await listed({ unitCode: 'XC-XH-01' }, keys.admin, 50);
    expect(grid.length).toBeGreaterThan(2);
    expect(community.length).toBeGreaterThan(grid.length);
    const units = async (items: Array<{ id: string }>) =>
      new Set(
        (
          await api.db.query<{ unit_code: string }>(
            'SELECT c.unit_code FROM deadlines d JOIN cases c ON c.id = d.case_id WHERE d.id = ANY($1)',
            [items.map((d) => d.id)],
          )
        ).map((r) => r.unit_code),
      );
    expect(await units(grid)).toEqual(new Set(['XC-XH-01-G1']));
    expect(await units(community)).toEqual(new Set(['XC-XH-01-G1', 'XC-XH-01']));
    expect(await listed({ unitCode: 'XC-YL' }, keys.xinhua)).toEqual([]);
  });
});
