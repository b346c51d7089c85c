import { Anchors } from '#audit';
import { ManualClock } from '#clock';
import { Cursors } from '#persistence';
import { dispute, forgedCursors, seedDirectory, startTestApi, type TestApi } from './support/index.js';

/**
 * Every list pages with a signed cursor (libs/persistence/src/cursors.ts): it takes back the cursors it gave
 * out and walks to the end with them, and refuses with 400 anything else — a forged or altered cursor, one from
 * another list, one signed with another key.
 */
describe('list cursors', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let caseId: string;
  /** A path of every list, and the nextCursor of its first page of one item. */
  const lists: Record<string, { path: string; first?: string }> = {};

  const page = (path: string, cursor?: string) =>
    api.call(
      'GET',
      `${path}${path.includes('?') ? '&' : '?'}limit=1${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
    );

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    for (const code of ['HOOK-A', 'HOOK-B']) {
      const department = {
        code,
        name: code,
        categories: ['neighbour'],
        webhookUrl: `https://${code.toLowerCase()}.example/hook`,
        webhookSecret: 'cursor-webhook-secret-0123',
      };
      expect((await api.call('POST', '/departments', { body: department })).status).toBe(201);
    }
    for (let i = 0; i < 3; i++) {
      clock.advance(60_000);
      caseId = (await api.call('POST', '/cases', { body: dispute() })).body.id;
    }
    for (const [type, payload] of [
      ['ACCEPT', {}],
      ['CLASSIFY', { category: 'neighbour', riskLevel: 'low' }],
      [
        'REFER',
        {
          departments: [
            { code: 'HOOK-A', role: 'lead' },
            { code: 'HOOK-B', role: 'assist' },
          ],
          instructions: '请核实',
        },
      ],
    ] as const) {
      expect((await api.call('POST', `/cases/${caseId}/events`, { body: { type, payload } })).status).toBe(200);
    }
    // Two keys more: each is a row of the key list and an entry of the security log.
    for (const role of ['auditor', 'intake'] as const) await api.keyFor(role);
    clock.set('2026-03-05T09:00:00+08:00');
    await new Anchors(api.db, clock).anchorThrough('2026-03-04');

    for (const [name, path] of Object.entries({
      cases: '/cases',
      history: `/cases/${caseId}/history`,
      referrals: '/referrals',
      deliveries: '/admin/deliveries',
      deadlines: '/deadlines',
      auditEvents: '/audit/events',
      anchors: '/audit/anchors',
      units: '/units',
      departments: '/departments',
      apiKeys: '/api-keys',
      securityLog: '/audit/security-log',
    })) {
      const first = await page(path);
      expect({ name, status: first.status, next: typeof first.body.nextCursor }).toEqual({
        name,
        status: 200,
        next: 'string',
      });
      lists[name] = { path, first: first.body.nextCursor };
    }
  });
  afterAll(() => api?.close());

  it('walks every list to its end with the cursors it gives out, each item once', async () => {
    for (const [name, { path }] of Object.entries(lists)) {
      const all = (await api.call('GET', `${path}?limit=200`)).body.items;
      const walked: unknown[] = [];
      let cursor: string | undefined;
      do {
        const reply = await page(path, cursor);
        expect({ name, status: reply.status }).toEqual({ name, status: 200 });
        walked.push(...reply.body.items);
        cursor = reply.body.nextCursor ?? undefined;
        expect(cursor === undefined || /^[A-Za-z0-9_.-]+$/.test(cursor)).toBe(true);
      } while (cursor);
      expect({ name, walked }).toEqual({ name, walked: all });
      expect(all.length).toBeGreaterThan(1);
    }
  });

  async function refused(name: string, path: string, cursor: string) {
    const reply = await page(path, cursor);
    expect({ name, cursor, status: reply.status, detail: reply.body.detail }).toEqual({
      name,
      cursor,
      status: 400,
      detail: 'The cursor is not one this API gave out.',
    });
  }

  it('refuses forged cursors: the old unsigned formats with out-of-range contents, and random bytes', async () => {
    for (const [name, { path }] of Object.entries(lists)) {
      for (const cursor of forgedCursors()) await refused(name, path, cursor);
    }
  });

  it('refuses a cursor of another list', async () => {
    for (const [name, { path }] of Object.entries(lists)) {
      for (const [other, { first }] of Object.entries(lists))
        if (other !== name) await refused(`${other} on ${name}`, path, first!);
    }
  });

  it('refuses a cursor altered anywhere, or signed with another key', async () => {
    const { path, first } = lists.deadlines!;
    for (const at of [0, first!.indexOf('.') - 1, first!.indexOf('.') + 1, first!.length - 1]) {
      const altered = first!.slice(0, at) + (first![at] === 'A' ? 'B' : 'A') + first!.slice(at + 1);
      await refused('altered', path, altered);
    }
    await refused('truncated', path, first!.slice(0, -1));
    const value = JSON.parse(Buffer.from(first!.split('.')[0]!, 'base64url').toString());
    await refused('another key', path, new Cursors('another-deployment-data-key-0123').encode('deadlines', value));
    // Signed with this deployment's key, but not of the shape the list gives out.
    await refused(
      'another shape',
      path,
      new Cursors(api.config.dataKey).encode('deadlines', ['+275760-09-13T00:00:00.000Z']),
    );
    expect((await page(path, new Cursors(api.config.dataKey).encode('deadlines', value))).status).toBe(200);
  });
});
