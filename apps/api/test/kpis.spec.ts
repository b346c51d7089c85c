import { ManualClock } from '#clock';
import {
  dispute,
  petition,
  seedDirectory,
  ON_VERSION_1,
  startTestApi,
  startTestWorker,
  type TestApi,
  type TestWorker,
} from './support/index.js';

const MONDAY = '2026-03-02T09:00:00+08:00';
const TUESDAY = '2026-03-03T10:00:00+08:00';
/** One second after Thursday's working day ends: the intake and triage clocks armed on Monday have breached. */
const FRIDAY_MIDNIGHT = '2026-03-06T00:00:01+08:00';
const FRIDAY_MORNING = '2026-03-06T09:00:00+08:00';
const NOW = '2026-03-06T10:00:00+08:00';

/**
 * What each case of the workload is, counted by hand from the steps below: its unit at the end (escalation
 * moves a case up; a petition's handler takes it over), its category, and each per-case fact of the KPI
 * definitions (libs/stats/src/kpis.ts).
 */
interface Facts {
  unit: string;
  category: string;
  accepted: boolean;
  resolved: boolean;
  concluded: boolean;
  judged: boolean;
  onTime: boolean;
  responded: boolean;
  responseDue: boolean;
  /** The satisfaction of a follow-up that reached the applicant. */
  reached: number | null;
  followedUp: boolean;
  reopened: boolean;
  overdue: boolean;
}
const base: Omit<Facts, 'unit' | 'category'> = {
  accepted: true,
  resolved: false,
  concluded: false,
  judged: true,
  onTime: true,
  responded: true,
  responseDue: true,
  reached: null,
  followedUp: false,
  reopened: false,
  overdue: false,
};
const HAND_COUNT: Record<string, Facts> = {
  // Accepted at once, mediated, closed resolved; followed up: satisfaction 3.
  D1: {
    ...base,
    unit: 'XC-XH-01-G1',
    category: 'neighbour',
    resolved: true,
    concluded: true,
    reached: 3,
    followedUp: true,
  },
  // Resolved, followed up unhappily (2), reopened, resolved again and followed up happily (4): the current follow-up counts.
  D2: {
    ...base,
    unit: 'XC-XH-01',
    category: 'neighbour',
    resolved: true,
    concluded: true,
    reached: 4,
    followedUp: true,
    reopened: true,
  },
  // Never acted on: the intake clock breached, the case escalated to the street (accepted, but late).
  D3: { ...base, unit: 'XC-XH', category: 'neighbour', onTime: false, responded: false },
  // Accepted on time, never routed: the triage clock breached and the case escalated to its street.
  D4: { ...base, unit: 'XC-YL', category: 'neighbour', onTime: false },
  // In mediation; its clock is past due and the worker has not fired it yet: overdue now.
  D5: { ...base, unit: 'XC-XH-01-G1', category: 'neighbour', onTime: false, overdue: true },
  // Withdrawn by the applicant within the intake time: neither accepted nor due a response.
  D6: { ...base, unit: 'XC-XH-01-G1', category: 'neighbour', accepted: false, responded: false, responseDue: false },
  // Another district, in mediation.
  D7: { ...base, unit: 'DC', category: 'neighbour' },
  // Referred to JUSTICE (answered Monday) and POLICE (urged, answered Friday): resolved; follow-up did not reach anyone.
  D8: { ...base, unit: 'XC-XH-01', category: 'neighbour', resolved: true, concluded: true, followedUp: true },
  // Referred to HOUSING, which was supervised and then rejected: back in triage.
  D9: { ...base, unit: 'XC-YL-01', category: 'property_management' },
  // Registered on Tuesday and accepted.
  D10: { ...base, unit: 'XC-YL-01', category: 'neighbour' },
  // A petition accepted, handed to the community, with an opinion issued: waits for the petitioner (no clock of the centre).
  P1: { ...base, unit: 'XC-XH-01', category: 'property_management' },
  // Forwarded (转送) and declined: acted on in time, never accepted.
  P2: { ...base, unit: 'XC-YL-01', category: 'property_management', accepted: false },
  P3: { ...base, unit: 'XC-XH-01-G1', category: 'property_management', accepted: false },
};

const PATHS: Record<string, string> = {
  XC: '/XC/',
  'XC-XH': '/XC/XC-XH/',
  'XC-XH-01': '/XC/XC-XH/XC-XH-01/',
  'XC-XH-01-G1': '/XC/XC-XH/XC-XH-01/XC-XH-01-G1/',
  'XC-YL': '/XC/XC-YL/',
  'XC-YL-01': '/XC/XC-YL/XC-YL-01/',
  DC: '/DC/',
};

const ratio = (n: number, d: number, digits = 4) => (d === 0 ? null : Number((n / d).toFixed(digits)));

/** The figures of a set of hand-counted cases, by the definitions. */
function expected(names: string[]) {
  const cases = names.map((n) => HAND_COUNT[n]!);
  const count = (p: (f: Facts) => boolean) => cases.filter(p).length;
  const reached = cases.filter((f) => f.reached !== null).map((f) => f.reached!);
  const received = cases.length;
  const accepted = count((f) => f.accepted);
  const resolved = count((f) => f.resolved);
  const concluded = count((f) => f.concluded);
  const onTime = count((f) => f.judged && f.onTime);
  const onTimeJudged = count((f) => f.judged);
  const responded = count((f) => f.responded);
  const responseDue = count((f) => f.responseDue);
  const satisfied = reached.filter((s) => s >= 4).length;
  const followedUp = count((f) => f.followedUp);
  const reopened = count((f) => f.reopened);
  return {
    received,
    accepted,
    resolved,
    concluded,
    resolutionRate: ratio(resolved, accepted),
    solveRate: ratio(resolved, concluded),
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
    reopened,
    reopenRate: ratio(reopened, followedUp),
    overdueNow: count((f) => f.overdue),
  };
}
/** The hand-counted cases owned by `unit` or any unit below it. */
const within = (unit: string) =>
  Object.keys(HAND_COUNT).filter((n) => PATHS[HAND_COUNT[n]!.unit]!.startsWith(PATHS[unit]!));

describe('KPIs over a driven workload, against a hand count', () => {
  const clock = new ManualClock(MONDAY);
  let api: TestApi;
  let worker: TestWorker;
  const ids: Record<string, string> = {};
  const keys: Record<string, string> = {};

  const open = async (name: string, body: Record<string, unknown>) => {
    const reply = await api.call('POST', '/cases', { body });
    expect(reply.status).toBe(201);
    ids[name] = reply.body.id;
  };
  const send = async (name: string, type: string, payload: Record<string, unknown> = {}) => {
    const reply = await api.call('POST', `/cases/${ids[name]}/events`, { body: { type, payload } });
    expect({ name, type, status: reply.status, detail: reply.body.detail }).toMatchObject({ name, type, status: 200 });
    return reply.body;
  };
  const act = async (department: string, referralId: string, type: string, payload: Record<string, unknown> = {}) => {
    const reply = await api.call('POST', `/referrals/${referralId}/events`, {
      key: keys[department],
      body: { type, payload },
    });
    expect({ department, type, status: reply.status, detail: reply.body.detail }).toMatchObject({
      department,
      type,
      status: 200,
    });
  };
  const kpis = (key: string, query = '') => api.call('GET', `/stats/kpis${query}`, { key });
  const mediate = async (name: string) => {
    await send(name, 'ACCEPT');
    await send(name, 'CLASSIFY', { category: 'neighbour', riskLevel: 'medium' });
    await send(name, 'ASSIGN_MEDIATOR', { mediatorId: 'm-1', channel: 'people' });
  };

  beforeAll(async () => {
    api = await startTestApi({ clock, config: ON_VERSION_1 });
    await seedDirectory(api);
    worker = await startTestWorker(api.config, api.db, clock);
    for (const code of ['JUSTICE', 'POLICE', 'HOUSING'])
      keys[code] = await api.keyFor('department', { departmentCode: code });
    keys.auditor = await api.keyFor('auditor');
    keys.streetAuditor = await api.keyFor('auditor', { unitCode: 'XC-XH' });
    keys.districtAdmin = await api.keyFor('admin', { unitCode: 'XC' });
    keys.intake = await api.keyFor('intake');
    keys.mediator = await api.keyFor('mediator');

    // Monday.
    await open('D1', dispute({ unitCode: 'XC-XH-01-G1' }));
    await mediate('D1');
    await send('D1', 'CLOSE');
    await send('D1', 'RECORD_FOLLOW_UP', { satisfaction: 3, reached: true });

    await open('D2', dispute({ unitCode: 'XC-XH-01' }));
    await mediate('D2');
    await send('D2', 'REACH_AGREEMENT', { terms: '楼上负责维修' });
    await send('D2', 'CLOSE');
    await send('D2', 'RECORD_FOLLOW_UP', { satisfaction: 2, reached: true });
    await send('D2', 'REOPEN', { reason: '回访不满意' });
    await send('D2', 'ASSIGN_MEDIATOR', { mediatorId: 'm-2', channel: 'people' });
    await send('D2', 'CLOSE');
    await send('D2', 'RECORD_FOLLOW_UP', { satisfaction: 4, reached: true });

    await open('D3', dispute({ unitCode: 'XC-XH-01' }));

    await open('D4', dispute({ unitCode: 'XC-YL-01' }));
    await send('D4', 'ACCEPT');

    await open('D5', dispute({ unitCode: 'XC-XH-01-G1' }));
    await mediate('D5');

    await open('D6', dispute({ unitCode: 'XC-XH-01-G1' }));
    await send('D6', 'WITHDRAW', { reason: '自行和解' });

    await open('D7', dispute({ unitCode: 'DC' }));
    await mediate('D7');

    await open('D8', dispute({ unitCode: 'XC-XH-01' }));
    await send('D8', 'ACCEPT');
    await send('D8', 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
    const d8 = await send('D8', 'REFER', {
      departments: [
        { code: 'JUSTICE', role: 'lead' },
        { code: 'POLICE', role: 'assist' },
      ],
      instructions: '请联合调处',
    });
    const d8Referrals = Object.fromEntries(
      d8.referrals.map((r: { departmentCode: string; id: string }) => [r.departmentCode, r.id]),
    );
    for (const type of ['ACKNOWLEDGE', 'ACCEPT']) await act('JUSTICE', d8Referrals.JUSTICE, type);
    await act('JUSTICE', d8Referrals.JUSTICE, 'REPLY', { resolved: true, result: '已调解' });

    await open('D9', dispute({ unitCode: 'XC-YL-01' }));
    await send('D9', 'ACCEPT');
    await send('D9', 'CLASSIFY', { category: 'property_management', riskLevel: 'low' });
    const d9 = await send('D9', 'REFER', {
      departmentCode: 'HOUSING',
      instructions: '请核查物业收费',
      dueInWorkingDays: 1,
    });
    const housing = d9.referrals[0].id as string;
    await act('HOUSING', housing, 'ACKNOWLEDGE');

    await open('P1', petition({ unitCode: 'XC-XH' }));
    await send('P1', 'ACCEPT');
    await send('P1', 'ASSIGN_HANDLER', { unitCode: 'XC-XH-01' });
    await send('P1', 'ISSUE_OPINION', { opinion: '责成物业整改', supported: 'full' });
    await open('P2', petition({ unitCode: 'XC-YL-01' }));
    await send('P2', 'FORWARD', { departmentCode: 'HOUSING' });
    await open('P3', petition({ unitCode: 'XC-XH-01-G1' }));
    await send('P3', 'DECLINE', { reason: '属于诉讼范围' });

    // Tuesday.
    clock.set(TUESDAY);
    await open('D10', dispute({ unitCode: 'XC-YL-01' }));
    await send('D10', 'ACCEPT');

    // Friday, just after midnight: the worker fires what came due (D3's intake, D4's triage, POLICE's
    // acknowledgement, HOUSING's one-day reply).
    clock.set(FRIDAY_MIDNIGHT);
    await worker.fireDue();

    // Friday morning: POLICE reports in late and answers; HOUSING rejects, late; D8 is followed up, unreached.
    clock.set(FRIDAY_MORNING);
    for (const type of ['ACKNOWLEDGE', 'ACCEPT']) await act('POLICE', d8Referrals.POLICE, type);
    await act('POLICE', d8Referrals.POLICE, 'REPLY', { resolved: true, result: '已处置' });
    await act('HOUSING', housing, 'REJECT', { reason: '不属于本部门职责' });
    await send('D8', 'RECORD_FOLLOW_UP', { satisfaction: 1, reached: false });
    // D5's mediation clock came due at 09:30 and the worker has not fired it yet.
    await api.db.query(
      `UPDATE deadlines SET due_at = $2 WHERE case_id = $1 AND key = 'dispute.mediation' AND kind = 'due' AND ended_at IS NULL`,
      [ids.D5, new Date('2026-03-06T09:30:00+08:00')],
    );
    clock.set(NOW);
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  it('the workload is what the hand count says it is', async () => {
    const rows = await api.db.query<{
      id: string;
      unit_code: string;
      category: string;
      state: string;
      outcome: string | null;
    }>('SELECT id, unit_code, category, state, outcome FROM cases');
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const [name, facts] of Object.entries(HAND_COUNT)) {
      expect({ name, unit: byId.get(ids[name]!)!.unit_code, category: byId.get(ids[name]!)!.category }).toEqual({
        name,
        unit: facts.unit,
        category: facts.category,
      });
    }
    const state = (name: string) => byId.get(ids[name]!)!.state;
    expect([state('D3'), state('D4'), state('D5'), state('D8'), state('D9'), state('P1')]).toEqual([
      'escalation.pending',
      'escalation.pending',
      'mediation.assigned',
      'archive.closed',
      'triage.assessing',
      'escalation.awaiting_review_request',
    ]);
  });

  it('totals: every figure, for a reader of every unit', async () => {
    const reply = await kpis(keys.auditor!);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      unitCode: null,
      from: null,
      to: new Date(NOW).toISOString(),
      asOf: new Date(NOW).toISOString(),
    });
    expect(reply.body.totals).toEqual(expected(Object.keys(HAND_COUNT)));
    // The same figures, written out: 13 received, 10 accepted, 3 resolved, …
    expect(reply.body.totals).toEqual({
      received: 13,
      accepted: 10,
      resolved: 3,
      concluded: 3,
      resolutionRate: 0.3,
      solveRate: 1,
      onTime: 10,
      onTimeJudged: 13,
      onTimeRate: 0.7692,
      responded: 11,
      responseDue: 12,
      responseRate: 0.9167,
      followUpsReached: 2,
      satisfied: 1,
      averageSatisfaction: 3.5,
      satisfactionRate: 0.5,
      followedUp: 3,
      reopened: 1,
      reopenRate: 0.3333,
      overdueNow: 1,
    });
  });

  it('rolls units up the hierarchy: a street counts its communities and grids, the district its streets', async () => {
    const reply = await kpis(keys.auditor!);
    const units = reply.body.byUnit as Array<{
      code: string;
      parentCode: string | null;
      level: string;
      received: number;
    }>;
    expect(units.map((u) => u.code)).toEqual(['DC', 'XC', 'XC-XH', 'XC-XH-01', 'XC-XH-01-G1', 'XC-YL', 'XC-YL-01']);
    for (const unit of units) {
      const { code, name, level, parentCode, ...figures } = unit as any;
      expect({ code, figures }).toEqual({ code, figures: expected(within(code)) });
    }
    const received = Object.fromEntries(units.map((u) => [u.code, u.received]));
    expect(received).toEqual({ DC: 1, XC: 12, 'XC-XH': 8, 'XC-XH-01': 7, 'XC-XH-01-G1': 4, 'XC-YL': 4, 'XC-YL-01': 3 });
    expect(units.find((u) => u.code === 'XC-XH-01')).toMatchObject({
      level: 'community',
      parentCode: 'XC-XH',
      name: '新华社区',
    });
  });

  it('by category', async () => {
    const reply = await kpis(keys.auditor!);
    const categories = reply.body.byCategory as Array<{ category: string }>;
    expect(categories.map((c) => c.category)).toEqual(['neighbour', 'property_management']);
    for (const { category, ...figures } of categories) {
      const names = Object.keys(HAND_COUNT).filter((n) => HAND_COUNT[n]!.category === category);
      expect({ category, figures }).toEqual({ category, figures: expected(names) });
    }
  });

  it('by department: received, answered, on time, rejected, resolved, urged (催办), supervised (督办)', async () => {
    const reply = await kpis(keys.auditor!);
    const departments = Object.fromEntries(
      (reply.body.byDepartment as Array<{ code: string }>).map(({ code, ...rest }) => [code, rest]),
    );
    expect(departments).toEqual({
      JUSTICE: {
        name: '司法所',
        received: 1,
        answered: 1,
        answeredOnTime: 1,
        onTimeRate: 1,
        rejected: 0,
        resolved: 1,
        urged: 0,
        supervised: 0,
      },
      // Urged for reporting in late; its reply clock runs from the acknowledgement, so the answer was on time.
      POLICE: {
        name: '派出所',
        received: 1,
        answered: 1,
        answeredOnTime: 1,
        onTimeRate: 1,
        rejected: 0,
        resolved: 1,
        urged: 1,
        supervised: 0,
      },
      HOUSING: {
        name: '住房和城乡建设委员会',
        received: 1,
        answered: 1,
        answeredOnTime: 0,
        onTimeRate: 0,
        rejected: 1,
        resolved: 0,
        urged: 0,
        supervised: 1,
      },
      HRSS: {
        name: '人力资源和社会保障局',
        received: 0,
        answered: 0,
        answeredOnTime: 0,
        onTimeRate: null,
        rejected: 0,
        resolved: 0,
        urged: 0,
        supervised: 0,
      },
    });
  });

  it('a period counts the cases registered in [from, to); a bare date is midnight China time', async () => {
    const fromTuesday = await kpis(keys.auditor!, '?from=2026-03-03');
    expect(fromTuesday.status).toBe(200);
    expect(fromTuesday.body).toMatchObject({ from: '2026-03-02T16:00:00.000Z' });
    expect(fromTuesday.body.totals).toEqual(expected(['D10']));
    // Referrals count by the day they were issued: all on Monday.
    expect(fromTuesday.body.byDepartment.every((d: { received: number }) => d.received === 0)).toBe(true);

    const monday = await kpis(keys.auditor!, '?from=2026-03-02&to=2026-03-03');
    expect(monday.body.totals).toEqual(expected(Object.keys(HAND_COUNT).filter((n) => n !== 'D10')));
    const instants = await kpis(
      keys.auditor!,
      `?from=${encodeURIComponent('2026-03-03T10:00:00+08:00')}&to=${encodeURIComponent('2026-03-03T10:00:00.001+08:00')}`,
    );
    expect(instants.body.totals.received).toBe(1);

    for (const bad of [
      '?from=yesterday',
      '?from=2026-02-30',
      '?to=2026-03-03T10:00',
      '?from=2026-03-05&to=2026-03-04',
      '?from=2026-03-05&to=2026-03-05',
      '?unitCode=x%20y',
      '?extra=1',
    ]) {
      const reply = await kpis(keys.auditor!, bad);
      expect({ bad, status: reply.status }).toEqual({ bad, status: 400 });
      expect(reply.headers.get('content-type')).toMatch(/problem\+json/);
    }
  });

  it('is scoped: a reader sees its own subtree; a unit outside it, or unknown, is not found', async () => {
    const street = await kpis(keys.streetAuditor!);
    expect(street.status).toBe(200);
    expect(street.body.unitCode).toBe('XC-XH');
    expect(street.body.totals).toEqual(expected(within('XC-XH')));
    expect(street.body.byUnit.map((u: { code: string }) => u.code)).toEqual(['XC-XH', 'XC-XH-01', 'XC-XH-01-G1']);
    // Department figures too cover only the referrals of cases in scope.
    const received = Object.fromEntries(
      street.body.byDepartment.map((d: { code: string; received: number }) => [d.code, d.received]),
    );
    expect(received).toEqual({ HOUSING: 0, HRSS: 0, JUSTICE: 1, POLICE: 1 });

    const community = await kpis(keys.streetAuditor!, '?unitCode=XC-XH-01');
    expect(community.status).toBe(200);
    expect(community.body.totals).toEqual(expected(within('XC-XH-01')));
    for (const outside of ['XC', 'XC-YL', 'XC-YL-01', 'DC', 'NOPE']) {
      const reply = await kpis(keys.streetAuditor!, `?unitCode=${outside}`);
      expect({ outside, status: reply.status, code: reply.body.code }).toEqual({
        outside,
        status: 404,
        code: 'not_found',
      });
    }

    const district = await kpis(keys.districtAdmin!);
    expect(district.body.totals).toEqual(expected(within('XC')));
    expect(district.body.byUnit.map((u: { code: string }) => u.code)).not.toContain('DC');
    const admin = await kpis(api.adminKey, '?unitCode=DC');
    expect(admin.body.totals).toEqual(expected(['D7']));
  });

  it('only auditors and admins read KPIs; an auditor’s read is in the audit access log', async () => {
    for (const role of ['intake', 'mediator']) expect((await kpis(keys[role]!)).status).toBe(403);
    expect((await kpis(keys.JUSTICE!)).status).toBe(403);
    expect((await api.call('GET', '/stats/kpis', { key: null })).status).toBe(401);

    const before = await api.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_access_log WHERE action = 'stats.kpis'`,
    );
    await kpis(keys.streetAuditor!, '?unitCode=XC-XH-01&from=2026-03-01');
    const [last] = await api.db.query<{ principal_role: string; detail: Record<string, unknown>; n: number }>(
      `SELECT principal_role, detail, (SELECT count(*)::int FROM audit_access_log WHERE action = 'stats.kpis') AS n
         FROM audit_access_log WHERE action = 'stats.kpis' ORDER BY at DESC, id DESC LIMIT 1`,
    );
    expect(last).toMatchObject({ principal_role: 'auditor', n: before[0]!.n + 1 });
    expect(last!.detail).toEqual({
      unitCode: 'XC-XH-01',
      from: '2026-02-28T16:00:00.000Z',
      to: new Date(NOW).toISOString(),
    });
  });

  it('answers in a few statements, however many units and cases', async () => {
    const queries: string[] = [];
    const original = api.db.query.bind(api.db);
    api.db.query = (async (text: string, values?: unknown[]) => {
      queries.push(text);
      return original(text, values);
    }) as typeof api.db.query;
    try {
      expect((await kpis(keys.auditor!, '?unitCode=XC')).status).toBe(200);
    } finally {
      api.db.query = original;
    }
    // The unit lookup, the report, the access log; API key lookups are cached.
    expect(queries.length).toBeLessThanOrEqual(3);
  });
});
