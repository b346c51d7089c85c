import fc from 'fast-check';
import { ManualClock } from '#clock';
import { loadDeadlineJobs } from '#deadlines';
import { CaseEngine } from '#engine';
import {
  dispute,
  openOnVersion,
  petition,
  rowCounts,
  seedDirectory,
  startTestApi,
  UNICODE_STRINGS,
  verifyChain,
  WRONG_TYPES,
  type TestApi,
} from './support/index.js';
import {
  disputeSampleEvents,
  disputeV2SampleEvents,
  petitionSampleEvents,
  petitionV2SampleEvents,
} from '../../../workflows/testing/sample-events.js';

/**
 * Property-based fuzzing of the real engine on PostgreSQL, through the API, on a manual clock: random
 * sequences of client events (valid or not for the state, some with mangled payloads, from every role) on a
 * few cases, referral answers from their departments and from others, and time passing with its deadlines
 * firing. Whatever the sequence: no 5xx; a refused request writes nothing; versions are contiguous; every hash
 * chain verifies; an archived case never changes again and waits for nothing. Seeded (FUZZ_SEED); a failure
 * prints the seed and the shrunk sequence.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20260302);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

type Kind = 'dispute' | 'petition';
/** A case kind on one of its machine versions: the runs mix cases of both versions, as a deployment does. */
type Machine = `${Kind}/${1 | 2}`;
type KeyName = 'intake' | 'mediator' | 'auditor' | 'department';
interface Mutation {
  how: 'drop' | 'wrong-type' | 'extra' | 'not-object' | 'long' | 'unicode' | 'type' | 'no-payload';
  n: number;
}
type Step =
  | {
      t: 'case';
      at: number;
      allowed: boolean;
      index: number;
      key: KeyName;
      mutation: Mutation | null;
      version: 'none' | 'current' | 'stale';
    }
  | { t: 'referral'; at: number; allowed: boolean; index: number; own: boolean; mutation: Mutation | null }
  | { t: 'time'; hours: number };
interface Run {
  /** Each case starts with the first `depth` events of its kind's known path, so runs reach deep states. */
  cases: Array<{ kind: Kind; version: 1 | 2; unitCode: string; depth: number }>;
  steps: Step[];
}

interface Payloaded {
  type: string;
  payload: Record<string, unknown>;
}
const THE_OTHER_CASE = '$other';
/** Stands for the time of the request (a delivery cannot be in the future). */
const NOW = '$now';
const referTo = (departments: Array<[string, 'lead' | 'assist']>, due?: number) => ({
  type: 'REFER',
  payload: {
    departments: departments.map(([code, role]) => ({ code, role })),
    instructions: '请核实处理',
    ...(due ? { dueInWorkingDays: due } : {}),
  },
});
const payloaded = (events: typeof disputeSampleEvents): Payloaded[] =>
  events.map(({ type, payload }) => ({ type, payload: payload as Record<string, unknown> }));
const disputeRows: Payloaded[] = [
  { type: 'REFER', payload: { departmentCode: 'JUSTICE', instructions: '请司法所调处' } },
  referTo(
    [
      ['JUSTICE', 'lead'],
      ['POLICE', 'assist'],
    ],
    2,
  ),
  referTo([['POLICE', 'lead']]),
  { type: 'REFER', payload: { departmentCode: 'HOUSING', instructions: '不在权责清单' } },
  { type: 'CLASSIFY', payload: { category: 'neighbour', riskLevel: 'high' } },
  { type: 'CLASSIFY', payload: { category: 'labour', riskLevel: 'critical' } },
  { type: 'CONVENE_JOINT_MEETING', payload: { departmentCodes: ['JUSTICE', 'POLICE'] } },
  { type: 'MERGE', payload: { intoCaseId: THE_OTHER_CASE } },
];
const petitionRows: Payloaded[] = [
  { type: 'ASSIGN_HANDLER', payload: { unitCode: 'XC-YL' } },
  { type: 'ASSIGN_HANDLER', payload: { departmentCode: 'HRSS' } },
  { type: 'FORWARD', payload: { departmentCode: 'HRSS' } },
];
/**
 * Every sample event of the machine (system ones included: a client sending one must be refused), plus ones
 * naming real rows.
 */
const POOLS: Record<Machine, Payloaded[]> = {
  'dispute/1': [...payloaded(disputeSampleEvents), ...disputeRows],
  'dispute/2': [...payloaded(disputeV2SampleEvents), ...disputeRows],
  'petition/1': [...payloaded(petitionSampleEvents), ...petitionRows],
  'petition/2': [
    ...payloaded(petitionV2SampleEvents),
    ...petitionRows,
    { type: 'MERGE', payload: { intoCaseId: THE_OTHER_CASE } },
    { type: 'DECLINE', payload: { reason: '已复核', ground: 'already_re_reviewed', relatedCaseId: THE_OTHER_CASE } },
    { type: 'DELIVER_OPINION', payload: { deliveredAt: NOW, method: 'in_person' } },
  ],
};
const disputePath: Payloaded[] = [
  { type: 'ACCEPT', payload: {} },
  { type: 'CLASSIFY', payload: { category: 'neighbour', riskLevel: 'medium' } },
  referTo([
    ['JUSTICE', 'lead'],
    ['POLICE', 'assist'],
  ]),
];
const PATHS: Record<Machine, Payloaded[]> = {
  'dispute/1': disputePath,
  'dispute/2': disputePath,
  'petition/1': [
    { type: 'ACCEPT', payload: {} },
    { type: 'ASSIGN_HANDLER', payload: { unitCode: 'XC-XH-01' } },
    { type: 'ISSUE_OPINION', payload: { opinion: '部分支持', supported: 'partial' } },
    { type: 'REQUEST_REVIEW', payload: { reason: '不服处理意见' } },
  ],
  'petition/2': [
    { type: 'ACCEPT', payload: { petitionType: 'claim' } },
    { type: 'ASSIGN_HANDLER', payload: { unitCode: 'XC-XH-01' } },
    { type: 'ISSUE_OPINION', payload: { opinion: '部分支持', supported: 'partial' } },
    { type: 'DELIVER_OPINION', payload: { deliveredAt: NOW, method: 'post', proof: 'EMS 1234' } },
    { type: 'REQUEST_REVIEW', payload: { reason: '不服处理意见' } },
  ],
};
const REFERRAL_POOL: Payloaded[] = [
  { type: 'ACKNOWLEDGE', payload: { note: '已报到' } },
  { type: 'ACCEPT', payload: {} },
  { type: 'REJECT', payload: { reason: '不属本部门职责' } },
  { type: 'PROGRESS', payload: { note: '已现场核查' } },
  { type: 'REPLY', payload: { resolved: true, result: '已处理完毕' } },
  { type: 'REPLY', payload: { resolved: false, result: '当事人拒绝配合' } },
  { type: 'CLOSE', payload: {} },
  { type: 'CANCEL', payload: { reason: '部门自行撤销' } },
];
const FINAL_REFERRAL = ['rejected', 'closed', 'cancelled'];

/** One request in five has something wrong with its body. */
const mutation: fc.Arbitrary<Mutation | null> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null) },
  fc.record({
    how: fc.constantFrom<Mutation['how']>(
      'drop',
      'wrong-type',
      'extra',
      'not-object',
      'long',
      'unicode',
      'unicode',
      'unicode',
      'type',
      'no-payload',
    ),
    n: fc.nat(1000),
  }),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('case' as const),
      at: fc.nat(2),
      allowed: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
      index: fc.noBias(fc.nat(1 << 20)),
      key: fc.constantFrom<KeyName>(
        'intake',
        'intake',
        'intake',
        'intake',
        'intake',
        'mediator',
        'mediator',
        'auditor',
        'department',
      ),
      mutation,
      version: fc.constantFrom('none', 'none', 'none', 'none', 'none', 'current', 'current', 'stale') as fc.Arbitrary<
        'none' | 'current' | 'stale'
      >,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('referral' as const),
      at: fc.nat(5),
      allowed: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
      index: fc.noBias(fc.nat(1 << 20)),
      own: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)),
      mutation,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('time' as const), hours: fc.constantFrom(1, 20, 72, 200, 500, 900) }),
  },
);
const run: fc.Arbitrary<Run> = fc.record({
  cases: fc.array(
    fc.oneof(
      fc.record({
        kind: fc.constant<Kind>('dispute'),
        version: fc.constantFrom<1 | 2>(1, 2),
        unitCode: fc.constantFrom('XC-XH-01-G1', 'XC-XH-01', 'XC-XH', 'XC-YL-01'),
        depth: fc.constantFrom(0, 1, 3, 3),
      }),
      fc.record({
        kind: fc.constant<Kind>('petition'),
        version: fc.constantFrom<1 | 2>(1, 2),
        unitCode: fc.constantFrom('XC-XH', 'XC-XH-01'),
        depth: fc.nat(5),
      }),
    ),
    { minLength: 1, maxLength: 3 },
  ),
  steps: fc.array(step, { minLength: 5, maxLength: 30, size: 'max' }),
});

/** The payload with one thing wrong with it (or, by chance, still right). */
function mangle(event: Payloaded, m: Mutation): { type: unknown; payload?: unknown } {
  const payload: Record<string, unknown> = structuredClone(event.payload);
  // Text goes where text is expected, so the event gets as far as it can (the state may well accept it).
  const texts = Object.keys(payload).filter((k) => typeof payload[k] === 'string');
  const keys = (m.how === 'unicode' || m.how === 'long') && texts.length ? texts : Object.keys(payload);
  const key = keys.length ? keys[m.n % keys.length]! : 'reason';
  switch (m.how) {
    case 'drop':
      delete payload[key];
      break;
    case 'wrong-type':
      payload[key] = structuredClone(WRONG_TYPES[m.n % WRONG_TYPES.length]);
      break;
    case 'extra':
      payload.unexpected = m.n;
      break;
    case 'not-object':
      return { type: event.type, payload: ['x', 1, [], null, true][m.n % 5] };
    case 'long':
      payload[key] = 'x'.repeat(m.n % 2 ? 4001 : 65);
      break;
    case 'unicode':
      payload[key] = `${String(payload[key] ?? '')}${UNICODE_STRINGS[m.n % UNICODE_STRINGS.length]}`;
      break;
    case 'type':
      return { type: [event.type.toLowerCase(), `${event.type} `, 'LAUNCH_ROCKET', 42, '', null][m.n % 6], payload };
    case 'no-payload':
      return { type: event.type };
  }
  return { type: event.type, payload };
}

describe('the engine, fuzzed through the API with random event sequences (fast-check)', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let engine: CaseEngine;
  const keys: Record<string, string> = {};
  const departmentKeys: Record<string, string> = {};
  const seen = {
    steps: 0,
    accepted: 0,
    refused: 0,
    closed: 0,
    fired: 0,
    referralAnswers: 0,
    states: new Set<string>(),
    statuses: new Map<number, number>(),
  };

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    engine = api.app.get(CaseEngine);
    keys.intake = await api.keyFor('intake');
    keys.mediator = await api.keyFor('mediator', { unitCode: 'XC-XH' });
    keys.auditor = await api.keyFor('auditor');
    for (const code of ['JUSTICE', 'POLICE', 'HOUSING', 'HRSS'])
      departmentKeys[code] = await api.keyFor('department', { departmentCode: code });
    keys.department = departmentKeys.JUSTICE!;
  });
  afterAll(() => api?.close());

  /** A request that must not fail with a 5xx: the status and body, read raw. */
  async function send(method: string, path: string, key: string, body?: unknown) {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 500)
      throw new Error(`${method} ${path} ${JSON.stringify(body)} answered ${response.status}: ${text}`);
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }
  const view = async (id: string) => (await send('GET', `/cases/${id}`, api.adminKey)).body;

  /** Fires, in due order, every pending deadline of these cases that is due by now, as the worker would. */
  async function fireDue(caseIds: string[]): Promise<void> {
    const due = await api.db.query<{ id: string }>(
      `SELECT id FROM deadlines WHERE case_id = ANY($1::uuid[]) AND status = 'pending' AND due_at <= $2 ORDER BY due_at, id`,
      [caseIds, clock.now()],
    );
    for (const job of await loadDeadlineJobs(
      api.db,
      due.map((d) => d.id),
    )) {
      if ((await engine.fireDeadline(job)).outcome === 'fired') seen.fired++;
    }
  }

  /** The event with the time of the request where it says NOW. */
  const timed = (event: Payloaded): Payloaded =>
    JSON.parse(JSON.stringify(event).replaceAll(`"${NOW}"`, JSON.stringify(clock.now().toISOString())));

  async function play({ cases: specs, steps }: Run): Promise<void> {
    const cases: Array<{ id: string; kind: Kind; machine: Machine; view: any; frozenAt: number | null }> = [];
    for (const spec of specs) {
      clock.advance(60_000);
      const body =
        spec.kind === 'dispute' ? dispute({ unitCode: spec.unitCode }) : petition({ unitCode: spec.unitCode });
      // New cases start on version 2; version-1 cases are those registered before it, still running.
      const id =
        spec.version === 2
          ? (await send('POST', '/cases', keys.intake!, body)).body.id
          : (await openOnVersion(api, 1, body)).id;
      const created = await send('GET', `/cases/${id}`, keys.intake!);
      expect({ status: created.status, machineVersion: created.body.machineVersion }).toEqual({
        status: 200,
        machineVersion: spec.version,
      });
      const machine: Machine = `${spec.kind}/${spec.version}`;
      cases.push({ id, kind: spec.kind, machine, view: created.body, frozenAt: null });
      for (const event of PATHS[machine].slice(0, spec.depth)) {
        clock.advance(60_000);
        const reply = await send('POST', `/cases/${id}/events`, keys.intake!, timed(event));
        if (reply.status !== 200) break; // e.g. a critical case below street level: the random steps take over
        cases.at(-1)!.view = reply.body;
      }
    }
    const referralStates = new Map<string, { state: string; urged: boolean; supervised: boolean; version: number }>();

    for (const s of steps) {
      clock.advance(60_000);
      const before = await rowCounts(api.db);
      let status = 200;
      let target = cases[0]!;
      if (s.t === 'time') {
        clock.advance(s.hours * 3_600_000);
        await fireDue(cases.map((c) => c.id));
      } else if (s.t === 'case') {
        target = cases[s.at % cases.length]!;
        const pool = POOLS[target.machine];
        const allowed = s.allowed ? pool.filter((e) => target.view.allowedEvents.includes(e.type)) : [];
        const event = (allowed.length ? allowed : pool)[s.index % (allowed.length || pool.length)]!;
        const other = cases.find((c) => c !== target)?.id ?? target.id;
        const named = JSON.parse(
          JSON.stringify(timed(event)).replace(`"${THE_OTHER_CASE}"`, `"${other}"`),
        ) as Payloaded;
        const body: Record<string, unknown> = s.mutation ? mangle(named, s.mutation) : { ...named };
        if (s.version !== 'none') body.expectedVersion = target.view.version - (s.version === 'stale' ? 1 : 0);
        status = (await send('POST', `/cases/${target.id}/events`, keys[s.key]!, body)).status;
      } else {
        const referrals = cases.flatMap((c) =>
          c.view.referrals.map((r: { id: string; departmentCode: string }) => ({ ...r, owner: c })),
        );
        if (!referrals.length) continue;
        const referral = referrals[s.at % referrals.length]!;
        target = referral.owner;
        const own = departmentKeys[referral.departmentCode]!;
        const key = s.own ? own : Object.values(departmentKeys).find((k) => k !== own)!;
        const allowedTypes: string[] = s.allowed
          ? (await send('GET', `/referrals/${referral.id}`, own)).body.allowedEvents
          : [];
        const allowed = REFERRAL_POOL.filter((e) => allowedTypes.includes(e.type));
        const event = (allowed.length ? allowed : REFERRAL_POOL)[s.index % (allowed.length || REFERRAL_POOL.length)]!;
        status = (
          await send('POST', `/referrals/${referral.id}/events`, key, s.mutation ? mangle(event, s.mutation) : event)
        ).status;
        if (status === 200 && ['REPLY', 'REJECT'].includes(event.type)) seen.referralAnswers++;
      }

      seen.steps++;
      seen.statuses.set(status, (seen.statuses.get(status) ?? 0) + 1);
      const previous = new Map(cases.map((c) => [c.id, c.view.version as number]));
      for (const c of cases) c.view = await view(c.id);
      if (status >= 400) {
        seen.refused++;
        expect({ step: s, status, rows: await rowCounts(api.db) }).toEqual({ step: s, status, rows: before });
        for (const c of cases)
          expect({ step: s, case: c.id, version: c.view.version }).toEqual({
            step: s,
            case: c.id,
            version: previous.get(c.id),
          });
      } else if (s.t !== 'time') {
        seen.accepted++;
        expect({ step: s, grew: target.view.version > previous.get(target.id)! }).toEqual({ step: s, grew: true });
      }
      for (const c of cases) {
        seen.states.add(`${c.machine}:${c.view.state}`);
        // An archived case never changes again, whatever was sent to it or to its referrals, or however late.
        if (c.frozenAt !== null)
          expect({ step: s, case: c.id, version: c.view.version }).toEqual({
            step: s,
            case: c.id,
            version: c.frozenAt,
          });
        else if (c.view.state === 'archive.closed') {
          c.frozenAt = c.view.version;
          seen.closed++;
        }
        for (const r of c.view.referrals as Array<{
          id: string;
          state: string;
          urged: boolean;
          supervised: boolean;
          version: number;
        }>) {
          const was = referralStates.get(r.id);
          if (was) {
            // Final referral states stay final; urged (催办) and supervised (督办) are never taken back.
            if (FINAL_REFERRAL.includes(was.state))
              expect({ referral: r.id, state: r.state, version: r.version }).toEqual({
                referral: r.id,
                state: was.state,
                version: was.version,
              });
            expect({
              referral: r.id,
              urged: was.urged && !r.urged,
              supervised: was.supervised && !r.supervised,
            }).toEqual({ referral: r.id, urged: false, supervised: false });
            expect(r.version).toBeGreaterThanOrEqual(was.version);
          }
          referralStates.set(r.id, r);
        }
      }
    }

    for (const c of cases) {
      // Versions are contiguous: the case is at version n with events 1..n, one each.
      const [events] = await api.db.query<{ n: string; min: number | null; max: number | null; version: number }>(
        `SELECT count(e.*) AS n, min(e.seq) AS min, max(e.seq) AS max, (SELECT version FROM cases WHERE id = $1) AS version
           FROM case_events e WHERE e.case_id = $1`,
        [c.id],
      );
      expect({ case: c.id, events: Number(events!.n), min: events!.min, max: events!.max }).toEqual({
        case: c.id,
        events: events!.version,
        min: 1,
        max: events!.version,
      });
      expect({ case: c.id, chain: await verifyChain(api.db, c.id) }).toEqual({
        case: c.id,
        chain: expect.objectContaining({ valid: true }),
      });
      if (c.view.state === 'archive.closed') {
        // A closed case waits for nothing: no clock runs, no referral is open.
        const [open] = await api.db.query<{ deadlines: string; referrals: string }>(
          `SELECT (SELECT count(*) FROM deadlines WHERE case_id = $1 AND status = 'pending') AS deadlines,
                  (SELECT count(*) FROM referrals WHERE case_id = $1 AND state <> ALL($2::text[])) AS referrals`,
          [c.id, FINAL_REFERRAL],
        );
        expect({ case: c.id, outcome: c.view.outcome !== null, ...open }).toEqual({
          case: c.id,
          outcome: true,
          deadlines: '0',
          referrals: '0',
        });
      }
    }
  }

  it('keeps every invariant across random runs', async () => {
    await fc.assert(fc.asyncProperty(run, play), { seed: SEED, numRuns: RUNS });
    process.stdout.write(
      `fuzz-engine: seed ${SEED}, ${RUNS} runs, ${seen.steps} steps: ${seen.accepted} accepted, ${seen.refused} refused, ` +
        `${seen.fired} deadlines fired, ${seen.referralAnswers} referral answers, ${seen.closed} cases archived, ${seen.states.size} states reached (${[...seen.states].sort().join(', ')}); statuses ${[
          ...seen.statuses,
        ]
          .sort()
          .map(([k, v]) => `${k}×${v}`)
          .join(' ')}\n`,
    );
    // The runs went deep: they archived cases, got referrals answered and deadlines fired, and were refused too.
    expect(seen.closed).toBeGreaterThan(0);
    expect(seen.referralAnswers).toBeGreaterThan(0);
    expect(seen.fired).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(seen.steps / 10);
    expect([...seen.states]).toEqual(
      expect.arrayContaining([
        'dispute/1:mediation.referred',
        'dispute/2:mediation.referred',
        'dispute/1:archive.closed',
        'dispute/2:archive.closed',
        'petition/1:archive.closed',
        'petition/2:archive.closed',
      ]),
    );
  }, 180_000);
});
