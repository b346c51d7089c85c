import { ManualClock } from '../../clock/src/index.js';
import { dispute, seedDirectory, startTestApi, type Reply, type TestApi } from '../../testing/src/index.js';

const MINUTE = 60_000;

/**
 * GET /cases with `unitCode` and a scoped reader, over HTTP: the answer is exactly the cases the plain
 * definition selects (owning unit's path under the scope and under the unit's path), newest id first, across pages.
 */
describe('GET /cases by unit subtree and scope', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let keys: Record<'admin' | 'xinhua' | 'grid', string>;
  /** Each case's id and created_at, by name. */
  const cases: Record<string, { id: string; createdAt: string }> = {};

  const open = async (unitCode: string) => {
    const reply = await api.call('POST', '/cases', { body: dispute({ unitCode }) });
    if (reply.status !== 201) throw new Error(`open at ${unitCode}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return { id: reply.body.id as string, createdAt: reply.body.createdAt as string };
  };

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    keys = {
      admin: api.adminKey,
      xinhua: await api.keyFor('mediator', { unitCode: 'XC-XH' }),
      grid: await api.keyFor('mediator', { unitCode: 'XC-XH-01-G1' }),
    };
    // Two rounds over every level, a minute apart, so windows and pages cut through each unit's cases.
    for (const round of [1, 2]) {
      for (const unit of ['XC-XH-01-G1', 'XC-XH-01', 'XC-XH', 'XC-YL-01', 'XC-YL', 'DC', 'XC']) {
        clock.advance(MINUTE);
        cases[`${unit}#${round}`] = await open(unit);
      }
    }
  }, 60_000);
  afterAll(() => api.close());

  /** Every page of GET /cases?{query}, `limit` at a time, as ids in answer order. */
  async function listed(query: Record<string, string>, key: string, limit = 2): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const params = new URLSearchParams({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
      const reply: Reply = await api.call('GET', `/cases?${params}`, { key });
      expect({ query, status: reply.status }).toEqual({ query, status: 200 });
      ids.push(...reply.body.items.map((c: { id: string }) => c.id));
      cursor = reply.body.nextCursor;
    } while (cursor);
    return ids;
  }

  /** The cases the filter means, by its plain definition over the units' paths and created_at. */
  async function expected(query: Record<string, string>, scope: string | null): Promise<string[]> {
    const rows = await api.db.query<{ id: string }>(
      `SELECT c.id FROM cases c JOIN units u ON u.code = c.unit_code
        WHERE ($1::text IS NULL OR starts_with(u.path, $1))
          AND ($2::text IS NULL OR starts_with(u.path, (SELECT path FROM units WHERE code = $2)))
          AND ($3::timestamptz IS NULL OR c.created_at >= $3) AND ($4::timestamptz IS NULL OR c.created_at < $4)
        ORDER BY c.id DESC`,
      [scope, query.unitCode ?? null, query.from ?? null, query.to ?? null],
    );
    return rows.map((r) => r.id);
  }

  const SCOPES = { admin: null, xinhua: '/XC/XC-XH/', grid: '/XC/XC-XH/XC-XH-01/XC-XH-01-G1/' } as const;
  const UNITS = [undefined, 'XC-XH-01-G1', 'XC-XH-01', 'XC-XH', 'XC', 'XC-YL', 'DC', 'NOWHERE'];

  it('answers a unit filter with the unit and everything below it, within the reader’s scope', async () => {
    for (const key of ['admin', 'xinhua', 'grid'] as const) {
      for (const unitCode of UNITS) {
        const query: Record<string, string> = unitCode ? { unitCode } : {};
        const want = await expected(query, SCOPES[key]);
        expect({ key, unitCode, ids: await listed(query, keys[key]) }).toEqual({ key, unitCode, ids: want });
      }
    }
    // A grid's subtree is the grid; a street's holds its communities and grids; a unit outside the scope, nothing.
    const names = async (query: Record<string, string>, key: string) => {
      const ids = await listed(query, key, 50);
      return Object.entries(cases).filter(([, c]) => ids.includes(c.id)).map(([name]) => name).sort();
    };
    expect(await names({ unitCode: 'XC-XH-01-G1' }, keys.admin)).toEqual(['XC-XH-01-G1#1', 'XC-XH-01-G1#2']);
    expect(await names({ unitCode: 'XC-XH' }, keys.admin)).toEqual(['XC-XH#1', 'XC-XH#2', 'XC-XH-01#1', 'XC-XH-01#2', 'XC-XH-01-G1#1', 'XC-XH-01-G1#2']);
    expect(await listed({ unitCode: 'XC-YL' }, keys.xinhua)).toEqual([]);
    expect(await listed({ unitCode: 'XC' }, keys.grid)).toEqual(await listed({}, keys.grid));
  });
});
