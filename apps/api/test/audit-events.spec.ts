import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PointInTime, auditEventsStatement, csvField, type AuditCursor, type AuditEventFilter } from '#audit';
import { ManualClock } from '#clock';
import { loadDeadlineJobs } from '#deadlines';
import { CaseEngine } from '#engine';
import { dispute, petition, seedDirectory, ON_VERSION_1, startTestApi, type TestApi } from './support/index.js';

// A forced collection before each memory sample measures what the export keeps alive, not garbage not yet collected.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MONDAY = '2026-03-02T09:00:00+08:00';
/** A note that CSV must quote: commas, double quotes, CR LF and LF. */
const AWKWARD = '第一行, with "quotes", commas\r\nsecond line\nthird, "end"';

interface Event {
  caseId: string;
  seq: number;
  type: string;
  at: string;
  state: string;
  unitCode: string;
  referralId?: string;
  actor: { id: string; role: string };
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

describe('audit: point in time, event query and export', () => {
  const clock = new ManualClock(MONDAY);
  let api: TestApi;
  let mediator: string;
  let justice: string;
  let police: string;
  let auditor: { id: string; key: string };
  /** An auditor whose scope is 月坛街道 (XC-YL) only. */
  let yuetanAuditor: { id: string; key: string };
  const cases: Record<string, string> = {};

  const tick = (ms = 60_000) => clock.advance(ms);
  const ok = (what: string, reply: { status: number; body: any }, status = 200) => {
    if (reply.status !== status) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  const open = async (name: string, body: Record<string, unknown>, key = mediator) => {
    tick();
    cases[name] = ok(`open ${name}`, await api.call('POST', '/cases', { key, body }), 201).id;
    return cases[name]!;
  };
  const send = async (name: string, type: string, payload: Record<string, unknown> = {}, key = mediator) => {
    tick();
    return ok(
      `${name} ${type}`,
      await api.call('POST', `/cases/${cases[name]}/events`, { key, body: { type, payload } }),
    );
  };
  const act = async (key: string, referralId: string, type: string, payload: Record<string, unknown> = {}) => {
    tick();
    return ok(
      `referral ${type}`,
      await api.call('POST', `/referrals/${referralId}/events`, { key, body: { type, payload } }),
    );
  };
  const referralsOf = async (name: string) =>
    ok('case', await api.call('GET', `/cases/${cases[name]}`)).referrals as Array<{
      id: string;
      departmentCode: string;
      state: string;
    }>;
  /** Fires, in due order, every pending deadline of the case that is due by now, as the worker would. */
  const fireDue = async (name: string) => {
    const due = await api.db.query<{ id: string }>(
      `SELECT id FROM deadlines WHERE case_id = $1 AND status = 'pending' AND due_at <= $2 ORDER BY due_at, id`,
      [cases[name], clock.now()],
    );
    const engine = api.app.get(CaseEngine);
    for (const job of await loadDeadlineJobs(
      api.db,
      due.map((d) => d.id),
    ))
      await engine.fireDeadline(job);
    return due.length;
  };
  const history = async (id: string) =>
    ok('history', await api.call('GET', `/cases/${id}/history?limit=200`)).items as Event[];
  const newKey = async (body: Record<string, unknown>) =>
    ok('key', await api.call('POST', '/api-keys', { body: { name: 'Auditor', ...body } }), 201) as {
      id: string;
      key: string;
    };

  beforeAll(async () => {
    api = await startTestApi({ clock, config: ON_VERSION_1 });
    await seedDirectory(api);
    mediator = await api.keyFor('mediator', { unitCode: 'XC-XH' });
    justice = await api.keyFor('department', { departmentCode: 'JUSTICE' });
    police = await api.keyFor('department', { departmentCode: 'POLICE' });
    auditor = await newKey({ role: 'auditor', name: '审计员 吴' });
    yuetanAuditor = await newKey({ role: 'auditor', name: '月坛审计员', unitCode: 'XC-YL' });

    // Mediated to agreement and closed, with a party added, an awkward note and a deadline extension.
    await open('mediated', dispute());
    await send('mediated', 'ACCEPT');
    await send('mediated', 'CLASSIFY', { category: 'neighbour', riskLevel: 'low', tags: ['water_leak'] });
    await send('mediated', 'ADD_PARTY', {
      role: 'third_party',
      name: '张三',
      phone: '13700000000',
      vulnerable: ['elderly'],
    });
    await send('mediated', 'ASSIGN_MEDIATOR', { mediatorId: 'mediator-li', channel: 'people' });
    await send('mediated', 'SCHEDULE_SESSION', { at: '2026-03-05T14:00:00+08:00', location: '新华社区调解室' });
    await send('mediated', 'ADD_NOTE', { text: AWKWARD });
    await send('mediated', 'RECORD_SESSION', { notes: '双方接近一致', outcome: 'agreement' });
    await send('mediated', 'EXTEND_DEADLINE', { days: 15, reason: '当事人要求延长' });
    await send('mediated', 'REACH_AGREEMENT', { terms: '李大华两周内修复防水并赔偿2000元' });
    await send('mediated', 'CLOSE');
    await send('mediated', 'RECORD_FOLLOW_UP', { satisfaction: 5, comment: '满意', reached: true });

    // Mediation fails and the case escalates to the street, which takes it on.
    await open('failed', dispute({ summary: '物业费纠纷' }));
    await send('failed', 'ACCEPT');
    await send('failed', 'CLASSIFY', { category: 'neighbour', riskLevel: 'medium' });
    await send('failed', 'ASSIGN_MEDIATOR', { mediatorId: 'mediator-li', channel: 'people' });
    await send('failed', 'MEDIATION_FAILED', { reason: '被申请人拒绝调解' });
    await send('failed', 'ASSIGN_MEDIATOR', { mediatorId: 'street-mediator', channel: 'administrative' });

    // Referred to two departments: one rejects (the other is cancelled), then one department replies.
    await open('referred', dispute({ summary: '噪音扰民' }));
    await send('referred', 'ACCEPT');
    await send('referred', 'CLASSIFY', { category: 'neighbour', riskLevel: 'medium' });
    await send('referred', 'REFER', {
      departments: [
        { code: 'JUSTICE', role: 'lead' },
        { code: 'POLICE', role: 'assist' },
      ],
      instructions: '请司法所牵头、派出所协助调处',
      dueInWorkingDays: 3,
    });
    const first = Object.fromEntries((await referralsOf('referred')).map((r) => [r.departmentCode, r.id]));
    await act(police, first.POLICE!, 'ACKNOWLEDGE', { note: '已报到' });
    await act(justice, first.JUSTICE!, 'ACKNOWLEDGE');
    await act(justice, first.JUSTICE!, 'REJECT', { reason: '不属于本所职责' });
    await send('referred', 'REFER', { departmentCode: 'POLICE', instructions: '请派出所调处' });
    const second = (await referralsOf('referred')).find((r) => r.state === 'issued')!.id;
    await act(police, second, 'ACKNOWLEDGE');
    await act(police, second, 'ACCEPT');
    await act(police, second, 'PROGRESS', { note: '已上门调查' });
    await act(police, second, 'REPLY', { resolved: true, result: '双方和解' });

    // Urged (催办) by its acknowledgement clock; a case nobody accepted escalated by its intake clock (after two warnings).
    await open('urged', dispute({ summary: '邻里通道堵塞' }));
    await send('urged', 'ACCEPT');
    await send('urged', 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
    await send('urged', 'REFER', { departmentCode: 'JUSTICE', instructions: '请司法所调处' });
    await open('ignored', dispute({ summary: '无人受理的纠纷' }));
    tick(4 * 86_400_000);
    expect(await fireDue('urged')).toBeGreaterThan(0);
    expect(await fireDue('ignored')).toBeGreaterThan(0);
    await act(justice, (await referralsOf('urged'))[0]!.id, 'ACKNOWLEDGE');

    await open('withdrawn', dispute({ summary: '撤回的纠纷' }));
    await send('withdrawn', 'ACCEPT');
    await send('withdrawn', 'WITHDRAW', { reason: '申请人撤回' });

    await open('critical', dispute({ summary: '涉众纠纷' }));
    await send('critical', 'ACCEPT');
    await send('critical', 'CLASSIFY', { category: 'neighbour', riskLevel: 'critical' });
    await send('critical', 'ESCALATE', { reason: '涉众风险高' });
    await send('critical', 'CONVENE_JOINT_MEETING', { departmentCodes: ['JUSTICE', 'POLICE'], agenda: '联席研判' });

    await open('petition', petition());
    await send('petition', 'ACCEPT');
    await send('petition', 'ASSIGN_HANDLER', { unitCode: 'XC-XH-01', departmentCode: 'HOUSING' });
    await send('petition', 'EXTEND_DEADLINE', { days: 30, reason: '需要现场调查取证' });
    await send('petition', 'ISSUE_OPINION', { opinion: '责成物业退还多收停车费', supported: 'partial' });
    await send('petition', 'REQUEST_REVIEW', { reason: '对处理意见不服' });
    await send('petition', 'ISSUE_REVIEW_OPINION', { opinion: '维持原处理意见' });

    // A case of 月坛街道, outside the mediator's scope: registered by the admin.
    await open('yuetan', dispute({ unitCode: 'XC-YL-01', summary: '月坛社区纠纷' }), api.adminKey);
    await send('yuetan', 'ACCEPT', {}, api.adminKey);
    await send('yuetan', 'ADD_NOTE', { text: '月坛' }, api.adminKey);
    tick();
  }, 120_000);
  afterAll(() => api.close());

  describe('point in time', () => {
    it('rebuilds every case of the workload, at now, to exactly its stored state', async () => {
      const all = await api.db.query<{ id: string }>('SELECT id FROM cases ORDER BY id');
      expect(all).toHaveLength(Object.keys(cases).length);
      for (const { id } of all) {
        const stored = ok('case', await api.call('GET', `/cases/${id}`));
        const rebuilt = ok('state', await api.call('GET', `/audit/cases/${id}/state`, { key: auditor.key }));
        expect({ id, ...rebuilt }).toMatchObject({
          id,
          caseId: id,
          asOf: clock.now().toISOString(),
          matchesStored: true,
          divergence: null,
          state: stored.state,
          stage: stored.stage,
          version: stored.version,
          seq: stored.version,
          unitCode: stored.unitCode,
        });
        const referrals = (r: Array<{ id: string; departmentCode: string; state: string }>) =>
          r
            .map(({ id: rid, departmentCode, state }) => ({ id: rid, departmentCode, state }))
            .sort((a, b) => a.id.localeCompare(b.id));
        expect(referrals(rebuilt.referrals)).toEqual(referrals(stored.referrals));
      }
      // The workload took the paths it was meant to.
      const states = Object.fromEntries(
        await Promise.all(
          Object.entries(cases).map(async ([name, id]) => [
            name,
            ok('case', await api.call('GET', `/cases/${id}`)).state,
          ]),
        ),
      );
      expect(states).toEqual({
        mediated: 'archive.closed',
        failed: 'mediation.assigned',
        referred: 'archive.follow_up',
        urged: 'mediation.referred',
        ignored: 'escalation.pending',
        withdrawn: 'archive.closed',
        critical: 'escalation.joint_meeting',
        petition: 'escalation.awaiting_re_review_request',
        yuetan: 'triage.assessing',
      });
    });

    it('compares what it rebuilds with what is stored, and says when they differ', async () => {
      const pit = new PointInTime(api.db);
      const id = cases.withdrawn!;
      expect((await pit.rebuild(id, clock.now())).matchesStored).toBe(true);
      // The stored snapshot is altered behind the engine's back: the rebuild from the events no longer matches it.
      await api.db.query(
        `UPDATE cases SET snapshot = jsonb_set(snapshot, '{context,outcome}', '"resolved"') WHERE id = $1`,
        [id],
      );
      try {
        expect((await pit.rebuild(id, clock.now())).matchesStored).toBe(false);
      } finally {
        await api.db.query(
          `UPDATE cases SET snapshot = jsonb_set(snapshot, '{context,outcome}', '"withdrawn"') WHERE id = $1`,
          [id],
        );
      }
      expect((await pit.rebuild(id, clock.now())).matchesStored).toBe(true);
      const referred = cases.referred!;
      await api.db.query(
        `UPDATE referrals SET snapshot = jsonb_set(snapshot, '{context,urged}', 'true') WHERE case_id = $1 AND state = 'closed'`,
        [referred],
      );
      expect((await pit.rebuild(referred, clock.now())).matchesStored).toBe(false);
      await api.db.query(
        `UPDATE referrals SET snapshot = jsonb_set(snapshot, '{context,urged}', 'false') WHERE case_id = $1 AND state = 'closed'`,
        [referred],
      );
      expect((await pit.rebuild(referred, clock.now())).matchesStored).toBe(true);
    });

    it('gives, at each event’s instant and just before the next, the state and version that event left', async () => {
      const pit = new PointInTime(api.db);
      for (const id of Object.values(cases)) {
        const events = await history(id);
        for (const [i, event] of events.entries()) {
          // Events of one transaction (a reply and the case's REFERRAL_REPLIED) share an instant: the last one counts.
          const last = events.filter((e) => e.at <= event.at).at(-1)!;
          const lastCase = events.filter((e) => e.at <= event.at && !e.referralId).at(-1)!;
          const expected = { seq: last.seq, version: last.seq, state: lastCase.state, unitCode: last.unitCode };
          const next = events[i + 1];
          const instants = [
            new Date(event.at),
            ...(next && next.at > event.at ? [new Date(Date.parse(next.at) - 1)] : []),
          ];
          for (const asOf of instants) {
            const rebuilt = await pit.rebuild(id, asOf);
            expect(rebuilt).toMatchObject({ caseId: id, asOf: asOf.toISOString(), ...expected, divergence: null });
            expect(rebuilt.matchesStored).toBe(last.seq === events.length ? true : null);
          }
        }
      }
    });

    it('rebuilds the referrals as they stood: issued, then one rejected and one cancelled', async () => {
      const id = cases.referred!;
      const events = await history(id);
      const refer = events.find((e) => e.type === 'REFER')!;
      const reject = events.find((e) => e.type === 'REJECT')!;
      const atRefer = ok(
        'state',
        await api.call('GET', `/audit/cases/${id}/state?asOf=${encodeURIComponent(refer.at)}`, { key: auditor.key }),
      );
      expect(atRefer).toMatchObject({ seq: refer.seq, state: 'mediation.referred', matchesStored: null });
      expect(
        atRefer.referrals.map((r: { departmentCode: string; state: string }) => [r.departmentCode, r.state]),
      ).toEqual([
        ['JUSTICE', 'issued'],
        ['POLICE', 'issued'],
      ]);
      expect(atRefer.referrals[0].snapshot.context).toMatchObject({
        instructions: '请司法所牵头、派出所协助调处',
        dueInWorkingDays: 3,
        role: 'lead',
      });
      const afterReject = ok(
        'state',
        await api.call('GET', `/audit/cases/${id}/state?asOf=${encodeURIComponent(reject.at)}`, { key: auditor.key }),
      );
      expect(afterReject.state).toBe('triage.assessing');
      expect(
        afterReject.referrals.map((r: { departmentCode: string; state: string }) => [r.departmentCode, r.state]),
      ).toEqual([
        ['JUSTICE', 'rejected'],
        ['POLICE', 'cancelled'],
      ]);
    });

    it('answers 404 before the case was registered, and for a case outside the reader’s scope', async () => {
      const id = cases.mediated!;
      const [registered] = await history(id);
      const before = new Date(Date.parse(registered!.at) - 1).toISOString();
      const early = await api.call('GET', `/audit/cases/${id}/state?asOf=${before}`, { key: auditor.key });
      expect(early.status).toBe(404);
      expect(early.body).toMatchObject({ code: 'not_found', detail: `The case did not exist yet at ${before}.` });
      const at = await api.call('GET', `/audit/cases/${id}/state?asOf=${registered!.at}`, { key: auditor.key });
      expect(at.body).toMatchObject({ seq: 1, state: 'intake.registered', version: 1 });

      expect((await api.call('GET', `/audit/cases/${id}/state`, { key: yuetanAuditor.key })).status).toBe(404);
      expect((await api.call('GET', `/audit/cases/${cases.yuetan}/state`, { key: yuetanAuditor.key })).status).toBe(
        200,
      );
      expect(
        (await api.call('GET', '/audit/cases/00000000-0000-4000-8000-000000000000/state', { key: auditor.key })).status,
      ).toBe(404);
      expect((await api.call('GET', '/audit/cases/not-a-uuid/state', { key: auditor.key })).status).toBe(404);
      for (const asOf of ['yesterday', '2026-03-02', '2026-03-02T09:00', '2026-02-30T09:00:00Z']) {
        const bad = await api.call('GET', `/audit/cases/${id}/state?asOf=${asOf}`, { key: auditor.key });
        expect({ asOf, status: bad.status, fields: bad.body.errors?.map((e: { field: string }) => e.field) }).toEqual({
          asOf,
          status: 400,
          fields: expect.arrayContaining(['asOf']),
        });
      }
    });
  });

  describe('the event query', () => {
    /** Every page of `query`, `limit` at a time. */
    async function allPages(query: Record<string, string>, key = auditor.key, limit = 7) {
      const items: Event[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const params = new URLSearchParams({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
        const page = ok('events', await api.call('GET', `/audit/events?${params}`, { key }));
        expect(page.items.length).toBeLessThanOrEqual(limit);
        items.push(...page.items);
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      return { items, pages };
    }
    const keyOf = (e: { caseId?: string; case_id?: string; seq: number }) => `${e.caseId ?? e.case_id}#${e.seq}`;
    const sqlKeys = async (where: string, params: unknown[]) =>
      (
        await api.db.query<{ case_id: string; seq: number }>(
          `SELECT e.case_id, e.seq FROM case_events e WHERE ${where}`,
          params,
        )
      )
        .map(keyOf)
        .sort();

    it('pages through every event exactly once, in (at, caseId, seq) order', async () => {
      const { items, pages } = await allPages({}, auditor.key, 5);
      const all = await sqlKeys('true', []);
      expect(pages).toBe(Math.ceil(all.length / 5));
      expect(items.map(keyOf).sort()).toEqual(all);
      expect(new Set(items.map(keyOf)).size).toBe(items.length);
      const order = items.map((e) => [e.at, e.caseId, e.seq] as const);
      const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      const sorted = [...order].sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]) || a[2] - b[2]);
      expect(order).toEqual(sorted);
      // Each item carries the hashed fields and the chain's hashes, like GET /cases/:id/history.
      const [entry] = await history(items[0]!.caseId);
      expect(items[0]).toEqual({ ...entry, caseId: items[0]!.caseId });
    });

    it.each([
      ['caseId', () => ({ caseId: cases.referred! }), 'e.case_id = $1', () => [cases.referred]],
      ['type', () => ({ type: 'ACKNOWLEDGE' }), 'e.type = $1', () => ['ACKNOWLEDGE']],
      ['actor', () => ({ actor: 'system:referrals' }), `e.actor ->> 'id' = $1`, () => ['system:referrals']],
      [
        'departmentCode',
        () => ({ departmentCode: 'POLICE' }),
        `(e.referral_id IN (SELECT id FROM referrals WHERE department_code = $1)
          OR (e.case_id, e.seq) IN (SELECT case_id, issued_seq FROM referrals WHERE department_code = $1))`,
        () => ['POLICE'],
      ],
      [
        'unitCode',
        () => ({ unitCode: 'XC-XH-01' }),
        `e.unit_code IN (SELECT code FROM units WHERE path LIKE (SELECT path FROM units WHERE code = $1) || '%')`,
        () => ['XC-XH-01'],
      ],
    ] as const)('filters by %s, returning exactly the matching events', async (_, query, where, params) => {
      const expected = await sqlKeys(where, [...params()]);
      expect(expected.length).toBeGreaterThan(2);
      const { items } = await allPages(query() as Record<string, string>, auditor.key, 3);
      expect(items.map(keyOf).sort()).toEqual(expected);
    });

    it('filters by department: its referrals’ events and the REFERs that issued them', async () => {
      const { items } = await allPages({ departmentCode: 'JUSTICE' });
      const refers = items.filter((e) => e.type === 'REFER');
      expect(refers.map((e) => e.caseId).sort()).toEqual([cases.referred, cases.urged].sort());
      expect(items.filter((e) => e.type !== 'REFER').every((e) => e.referralId !== undefined)).toBe(true);
      expect(items.map((e) => e.type)).toEqual(expect.arrayContaining(['ACKNOWLEDGE', 'REJECT', 'DEADLINE_ELAPSED']));
      // A joint meeting names the department but is no referral of it.
      expect(items.map((e) => e.type)).not.toContain('CONVENE_JOINT_MEETING');
    });

    it('answers a department with the events its referrals define, with any other filter, in order, for any scope', async () => {
      // A case of 东城区 referred to POLICE, and an auditor of 东城区 only: a scope that keeps some of a department's events.
      await open('dongcheng', dispute({ unitCode: 'DC', summary: '东城纠纷' }), api.adminKey);
      await send('dongcheng', 'ACCEPT', {}, api.adminKey);
      await send('dongcheng', 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' }, api.adminKey);
      await send('dongcheng', 'REFER', { departmentCode: 'POLICE', instructions: '请派出所调处' }, api.adminKey);
      await act(police, (await referralsOf('dongcheng'))[0]!.id, 'ACKNOWLEDGE');
      const dongchengAuditor = await newKey({ role: 'auditor', name: '东城审计员', unitCode: 'DC' });
      // The engine lists each event under its departments as it writes it: exactly what the referrals define
      // (and what the migration fills in for events written before).
      const order = 'ORDER BY department_code, at, case_id, seq';
      const written = await api.db.query(
        `SELECT department_code, at, case_id, seq FROM case_event_departments ${order}`,
      );
      const defined = await api.db.query(
        `SELECT r.department_code, e.at, e.case_id, e.seq FROM case_events e JOIN referrals r ON r.id = e.referral_id
         UNION
         SELECT r.department_code, e.at, e.case_id, e.seq FROM referrals r JOIN case_events e ON e.case_id = r.case_id AND e.seq = r.issued_seq
          WHERE e.type = 'REFER' AND e.referral_id IS NULL ${order}`,
      );
      expect(written).toEqual(defined);
      expect(new Set(written.map((r) => (r as { department_code: string }).department_code))).toEqual(
        new Set(['JUSTICE', 'POLICE']),
      );

      const referred = await history(cases.referred!);
      const seen = new Set<string>();
      const window = { from: referred[3]!.at, to: referred[9]!.at };
      for (const departmentCode of ['POLICE', 'JUSTICE', 'HOUSING']) {
        for (const extra of [
          {},
          { type: 'ACKNOWLEDGE' },
          { caseId: cases.referred! },
          window,
          { unitCode: 'XC-XH' },
          { type: 'REFER', ...window },
        ]) {
          for (const [scope, key] of [
            [null, auditor.key],
            ['/XC/XC-YL/', yuetanAuditor.key],
            ['/DC/', dongchengAuditor.key],
          ] as const) {
            const conditions = [
              `(e.referral_id IN (SELECT id FROM referrals WHERE department_code = $1)
                OR (e.case_id, e.seq) IN (SELECT case_id, issued_seq FROM referrals WHERE department_code = $1))`,
            ];
            const params: unknown[] = [departmentCode];
            const param = (v: unknown) => `$${params.push(v)}`;
            const f = extra as Record<string, string>;
            if (f.type) conditions.push(`e.type = ${param(f.type)}`);
            if (f.caseId) conditions.push(`e.case_id = ${param(f.caseId)}`);
            if (f.from) conditions.push(`e.at >= ${param(f.from)} AND e.at < ${param(f.to)}`);
            if (f.unitCode)
              conditions.push(
                `e.unit_code IN (SELECT code FROM units WHERE path LIKE (SELECT path FROM units WHERE code = ${param(f.unitCode)}) || '%')`,
              );
            if (scope)
              conditions.push(
                `e.case_id IN (SELECT c.id FROM cases c JOIN units u ON u.code = c.unit_code WHERE u.path LIKE ${param(scope)} || '%')`,
              );
            const want = (
              await api.db.query<{ case_id: string; seq: number }>(
                `SELECT e.case_id, e.seq FROM case_events e WHERE ${conditions.join(' AND ')} ORDER BY e.at, e.case_id, e.seq`,
                params,
              )
            ).map(keyOf);
            const { items } = await allPages({ departmentCode, ...f }, key, 2);
            if (departmentCode === 'POLICE' && !Object.keys(f).length) seen.add(`${scope}: ${items.length > 0}`);
            expect({ departmentCode, extra, scope, items: items.map(keyOf) }).toEqual({
              departmentCode,
              extra,
              scope,
              items: want,
            });
          }
        }
      }
      // POLICE's events are found unscoped and in 东城区, and none in 月坛.
      expect(seen).toEqual(new Set(['null: true', '/XC/XC-YL/: false', '/DC/: true']));
    });

    it('filters by actor with a principal id, by a time window, and by several filters at once', async () => {
      const [event] = (await history(cases.mediated!)).filter((e) => e.type === 'ACCEPT');
      const mediatorId = event!.actor.id;
      expect((await allPages({ actor: mediatorId })).items.map(keyOf).sort()).toEqual(
        await sqlKeys(`e.actor ->> 'id' = $1`, [mediatorId]),
      );

      const events = await history(cases.failed!);
      const from = events[1]!.at;
      const to = events[4]!.at;
      const window = await allPages({ from, to });
      expect(window.items.map(keyOf).sort()).toEqual(await sqlKeys('e.at >= $1 AND e.at < $2', [from, to]));
      expect(window.items.map(keyOf)).toContain(`${cases.failed}#2`);
      expect(window.items.map(keyOf)).not.toContain(`${cases.failed}#5`);

      const combined = await allPages({ type: 'ASSIGN_MEDIATOR', unitCode: 'XC-XH-01' });
      expect(combined.items.map(keyOf)).toEqual([`${cases.mediated}#5`, `${cases.failed}#4`]);
      const street = await allPages({ type: 'ASSIGN_MEDIATOR', unitCode: 'XC-XH', caseId: cases.failed! });
      expect(street.items.map(keyOf)).toEqual([`${cases.failed}#4`, `${cases.failed}#6`]);
    });

    it('shows a scoped auditor only the events of cases in its subtree', async () => {
      const { items } = await allPages({}, yuetanAuditor.key);
      expect(items.map(keyOf).sort()).toEqual(
        await sqlKeys(
          `e.case_id IN (SELECT c.id FROM cases c JOIN units u ON u.code = c.unit_code WHERE u.path LIKE '/XC/XC-YL/%')`,
          [],
        ),
      );
      expect(new Set(items.map((e) => e.caseId))).toEqual(new Set([cases.yuetan]));
      const other = ok(
        'events',
        await api.call('GET', `/audit/events?caseId=${cases.mediated}`, { key: yuetanAuditor.key }),
      );
      expect(other.items).toEqual([]);
    });

    it('refuses bad filters with 400', async () => {
      for (const query of [
        'limit=201',
        'limit=0',
        'cursor=bm90LWEtY3Vyc29y',
        'from=2026-13-01',
        'from=2026-03-02',
        'to=2026-03-02T09:00',
        'from=2026-W10-1',
        'caseId=123',
        'type=accept',
        'unitCode=a%20b',
        'from=2026-03-05T00:00:00Z&to=2026-03-04T00:00:00Z',
        'colour=blue',
      ]) {
        const reply = await api.call('GET', `/audit/events?${query}`, { key: auditor.key });
        expect({ query, status: reply.status, type: reply.headers.get('content-type') }).toEqual({
          query,
          status: 400,
          type: 'application/problem+json; charset=utf-8',
        });
      }
    });
  });

  describe('export', () => {
    const get = async (path: string, key = auditor.key) => {
      const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
      return { status: response.status, headers: response.headers, text: await response.text() };
    };

    it('streams JSON Lines: one event a line, the shape of the event query’s items', async () => {
      const reply = await get(`/audit/export?caseId=${cases.referred}`);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      expect(reply.headers.get('content-disposition')).toMatch(/^attachment; filename="concord-events-.*\.jsonl"$/);
      const lines = reply.text.split('\n');
      expect(lines.pop()).toBe('');
      const listed = ok(
        'events',
        await api.call('GET', `/audit/events?caseId=${cases.referred}&limit=200`, { key: auditor.key }),
      ).items;
      expect(lines.map((l) => JSON.parse(l))).toEqual(listed);
      expect(listed.length).toBe((await history(cases.referred!)).length);
    });

    it('streams CSV with RFC 4180 quoting that round-trips commas, quotes and line breaks', async () => {
      const reply = await get(`/audit/export?format=csv&caseId=${cases.mediated}`);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const [header, ...records] = parseCsv(reply.text);
      expect(header).toEqual([
        'caseId',
        'seq',
        'type',
        'payload',
        'facts',
        'actor',
        'at',
        'machineVersion',
        'state',
        'unitCode',
        'referralId',
        'prevHash',
        'hash',
      ]);
      const events = await history(cases.mediated!);
      expect(records).toHaveLength(events.length);
      const note = records.find((r) => r[2] === 'ADD_NOTE')!;
      expect(JSON.parse(note[3]!)).toEqual({ text: AWKWARD });
      // The JSON text's escaped quotes (\") are doubled again by CSV quoting.
      expect(reply.text).toContain('with \\""quotes\\"", commas\\r\\n');
      // Raw line breaks, too, stay inside a quoted field.
      expect(parseCsv(`${csvField(AWKWARD)},x\r\n`)).toEqual([[AWKWARD, 'x']]);
      for (const [i, record] of records.entries()) {
        const e = events[i]!;
        expect(record).toEqual([
          cases.mediated,
          String(e.seq),
          e.type,
          expect.any(String),
          expect.any(String),
          expect.any(String),
          e.at,
          '1',
          e.state,
          e.unitCode,
          '',
          e.prevHash,
          e.hash,
        ]);
        expect(JSON.parse(record[3]!)).toEqual(e.payload);
        expect(JSON.parse(record[5]!)).toEqual(e.actor);
      }
    });

    it('exports only the scoped auditor’s subtree, and refuses a bad format', async () => {
      const reply = await get('/audit/export', yuetanAuditor.key);
      const ids = new Set(
        reply.text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).caseId),
      );
      expect(ids).toEqual(new Set([cases.yuetan]));
      const bad = await get('/audit/export?format=xml');
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.text).errors).toEqual([expect.objectContaining({ field: 'format' })]);
    });
  });

  describe('who may read, and the record of every read', () => {
    const reads = () => [
      `/audit/cases/${cases.mediated}/state`,
      `/audit/events?type=REFER`,
      `/audit/export?caseId=${cases.mediated}`,
    ];

    it('lets auditors and admins read, and refuses intake, mediators and departments with 403', async () => {
      const intake = await api.keyFor('intake', { unitCode: 'XC-XH' });
      const get = async (path: string, key: string | null) => {
        const response = await fetch(`${api.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
        const text = await response.text();
        return { status: response.status, code: response.status === 200 ? undefined : JSON.parse(text).code };
      };
      for (const path of reads()) {
        for (const key of [auditor.key, api.adminKey])
          expect({ path, ...(await get(path, key)) }).toEqual({ path, status: 200 });
        for (const key of [intake, mediator, justice])
          expect({ path, ...(await get(path, key)) }).toEqual({ path, status: 403, code: 'forbidden' });
        expect({ path, ...(await get(path, null)) }).toEqual({ path, status: 401, code: 'unauthenticated' });
      }
    });

    it('records each read, with its filters, before answering', async () => {
      const log = async () =>
        api.db.query<{
          principal_id: string;
          principal_role: string;
          action: string;
          case_id: string | null;
          detail: Record<string, unknown>;
        }>('SELECT principal_id, principal_role, action, case_id, detail FROM audit_access_log ORDER BY at, id');
      const before = (await log()).length;
      const asOf = '2026-03-02T09:30:00+08:00';
      expect(
        (
          await api.call('GET', `/audit/cases/${cases.mediated}/state?asOf=${encodeURIComponent(asOf)}`, {
            key: auditor.key,
          })
        ).status,
      ).toBe(200);
      expect(
        (await api.call('GET', `/audit/events?type=REFER&unitCode=XC-XH&limit=5`, { key: auditor.key })).status,
      ).toBe(200);
      const exported = await fetch(
        `${api.url}/audit/export?format=csv&departmentCode=POLICE&from=2026-03-01T00:00:00Z`,
        {
          headers: { authorization: `Bearer ${yuetanAuditor.key}` },
        },
      );
      await exported.text();
      expect((await api.call('GET', `/audit/events`, { key: mediator })).status).toBe(403);
      const after = (await log()).slice(before);
      expect(after).toEqual([
        {
          principal_id: auditor.id,
          principal_role: 'auditor',
          action: 'audit.state',
          case_id: cases.mediated,
          detail: { asOf: new Date(asOf).toISOString() },
        },
        {
          principal_id: auditor.id,
          principal_role: 'auditor',
          action: 'audit.events',
          case_id: null,
          detail: { type: 'REFER', unitCode: 'XC-XH', limit: 5 },
        },
        {
          principal_id: yuetanAuditor.id,
          principal_role: 'auditor',
          action: 'audit.export',
          case_id: null,
          detail: {
            format: 'csv',
            departmentCode: 'POLICE',
            from: '2026-03-01T00:00:00Z',
            until: clock.now().toISOString(),
          },
        },
      ]);
    });

    it('keeps the export’s access reason, trimmed, with its entry, and refuses a blank, too long or unprintable one', async () => {
      const entries = async () =>
        api.db.query<{ action: string; detail: Record<string, unknown> }>(
          `SELECT action, detail FROM audit_access_log WHERE principal_id = $1 ORDER BY at, id`,
          [auditor.id],
        );
      const exportWith = async (reason: string) => {
        const response = await fetch(
          `${api.url}/audit/export?caseId=${cases.mediated}&reason=${encodeURIComponent(reason)}`,
          { headers: { authorization: `Bearer ${auditor.key}` } },
        );
        const text = await response.text();
        return { status: response.status, text };
      };
      const before = (await entries()).length;
      const reason = '2026 年一季度纪检抽查：核对西城区调解记录';
      const exported = await exportWith(`  ${reason} `);
      const first = clock.now().toISOString();
      expect(exported.status).toBe(200);
      expect(exported.text.trim().split('\n')).toHaveLength((await history(cases.mediated!)).length);
      tick();
      // The longest allowed reason counts characters, not UTF-16 units: 500 of 𠮷 (two units each) pass.
      expect((await exportWith('𠮷'.repeat(500))).status).toBe(200);
      const second = clock.now().toISOString();
      expect((await entries()).slice(before)).toEqual([
        { action: 'audit.export', detail: { caseId: cases.mediated, format: 'jsonl', until: first, reason } },
        {
          action: 'audit.export',
          detail: { caseId: cases.mediated, format: 'jsonl', until: second, reason: '𠮷'.repeat(500) },
        },
      ]);
      for (const bad of ['x'.repeat(501), '   ', 'line one\nline two', 'tab\there']) {
        const refused = await exportWith(bad);
        expect({ bad: bad.slice(0, 20), status: refused.status }).toEqual({ bad: bad.slice(0, 20), status: 400 });
        expect(JSON.parse(refused.text).errors).toEqual([expect.objectContaining({ field: 'reason' })]);
      }
      // A refused export records nothing.
      expect((await entries()).length).toBe(before + 2);
    });
  });

  describe('at scale: 300,000 synthetic events', () => {
    const CASES = 3_000;
    const PER_CASE = 100;
    const FROM = '2025-01-01T00:00:00.000Z';
    const TO = '2025-02-01T00:00:00.000Z';

    beforeAll(async () => {
      // Chain validity does not matter to the export or the query plans; rows are interleaved across cases in time.
      await api.db.query(
        `INSERT INTO cases (id, reference, query_code, kind, machine_version, state, stage, version, unit_code, channel, summary,
                            description, snapshot, head_hash, created_by, created_at, updated_at)
         SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'SYN-' || n, 'SYN' || lpad(n::text, 9, '0'), 'dispute', 1,
                'triage.assessing', 'triage', ${PER_CASE}, (ARRAY['XC-XH-01', 'XC-XH-01-G1', 'XC-YL-01', 'XC-XH', 'DC'])[1 + n % 5],
                'walk_in', 'synthetic', 'synthetic', '{}', repeat('0', 64), '00000000-0000-4000-8000-000000000000', $1, $1
           FROM generate_series(1, ${CASES}) n`,
        [FROM],
      );
      await api.db.query(
        `INSERT INTO case_events (case_id, seq, type, payload, facts, actor, at, machine_version, state, unit_code, prev_hash, hash)
         SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, s,
                (ARRAY['ADD_NOTE', 'CLASSIFY', 'SCHEDULE_SESSION', 'RECORD_SESSION', 'DEADLINE_WARNING', 'ACCEPT', 'REFER'])[1 + (s + n) % 7],
                jsonb_build_object('text', repeat('调解记录 note, "quoted", ', 12) || s),
                jsonb_build_object('unit', jsonb_build_object('code', 'XC-XH-01', 'level', 'community', 'hasParent', true)),
                jsonb_build_object('id', 'synthetic-actor-' || ((n * 7 + s) % 50), 'role', 'mediator', 'name', '调解员'),
                $1::timestamptz + ((s - 1) * ${CASES} + n) * interval '1 second', 1, 'triage.assessing',
                (ARRAY['XC-XH-01', 'XC-XH-01-G1', 'XC-YL-01', 'XC-XH', 'DC'])[1 + n % 5], repeat('a', 64), repeat('b', 64)
           FROM generate_series(1, ${CASES}) n, generate_series(1, ${PER_CASE}) s`,
        [FROM],
      );
      await api.db.query('ANALYZE');
    }, 300_000);

    it('plans each filtered page as an index range: a page reads a few rows, never the table', async () => {
      const after = { at: '2025-01-02T00:00:00.000000Z', caseId: '00000000-0000-4000-8000-000000000001', seq: 1 };
      const filters: Array<AuditEventFilter & { after?: AuditCursor }> = [
        {},
        { after },
        { from: '2025-01-02T00:00:00Z', to: '2025-01-03T00:00:00Z' },
        { type: 'ADD_NOTE' },
        { type: 'REFER', from: '2025-01-02T00:00:00Z', to: '2025-01-03T00:00:00Z', after },
        { actor: 'synthetic-actor-7' },
        { unitCode: 'XC-XH-01' },
        { unitCode: 'XC-XH', type: 'ADD_NOTE', from: '2025-01-02T00:00:00Z' },
        { caseId: '00000000-0000-4000-8000-000000000123' },
        { departmentCode: 'POLICE' },
      ];
      for (const filter of filters) {
        for (const scope of [null, '/XC/XC-XH/']) {
          const [sql, params] = auditEventsStatement(filter, { scope }, 51);
          const [
            {
              'QUERY PLAN': [plan],
            },
          ] = await api.db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
            `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
            params,
          );
          const reads = flatten(plan.Plan).filter((n) => n['Relation Name'] === 'case_events');
          const rowsRead = reads.reduce(
            (sum, n) => sum + (n['Actual Rows']! + (n['Rows Removed by Filter'] ?? 0)) * n['Actual Loops']!,
            0,
          );
          // Always through an index, and at most a few thousand of the 300,000 rows for a page of 51.
          expect({ filter, scope, scans: reads.map((n) => n['Node Type']), rowsRead: rowsRead <= 5_000 }).toEqual({
            filter,
            scope,
            scans: reads.map(() => expect.stringMatching(/^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/)),
            rowsRead: true,
          });
        }
      }
    });

    it('answers a filtered page from the large table, and its next page follows on', async () => {
      const params = new URLSearchParams({
        type: 'ADD_NOTE',
        unitCode: 'XC-XH',
        from: '2025-01-02T00:00:00Z',
        limit: '200',
      });
      const page = ok('events', await api.call('GET', `/audit/events?${params}`, { key: auditor.key }));
      expect(page.items).toHaveLength(200);
      expect(
        page.items.every((e: Event) => e.type === 'ADD_NOTE' && e.unitCode.startsWith('XC-XH') && e.at >= '2025-01-02'),
      ).toBe(true);
      const next = ok(
        'events',
        await api.call('GET', `/audit/events?${params}&cursor=${page.nextCursor}`, { key: auditor.key }),
      );
      expect(next.items[0].at >= page.items[199].at).toBe(true);
    });

    it('exports 300,000 events in bounded memory: retained heap grows far less than the export', async () => {
      const [{ count }] = await api.db.query<{ count: string }>(
        'SELECT count(*) FROM case_events WHERE at >= $1 AND at < $2',
        [FROM, TO],
      );
      expect(Number(count)).toBe(CASES * PER_CASE);
      // The export is ~250 MB; what the server and this reader hold at once must stay under 40 MB, 1/6 of it.
      const MEMORY_BOUND = 40 * 1024 * 1024;

      // Heap and the memory of Buffers outside it (socket buffers, chunks in flight), after a full collection.
      const retained = () => {
        gc();
        const { heapUsed, external } = process.memoryUsage();
        return heapUsed + external;
      };
      const baseline = retained();
      const response = await fetch(`${api.url}/audit/export?from=${FROM}&to=${TO}`, {
        headers: { authorization: `Bearer ${auditor.key}` },
      });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      let bytes = 0;
      let lines = 0;
      let sampledAt = 0;
      let peak = 0;
      let samples = 0;
      let first = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        for (let i = value.indexOf(0x0a); i !== -1; i = value.indexOf(0x0a, i + 1)) lines++;
        if (first.length < 2000) first += Buffer.from(value.subarray(0, 2000)).toString();
        if (bytes - sampledAt > 8 * 1024 * 1024) {
          sampledAt = bytes;
          peak = Math.max(peak, retained() - baseline);
          samples++;
        }
      }
      expect(lines).toBe(CASES * PER_CASE);
      expect(bytes).toBeGreaterThan(200 * 1024 * 1024);
      expect(samples).toBeGreaterThan(20);
      expect(peak).toBeLessThan(MEMORY_BOUND);
      expect(JSON.parse(first.split('\n')[0]!)).toMatchObject({
        caseId: '00000000-0000-4000-8000-000000000001',
        seq: 1,
        at: '2025-01-01T00:00:01.000Z',
        payload: { text: expect.stringContaining('"quoted"') },
      });
    }, 300_000);
  });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}

/** RFC 4180: quoted fields may hold commas, CR, LF and doubled quotes; records end with CRLF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field || record.length) throw new Error('the CSV does not end with CRLF');
  return records;
}
