import { ManualClock } from '#clock';
import { dispute, petition, seedDirectory, ON_VERSION_1, startTestApi, type TestApi } from './support/index.js';

const PASSWORD = 'correct horse battery staple';
/** Wednesday 1 April 2026, 10:00 China time: every case below is read as of now. */
const NOW = '2026-04-01T10:00:00+08:00';

/**
 * The series of the KPIs, against a hand count. Each case: when it was registered (China time), its unit, and
 * each per-case fact of the KPI definitions (libs/stats/src/kpis.ts), as of NOW (no worker runs: clocks that
 * came due stay pending, so they are overdue now).
 */
interface Facts {
  at: string;
  unit: string;
  category: string;
  channel: string;
  accepted: boolean;
  resolved: boolean;
  judged: boolean;
  onTime: boolean;
  responded: boolean;
  responseDue: boolean;
  reached: number | null;
  followedUp: boolean;
  overdue: boolean;
}
const HAND_COUNT: Record<string, Facts> = {
  // Monday of ISO week 10: accepted, mediated, closed resolved, followed up happily.
  A1: {
    at: '2026-03-02T09:00:00+08:00',
    unit: 'XC-XH-01',
    category: 'neighbour',
    channel: 'walk_in',
    accepted: true,
    resolved: true,
    judged: true,
    onTime: true,
    responded: true,
    responseDue: true,
    reached: 5,
    followedUp: true,
    overdue: false,
  },
  // Accepted and never routed: its triage clock is pending and long past due.
  A2: {
    at: '2026-03-02T09:30:00+08:00',
    unit: 'XC-YL-01',
    category: 'neighbour',
    channel: 'hotline',
    accepted: true,
    resolved: false,
    judged: true,
    onTime: false,
    responded: true,
    responseDue: true,
    reached: null,
    followedUp: false,
    overdue: true,
  },
  // Tuesday 07:30 in China is still Monday in UTC: the China day counts. Withdrawn within the intake time.
  B1: {
    at: '2026-03-03T07:30:00+08:00',
    unit: 'XC-XH-01-G1',
    category: 'family',
    channel: 'walk_in',
    accepted: false,
    resolved: false,
    judged: true,
    onTime: true,
    responded: false,
    responseDue: false,
    reached: null,
    followedUp: false,
    overdue: false,
  },
  // A petition declined at once: a decision of the centre in time (responded), never accepted.
  B2: {
    at: '2026-03-03T10:00:00+08:00',
    unit: 'XC-YL-01',
    category: 'property_management',
    channel: 'letter',
    accepted: false,
    resolved: false,
    judged: true,
    onTime: true,
    responded: true,
    responseDue: true,
    reached: null,
    followedUp: false,
    overdue: false,
  },
  // Monday of ISO week 11, never acted on: the intake clock is past due, the response is due and missed.
  C1: {
    at: '2026-03-09T10:00:00+08:00',
    unit: 'XC-XH-01',
    category: 'neighbour',
    channel: 'walk_in',
    accepted: false,
    resolved: false,
    judged: true,
    onTime: false,
    responded: false,
    responseDue: true,
    reached: null,
    followedUp: false,
    overdue: true,
  },
  // 07:00 on 1 April in China is 31 March in UTC: April counts. Still within its intake time.
  E2: {
    at: '2026-04-01T07:00:00+08:00',
    unit: 'XC-YL-01',
    category: 'neighbour',
    channel: 'walk_in',
    accepted: false,
    resolved: false,
    judged: false,
    onTime: false,
    responded: false,
    responseDue: false,
    reached: null,
    followedUp: false,
    overdue: false,
  },
  // Another district, accepted and in mediation this morning.
  E1: {
    at: '2026-04-01T09:00:00+08:00',
    unit: 'DC',
    category: 'neighbour',
    channel: 'walk_in',
    accepted: true,
    resolved: false,
    judged: true,
    onTime: true,
    responded: true,
    responseDue: true,
    reached: null,
    followedUp: false,
    overdue: false,
  },
};

const ratio = (n: number, d: number, digits = 4) => (d === 0 ? null : Number((n / d).toFixed(digits)));

/** The figures of a set of hand-counted cases, by the definitions of GET /stats/kpis. */
function expected(names: string[]) {
  const cases = names.map((n) => HAND_COUNT[n]!);
  const count = (p: (f: Facts) => boolean) => cases.filter(p).length;
  const reached = cases.filter((f) => f.reached !== null).map((f) => f.reached!);
  const accepted = count((f) => f.accepted);
  const resolved = count((f) => f.resolved);
  const onTime = count((f) => f.judged && f.onTime);
  const onTimeJudged = count((f) => f.judged);
  const responded = count((f) => f.responded);
  const responseDue = count((f) => f.responseDue);
  const satisfied = reached.filter((s) => s >= 4).length;
  const followedUp = count((f) => f.followedUp);
  return {
    received: cases.length,
    accepted,
    resolved,
    concluded: resolved,
    resolutionRate: ratio(resolved, accepted),
    solveRate: ratio(resolved, resolved),
    onTime,
    onTimeJudged,
    onTimeRate: ratio(onTime, onTimeJudged),
    responded,
    responseDue,
    responseRate: ratio(responded, responseDue),
    followUpsReached: reached.length,
    satisfied,
    averageSatisfaction: ratio(
      reached.reduce((a, b) => a + b, 0),
      reached.length,
      2,
    ),
    satisfactionRate: ratio(satisfied, reached.length),
    followedUp,
    reopened: 0,
    reopenRate: ratio(0, followedUp),
    overdueNow: count((f) => f.overdue),
  };
}
const IN_XC = ['A1', 'A2', 'B1', 'B2', 'C1', 'E2'];

describe('GET /stats/series: the KPIs per bucket of time and per group, against a hand count', () => {
  const clock = new ManualClock(HAND_COUNT.A1!.at);
  let api: TestApi;
  const ids: Record<string, string> = {};
  const keys: Record<string, string> = {};
  /** Cookie and CSRF headers of signed-in people. */
  const people: Record<string, Record<string, string>> = {};

  const open = async (name: string, body: Record<string, unknown>) => {
    clock.set(HAND_COUNT[name]!.at);
    const f = HAND_COUNT[name]!;
    const reply = await api.call('POST', '/cases', {
      body: { ...body, unitCode: f.unit, category: f.category, channel: f.channel },
    });
    expect(reply.status).toBe(201);
    ids[name] = reply.body.id;
  };
  const send = async (name: string, type: string, payload: Record<string, unknown> = {}) => {
    const reply = await api.call('POST', `/cases/${ids[name]}/events`, { body: { type, payload } });
    expect({ name, type, status: reply.status, detail: reply.body.detail }).toMatchObject({ name, type, status: 200 });
  };
  const mediate = async (name: string) => {
    await send(name, 'ACCEPT');
    await send(name, 'CLASSIFY', { category: HAND_COUNT[name]!.category, riskLevel: 'medium' });
    await send(name, 'ASSIGN_MEDIATOR', { mediatorId: 'm-1', channel: 'people' });
  };
  async function signIn(name: string, roles: string[], scope: Record<string, string>) {
    const { username } = await api.personFor(roles as never, scope, PASSWORD);
    const signedIn = await api.call('POST', '/session', { key: null, body: { username, password: PASSWORD } });
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .join('; ');
    people[name] = { cookie, 'x-csrf-token': (signedIn.body as { csrfToken: string }).csrfToken };
  }
  /** GET /stats/series as a person (by name) or a key. */
  const series = (who: string, query = '') =>
    people[who]
      ? api.call('GET', `/stats/series${query}`, { key: null, headers: people[who] })
      : api.call('GET', `/stats/series${query}`, { key: keys[who] ?? who });
  const kpis = (who: string, query: string) =>
    api.call('GET', `/stats/kpis${query}`, { key: null, headers: people[who]! });
  const q = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;

  beforeAll(async () => {
    api = await startTestApi({ clock, config: ON_VERSION_1 });
    await seedDirectory(api);
    keys.auditor = await api.keyFor('auditor');
    keys.intake = await api.keyFor('intake');
    keys.mediator = await api.keyFor('mediator');
    keys.department = await api.keyFor('department', { departmentCode: 'JUSTICE' });

    await open('A1', dispute());
    await mediate('A1');
    await send('A1', 'CLOSE');
    await send('A1', 'RECORD_FOLLOW_UP', { satisfaction: 5, reached: true });
    await open('A2', dispute());
    await send('A2', 'ACCEPT');
    await open('B1', dispute());
    await send('B1', 'WITHDRAW', { reason: '自行和解' });
    await open('B2', petition());
    await send('B2', 'DECLINE', { reason: '属于诉讼范围' });
    await open('C1', dispute());
    await open('E2', dispute());
    await open('E1', dispute());
    await mediate('E1');
    clock.set(NOW);
    // Signed in now: a session signed in a month ago would have lapsed.
    await signIn('leader', ['leader'], { unitCode: 'XC' });
    await signIn('streetLeader', ['leader'], { unitCode: 'XC-XH' });
  });
  afterAll(() => api?.close());

  it('the workload is what the hand count says it is', async () => {
    const rows = await api.db.query<{ id: string; unit_code: string; category: string; channel: string }>(
      'SELECT id, unit_code, category, channel FROM cases',
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const [name, f] of Object.entries(HAND_COUNT)) {
      const row = byId.get(ids[name]!)!;
      expect({ name, unit: row.unit_code, category: row.category, channel: row.channel }).toEqual({
        name,
        unit: f.unit,
        category: f.category,
        channel: f.channel,
      });
    }
    // The whole workload through GET /stats/kpis, as the series below must count it.
    const all = await api.call('GET', '/stats/kpis', { key: keys.auditor });
    expect(all.body.totals).toEqual(expected(Object.keys(HAND_COUNT)));
  });

  it('by day and unit, for a district leader: China-time days, the district’s streets rolled up', async () => {
    const reply = await series('leader', q({ by: 'unit', interval: 'day', from: '2026-03-02', to: '2026-03-10' }));
    expect(reply.status).toBe(200);
    const body = reply.body;
    expect(body).toMatchObject({
      unitCode: 'XC',
      by: 'unit',
      interval: 'day',
      from: '2026-03-01T16:00:00.000Z',
      to: '2026-03-09T16:00:00.000Z',
      asOf: new Date(NOW).toISOString(),
    });
    expect(body.buckets.map((b: { label: string }) => b.label)).toEqual([
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
      '2026-03-08',
      '2026-03-09',
    ]);
    expect(body.buckets[1]).toEqual({
      start: '2026-03-02T16:00:00.000Z',
      end: '2026-03-03T16:00:00.000Z',
      label: '2026-03-03',
    });
    const day = (names: string[][]) => names.map(expected);
    expect(body.totals).toEqual(day([['A1', 'A2'], ['B1', 'B2'], [], [], [], [], [], ['C1']]));
    expect(body.groups.map((g: { key: string; name: string }) => [g.key, g.name])).toEqual([
      ['XC-XH', '新华街道'],
      ['XC-YL', '月坛街道'],
    ]);
    expect(body.groups[0].points).toEqual(day([['A1'], ['B1'], [], [], [], [], [], ['C1']]));
    expect(body.groups[1].points).toEqual(day([['A2'], ['B2'], [], [], [], [], [], []]));
    // The rates of a bucket, written out: Monday's two cases.
    expect(body.totals[0]).toMatchObject({
      received: 2,
      accepted: 2,
      resolved: 1,
      responseRate: 1,
      solveRate: 1,
      satisfactionRate: 1,
      onTimeRate: 0.5,
      overdueNow: 1,
    });
  });

  it('by ISO week and category, the first and last weeks cut to the period', async () => {
    const reply = await series('leader', q({ by: 'category', interval: 'week', from: '2026-03-01', to: '2026-04-02' }));
    expect(reply.status).toBe(200);
    const { buckets, totals, groups } = reply.body;
    expect(buckets.map((b: { label: string }) => b.label)).toEqual([
      '2026-W09',
      '2026-W10',
      '2026-W11',
      '2026-W12',
      '2026-W13',
      '2026-W14',
    ]);
    // Sunday 1 March is the last day of week 9; week 14 runs from Monday 30 March, cut at 2 April.
    expect(buckets[0]).toEqual({
      start: '2026-02-28T16:00:00.000Z',
      end: '2026-03-01T16:00:00.000Z',
      label: '2026-W09',
    });
    expect(buckets[5]).toEqual({
      start: '2026-03-29T16:00:00.000Z',
      end: '2026-04-01T16:00:00.000Z',
      label: '2026-W14',
    });
    expect(totals).toEqual([[], ['A1', 'A2', 'B1', 'B2'], ['C1'], [], [], ['E2']].map(expected));
    expect(Object.fromEntries(groups.map((g: { key: string; points: unknown[] }) => [g.key, g.points]))).toEqual({
      family: [[], ['B1'], [], [], [], []].map(expected),
      neighbour: [[], ['A1', 'A2'], ['C1'], [], [], ['E2']].map(expected),
      property_management: [[], ['B2'], [], [], [], []].map(expected),
    });
    expect(groups.every((g: { name: string | null }) => g.name === null)).toBe(true);
  });

  it('by month and channel: the month is China’s, so a case at 07:00 on 1 April is April’s', async () => {
    const reply = await series('leader', q({ by: 'channel', interval: 'month', from: '2026-03-01', to: '2026-05-01' }));
    expect(reply.status).toBe(200);
    expect(reply.body.buckets.map((b: { label: string }) => b.label)).toEqual(['2026-03', '2026-04']);
    expect(reply.body.totals).toEqual([expected(['A1', 'A2', 'B1', 'B2', 'C1']), expected(['E2'])]);
    expect(
      Object.fromEntries(
        reply.body.groups.map((g: { key: string; points: Array<{ received: number }> }) => [
          g.key,
          g.points.map((p) => p.received),
        ]),
      ),
    ).toEqual({ hotline: [1, 0], letter: [1, 0], walk_in: [3, 1] });
  });

  it('every bucket is what GET /stats/kpis answers for its bounds', async () => {
    for (const interval of ['day', 'week', 'month']) {
      const reply = await series(
        'leader',
        q({ by: 'riskLevel', interval, from: '2026-02-27', to: '2026-04-01T12:00:00+08:00' }),
      );
      expect(reply.status).toBe(200);
      const { buckets, totals } = reply.body as { buckets: Array<{ start: string; end: string }>; totals: unknown[] };
      let received = 0;
      for (const [i, bucket] of buckets.entries()) {
        const report = await kpis('leader', q({ from: bucket.start, to: bucket.end }));
        expect({ interval, i, figures: totals[i] }).toEqual({ interval, i, figures: report.body.totals });
        received += report.body.totals.received;
      }
      expect({ interval, received }).toEqual({ interval, received: IN_XC.length });
    }
  });

  it('defaults: grouped by unit, 30 days back ending today', async () => {
    const reply = await series('leader');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ by: 'unit', interval: 'day', to: new Date(NOW).toISOString() });
    expect(reply.body.buckets).toHaveLength(30);
    expect(reply.body.buckets[0]).toMatchObject({ start: '2026-03-02T16:00:00.000Z', label: '2026-03-03' });
    expect(reply.body.buckets[29]).toEqual({
      start: '2026-03-31T16:00:00.000Z',
      end: new Date(NOW).toISOString(),
      label: '2026-04-01',
    });
    expect(reply.body.totals.reduce((n: number, t: { received: number }) => n + t.received, 0)).toBe(4); // B1, B2, C1, E2
    const months = await series('leader', q({ interval: 'month' }));
    expect(months.body.buckets.map((b: { label: string }) => b.label)).toEqual([
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
    ]);
  });

  it('is scoped: a street leader sees only their street, the community as a group; outside units are not found', async () => {
    const street = await series('streetLeader', q({ interval: 'month', from: '2026-03-01' }));
    expect(street.status).toBe(200);
    expect(street.body.unitCode).toBe('XC-XH');
    expect(street.body.totals).toEqual([expected(['A1', 'B1', 'C1']), expected([])]);
    expect(street.body.groups.map((g: { key: string }) => g.key)).toEqual(['XC-XH-01']);
    expect(street.body.groups[0].points).toEqual(street.body.totals);

    const community = await series('streetLeader', q({ unitCode: 'XC-XH-01', interval: 'month', from: '2026-03-01' }));
    expect(community.status).toBe(200);
    // The community's own cases form its own group beside its grid's.
    expect(
      community.body.groups.map((g: { key: string; name: string; points: Array<{ received: number }> }) => [
        g.key,
        g.name,
        g.points[0]!.received,
      ]),
    ).toEqual([
      ['XC-XH-01', '新华社区', 2],
      ['XC-XH-01-G1', '新华社区第一网格', 1],
    ]);

    for (const outside of ['XC', 'XC-YL', 'DC', 'NOPE']) {
      const reply = await series('streetLeader', q({ unitCode: outside }));
      expect({ outside, status: reply.status, code: reply.body.code }).toEqual({
        outside,
        status: 404,
        code: 'not_found',
      });
    }
    // A reader of every unit: the top-level districts are the groups.
    const everyone = await series('auditor', q({ interval: 'month', from: '2026-04-01' }));
    expect(everyone.body.unitCode).toBeNull();
    expect(
      everyone.body.groups.map((g: { key: string; points: Array<{ received: number }> }) => [
        g.key,
        g.points[0]!.received,
      ]),
    ).toEqual([
      ['DC', 1],
      ['XC', 1],
    ]);
  });

  it('refuses a bad interval, grouping or span (400), and roles other than leaders, auditors and admins', async () => {
    for (const bad of [
      q({ interval: 'year' }),
      q({ by: 'department' }),
      q({ by: '' }),
      q({ interval: 'day', from: '2025-01-01', to: '2026-04-01' }),
      q({ interval: 'week', from: '2018-01-01' }),
      q({ from: '2026-03-05', to: '2026-03-05' }),
      q({ from: '2026-03-05', to: '2026-03-04' }),
      q({ from: 'yesterday' }),
      q({ extra: '1' }),
    ]) {
      const reply = await series('leader', bad);
      expect({ bad, status: reply.status }).toEqual({ bad, status: 400 });
      expect(reply.headers.get('content-type')).toMatch(/problem\+json/);
    }
    // 400 days exactly is allowed; the same span by month is short.
    expect((await series('leader', q({ interval: 'day', from: '2025-02-25', to: '2026-04-01' }))).status).toBe(200);
    expect((await series('leader', q({ interval: 'day', from: '2025-02-24', to: '2026-04-01' }))).status).toBe(400);
    expect((await series('leader', q({ interval: 'month', from: '2025-01-01', to: '2026-04-01' }))).status).toBe(200);

    for (const role of ['intake', 'mediator', 'department']) expect((await series(role)).status).toBe(403);
    expect((await api.call('GET', '/stats/series', { key: null })).status).toBe(401);
    expect((await series('auditor')).status).toBe(200);
    expect((await series(api.adminKey)).status).toBe(200);
  });

  it('records the read in the audit access log, in a few statements', async () => {
    const queries: string[] = [];
    const original = api.db.query.bind(api.db);
    api.db.query = (async (text: string, values?: unknown[]) => {
      queries.push(text);
      return original(text, values);
    }) as typeof api.db.query;
    try {
      expect(
        (await series('auditor', q({ unitCode: 'XC-XH', by: 'category', interval: 'week', from: '2026-03-01' })))
          .status,
      ).toBe(200);
    } finally {
      api.db.query = original;
    }
    // The unit lookup, the series, the access log.
    expect(queries.length).toBeLessThanOrEqual(3);
    const [last] = await api.db.query<{ principal_role: string; detail: Record<string, unknown> }>(
      `SELECT principal_role, detail FROM audit_access_log WHERE action = 'stats.series' ORDER BY at DESC, id DESC LIMIT 1`,
    );
    expect(last).toEqual({
      principal_role: 'auditor',
      detail: {
        unitCode: 'XC-XH',
        by: 'category',
        interval: 'week',
        from: '2026-02-28T16:00:00.000Z',
        to: new Date(NOW).toISOString(),
      },
    });
  });
});
