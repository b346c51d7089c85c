import { ManualClock } from '#clock';
import { dispute, seedDirectory, startTestApi, type Reply, type TestApi } from './support/index.js';

const MS = 1;
const MINUTE = 60_000;

/**
 * GET /cases with `unitCode`, a scoped reader and `from`/`to`, over HTTP: the answer is exactly the cases the
 * plain definition selects (owning unit's path under the scope and under the unit's path; created_at in
 * [from, to)), newest id first, across pages, including a case whose id was minted after a clock went back.
 */
describe('GET /cases by unit subtree, scope and registration window', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let keys: Record<'admin' | 'xinhua' | 'grid', string>;
  /** Each case's id and created_at, by name. */
  const cases: Record<string, { id: string; createdAt: string }> = {};
  let skewed: { id: string; createdAt: string };

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
    // Three cases in one millisecond, the boundary cases of the window tests.
    clock.set('2026-03-02T03:00:00.000Z');
    for (const unit of ['XC-XH-01-G1', 'XC-YL-01', 'XC-XH']) cases[`same-ms ${unit}`] = await open(unit);
    // The clock goes back a day: the id generator does not, so this case's id is the newest but its created_at
    // the oldest.
    const latest = clock.now();
    clock.set('2026-03-01T00:00:00.000Z');
    skewed = await open('XC-XH-01-G1');
    clock.set(latest);
    clock.advance(MINUTE);
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
      return Object.entries(cases)
        .filter(([, c]) => ids.includes(c.id))
        .map(([name]) => name)
        .sort();
    };
    expect(await names({ unitCode: 'XC-XH-01-G1' }, keys.admin)).toEqual([
      'XC-XH-01-G1#1',
      'XC-XH-01-G1#2',
      'same-ms XC-XH-01-G1',
    ]);
    expect(await names({ unitCode: 'XC-XH' }, keys.admin)).toEqual([
      'XC-XH#1',
      'XC-XH#2',
      'XC-XH-01#1',
      'XC-XH-01#2',
      'XC-XH-01-G1#1',
      'XC-XH-01-G1#2',
      'same-ms XC-XH',
      'same-ms XC-XH-01-G1',
    ]);
    expect(await listed({ unitCode: 'XC-YL' }, keys.xinhua)).toEqual([]);
    expect(await listed({ unitCode: 'XC' }, keys.grid)).toEqual(await listed({}, keys.grid));
    expect(await listed({}, keys.grid)).toContain(skewed.id);
  });

  it('answers a window to the millisecond: from is inclusive, to exclusive', async () => {
    const at = Date.parse(cases['same-ms XC-XH']!.createdAt);
    const iso = (ms: number) => new Date(ms).toISOString();
    const inWindow = (from: number | null, to: number | null) =>
      listed(
        { ...(from !== null ? { from: iso(from) } : {}), ...(to !== null ? { to: iso(to) } : {}) },
        keys.admin,
        50,
      );
    const same = ['same-ms XC-XH-01-G1', 'same-ms XC-YL-01', 'same-ms XC-XH'].map((n) => cases[n]!.id);
    const has = (ids: string[]) => same.map((id) => ids.includes(id));
    expect(has(await inWindow(at, at + MS))).toEqual([true, true, true]);
    expect(has(await inWindow(at, null))).toEqual([true, true, true]);
    expect(has(await inWindow(null, at + MS))).toEqual([true, true, true]);
    expect(has(await inWindow(at + MS, null))).toEqual([false, false, false]);
    expect(has(await inWindow(null, at))).toEqual([false, false, false]);
    expect(has(await inWindow(at - MS, at))).toEqual([false, false, false]);
    expect(await inWindow(at, at + MS)).toEqual(await expected({ from: iso(at), to: iso(at + MS) }, null));
  });

  it('finds a case whose id was minted after the clock went back, in its created_at window and no other', async () => {
    const [row] = await api.db.query<{ instant: Date; created_at: Date }>(
      'SELECT uuidv7_instant(id) AS instant, created_at FROM cases WHERE id = $1',
      [skewed.id],
    );
    expect(row!.created_at.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(row!.instant.getTime()).toBeGreaterThan(row!.created_at.getTime());
    const ids = (query: Record<string, string>, key = keys.admin) => listed(query, key);
    expect(await ids({ from: '2026-03-01T00:00:00.000Z', to: '2026-03-01T00:00:00.001Z' })).toEqual([skewed.id]);
    expect(await ids({ to: '2026-03-01T00:00:00.001Z' })).toEqual([skewed.id]);
    expect(await ids({ from: '2026-03-01T00:00:00.001Z' })).not.toContain(skewed.id);
    // A window over the id's own instant is not its window.
    const instant = row!.instant.getTime();
    expect(
      await ids({ from: new Date(instant).toISOString(), to: new Date(instant + MS).toISOString() }),
    ).not.toContain(skewed.id);
    expect(
      await ids({ unitCode: 'XC-XH-01-G1', from: '2026-02-28T00:00:00Z', to: '2026-03-02T00:00:00Z' }, keys.xinhua),
    ).toEqual([skewed.id]);
    expect(await ids({ unitCode: 'XC-YL', from: '2026-02-28T00:00:00Z', to: '2026-03-02T00:00:00Z' })).toEqual([]);
  });

  it('combines unit, scope and window, across pages, exactly as their definition', async () => {
    const first = Date.parse(cases['XC-XH-01-G1#1']!.createdAt);
    const windows: Array<[number | null, number | null]> = [
      [null, null],
      [first + 3 * MINUTE, null],
      [null, first + 9 * MINUTE],
      [first + 2 * MINUTE, first + 11 * MINUTE],
      [Date.parse('2026-02-01T00:00:00Z'), Date.parse('2026-04-01T00:00:00Z')],
      [Date.parse('2026-03-05T00:00:00Z'), null],
    ];
    for (const key of ['admin', 'xinhua'] as const) {
      for (const unitCode of [undefined, 'XC-XH-01-G1', 'XC-XH', 'XC-YL-01']) {
        for (const [from, to] of windows) {
          const query: Record<string, string> = {
            ...(unitCode ? { unitCode } : {}),
            ...(from !== null ? { from: new Date(from).toISOString() } : {}),
            ...(to !== null ? { to: new Date(to).toISOString() } : {}),
          };
          expect({ key, query, ids: await listed(query, keys[key], 3) }).toEqual({
            key,
            query,
            ids: await expected(query, SCOPES[key]),
          });
        }
      }
    }
  });
});
