import { ManualClock } from '#clock';
import { WorkQueueQueries, WorkQueueRepository, type QueueView } from '#cases';
import type { Principal } from '#domain';
import { Cursors } from '#persistence';
import {
  DAY,
  dispute,
  petition,
  seedDirectory,
  startTestApi,
  startTestWorker,
  type ClockView,
  type TestApi,
  type TestWorker,
} from './support/index.js';

/** A Monday morning in Beijing, clear of holidays for the weeks the spec runs. */
const START = '2026-03-02T09:00:00+08:00';
const HOUR = 3_600_000;
const STRONG = 'Tiao-jie-2026!';

interface Browser {
  cookie: string;
  csrf: string;
}
interface Person {
  id: string;
  name: string;
  browser: Browser;
  principal: Principal;
}
interface Item {
  id: string;
  reference: string;
  state: string;
  stage: string;
  referralId?: string;
  caseId?: string;
  nextDue: { key: string; dueAt: string; overdue: boolean } | null;
  [field: string]: unknown;
}

/**
 * A person's work queue over HTTP with real PostgreSQL and Redis, on simulated time with the real worker firing what
 * comes due: each view's content and order (soonest next clock first, none last), its filters, the counts, scope
 * (another unit's person sees none of it), department staff's referral queue, and the refusals. Units: XC → XC-XH
 * (street) → XC-XH-01 (community) → XC-XH-01-G1, and XC-YL → XC-YL-01.
 *
 *   c1  dispute, XC-XH-01, intake           assigned to mA
 *   c2  dispute, grid, mediation (30 days)  assigned to mA; family, high risk
 *   c5  dispute, XC-XH-01, referred         assigned to mA; no clock of its own; referral r5 to JUSTICE
 *   c6  dispute, XC-XH-01, intake           assigned to mB, in the leader's charge
 *   c4  dispute, XC-XH-01, intake           nobody's
 *   c3  petition, XC-XH, intake (15 days)   nobody's
 *   sup dispute whose intake breached: escalated to XC-XH and supervised (督办), nobody's
 *   c7  dispute, XC-YL-01                   assigned to far (another street); referral r7 to JUSTICE, claimed by jA
 *   c9  dispute, XC-XH-01, referred         referral r9 to HOUSING
 */
describe('work queues', () => {
  const clock = new ManualClock(START);
  let api: TestApi;
  let worker: TestWorker;
  const people = {} as Record<'mA' | 'mB' | 'lead' | 'far' | 'jA' | 'jB' | 'hX' | 'jj', Person>;
  const c = {} as Record<'c1' | 'c2' | 'c3' | 'c4' | 'c5' | 'c6' | 'c7' | 'c9' | 'sup', string>;
  const r = {} as Record<'r5' | 'r7' | 'r9', string>;

  const as = (who: Person, method: string, path: string, body?: unknown) =>
    api.call(method, path, {
      key: null,
      body,
      headers: { cookie: who.browser.cookie, 'x-csrf-token': who.browser.csrf },
    });
  const ok = async (id: string, type: string, payload: Record<string, unknown> = {}, who?: Person) => {
    const body = { type, payload };
    const reply = who
      ? await as(who, 'POST', `/cases/${id}/events`, body)
      : await api.call('POST', `/cases/${id}/events`, { body });
    expect({ type, status: reply.status, detail: reply.body.detail }).toMatchObject({ type, status: 200 });
    return reply.body as { state: string; referrals: Array<{ id: string }> };
  };
  const open = async (body: Record<string, unknown>) => {
    const reply = await api.call('POST', '/cases', { body });
    expect(reply.status).toBe(201);
    return reply.body.id as string;
  };
  // Assignment is an event in the case's chain: an admin assigns, a person claims, a leader takes charge.
  const assign = (caseId: string, who: Person) => ok(caseId, 'ASSIGN', { userId: who.id });
  const takeCharge = (caseId: string, leader: Person) => ok(caseId, 'TAKE_CHARGE', {}, leader);
  const claimReferral = async (referralId: string, who: Person) => {
    const reply = await as(who, 'POST', `/referrals/${referralId}/events`, { type: 'CLAIM', payload: {} });
    expect({ status: reply.status, detail: reply.body.detail }).toMatchObject({ status: 200 });
  };

  const queue = (who: Person, query = '') => as(who, 'GET', `/me/queue${query}`);
  const ids = async (who: Person, query: string) => {
    const reply = await queue(who, query);
    expect(reply.status).toBe(200);
    return (reply.body.items as Item[]).map((i) => i.id);
  };
  const counts = async (who: Person, query = '') => {
    const reply = await as(who, 'GET', `/me/queue/counts${query}`);
    expect(reply.status).toBe(200);
    return Object.fromEntries(
      Object.entries(reply.body as Record<string, { count: number; capped: boolean }>).map(([view, n]) => {
        expect(n.capped).toBe(false);
        return [view, n.count];
      }),
    );
  };
  /** The running clock of a case (its own) or referral, as its view lists it. */
  const dueOf = async (path: string, key: string) => {
    const deadlines = (await api.call('GET', path)).body.deadlines as ClockView[];
    const running = deadlines.filter((d) => d.key === key && d.open);
    expect(running).toHaveLength(1);
    return running[0]!.dueAt;
  };

  /** Creates the account; `signInAll` signs it in (again after the clock moves: sessions expire on it). */
  async function person(
    name: keyof typeof people,
    roles: string[],
    placement: { unitCode?: string; departmentCode?: string; scope?: string },
  ) {
    const { scope, ...where } = placement;
    const created = await api.call('POST', '/users', {
      body: { username: `queue.${name.toLowerCase()}`, name: `${name} (test)`, roles, password: STRONG, ...where },
    });
    expect(created.status).toBe(201);
    people[name] = {
      id: created.body.id,
      name: `${name} (test)`,
      browser: { cookie: '', csrf: '' },
      principal: {
        id: created.body.id,
        name: `${name} (test)`,
        role: roles[0] as Principal['role'],
        unitCode: where.unitCode ?? null,
        scope: scope ?? null,
        departmentCode: where.departmentCode ?? null,
        session: { id: 'spec', roles: roles as Principal['role'][], mustChangePassword: false },
      },
    };
  }
  async function signInAll() {
    for (const [name, who] of Object.entries(people)) {
      const signedIn = await api.call('POST', '/session', {
        key: null,
        body: { username: `queue.${name.toLowerCase()}`, password: STRONG },
      });
      expect(signedIn.status).toBe(200);
      who.browser = {
        cookie: signedIn.headers
          .getSetCookie()
          .map((cookie) => cookie.split(';')[0]!)
          .join('; '),
        csrf: signedIn.body.csrfToken as string,
      };
    }
  }

  beforeAll(async () => {
    api = await startTestApi({ clock, config: { newCasesStartOn: { dispute: 2, petition: 2 } } });
    await seedDirectory(api);
    worker = await startTestWorker(api.config, api.db, clock);
    await person('mA', ['mediator'], { unitCode: 'XC-XH', scope: '/XC/XC-XH/' });
    await person('mB', ['mediator'], { unitCode: 'XC-XH-01', scope: '/XC/XC-XH/XC-XH-01/' });
    await person('lead', ['leader'], { unitCode: 'XC-XH', scope: '/XC/XC-XH/' });
    await person('far', ['mediator'], { unitCode: 'XC-YL', scope: '/XC/XC-YL/' });
    await person('jA', ['department'], { departmentCode: 'JUSTICE' });
    await person('jB', ['department'], { departmentCode: 'JUSTICE' });
    await person('hX', ['department'], { departmentCode: 'HOUSING' });

    // Monday: a dispute nobody accepts. By Friday its intake clock has breached: escalated and supervised.
    c.sup = await open(dispute({ summary: '无人受理的纠纷' }));
    clock.advance(4 * DAY + 3 * HOUR); // Friday 12:00
    await worker.fireDue();
    const supervised = (await api.call('GET', `/cases/${c.sup}`)).body;
    expect(supervised).toMatchObject({ stage: 'escalation', supervised: true, unitCode: 'XC-XH' });

    // Friday from noon, an hour apart.
    c.c1 = await open(dispute({ summary: '楼上漏水' }));
    await assign(c.c1, people.mA);
    clock.advance(HOUR);
    c.c2 = await open(dispute({ unitCode: 'XC-XH-01-G1', category: 'family', summary: '赡养纠纷' }));
    await assign(c.c2, people.mA);
    await ok(c.c2, 'ACCEPT');
    await ok(c.c2, 'CLASSIFY', { category: 'family', riskLevel: 'high' });
    await ok(c.c2, 'ASSIGN_MEDIATOR', { mediatorId: people.mA.id, channel: 'people' });
    clock.advance(HOUR);
    c.c3 = await open(petition({ summary: '停车收费' }));
    clock.advance(HOUR);
    c.c4 = await open(dispute({ summary: '噪音扰民' }));
    c.c5 = await open(dispute({ summary: '邻里通道' }));
    await assign(c.c5, people.mA);
    await ok(c.c5, 'ACCEPT');
    await ok(c.c5, 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
    r.r5 = (await ok(c.c5, 'REFER', { departmentCode: 'JUSTICE', instructions: '请司法所调解' })).referrals[0]!.id;
    c.c6 = await open(dispute({ summary: '群体讨薪', category: 'labour' }));
    await assign(c.c6, people.mB);
    clock.advance(HOUR);
    // Sessions end after 30 idle minutes of the test's clock: the people sign in now, and again when it moves on.
    await signInAll();
    await takeCharge(c.c6, people.lead);
    c.c7 = await open(dispute({ unitCode: 'XC-YL-01', summary: '月坛邻里' }));
    await assign(c.c7, people.far);
    await ok(c.c7, 'ACCEPT');
    await ok(c.c7, 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
    r.r7 = (await ok(c.c7, 'REFER', { departmentCode: 'JUSTICE', instructions: '请司法所调解' })).referrals[0]!.id;
    await claimReferral(r.r7, people.jA);
    c.c9 = await open(dispute({ category: 'property_management', summary: '物业维修' }));
    await ok(c.c9, 'ACCEPT');
    await ok(c.c9, 'CLASSIFY', { category: 'property_management', riskLevel: 'medium' });
    r.r9 = (await ok(c.c9, 'REFER', { departmentCode: 'HOUSING', instructions: '请住建委处理' })).referrals[0]!.id;
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  it('lists my cases soonest next clock first, a case with none last, each with its people and next clock', async () => {
    const reply = await queue(people.mA, '?view=mine');
    expect(reply.status).toBe(200);
    const items = reply.body.items as Item[];
    expect(items.map((i) => i.id)).toEqual([c.c1, c.c2, c.c5]);
    expect(reply.body.nextCursor).toBeNull();
    const c1 = (await api.call('GET', `/cases/${c.c1}`)).body;
    expect(items[0]).toEqual({
      id: c.c1,
      reference: c1.reference,
      kind: 'dispute',
      stage: 'intake',
      state: 'intake.registered',
      category: 'neighbour',
      riskLevel: null,
      unitCode: 'XC-XH-01',
      supervised: false,
      confidential: false,
      assignee: { id: people.mA.id, name: people.mA.name },
      inCharge: null,
      nextDue: { key: 'dispute.intake', dueAt: await dueOf(`/cases/${c.c1}`, 'dispute.intake'), overdue: false },
    });
    expect(items[1]).toMatchObject({
      stage: 'mediation',
      riskLevel: 'high',
      nextDue: { key: 'dispute.mediation', dueAt: await dueOf(`/cases/${c.c2}`, 'dispute.mediation') },
    });
    // Referred: the case waits on its referral, whose clock is the department's, not the case's.
    expect(items[2]).toMatchObject({ state: 'mediation.referred', nextDue: null });
    // The default view is mine.
    expect(await ids(people.mA, '')).toEqual([c.c1, c.c2, c.c5]);
    expect(await ids(people.mB, '?view=mine')).toEqual([c.c6]);
  });

  it('pages with an opaque cursor, through the cases with a clock and on to those without', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const reply = await queue(
        people.mA,
        `?view=mine&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(reply.status).toBe(200);
      expect(reply.body.items).toHaveLength(1);
      seen.push(reply.body.items[0].id);
      cursor = reply.body.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual([c.c1, c.c2, c.c5]);
    // A cursor is good only for the view that gave it out.
    const first = await queue(people.mA, '?view=mine&limit=1');
    const elsewhere = await queue(people.mA, `?view=unassigned&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(elsewhere.status).toBe(400);
    expect((await queue(people.mA, '?view=mine&cursor=not-a-cursor')).status).toBe(400);
  });

  it('lists the unassigned open cases of my scope, soonest first: not another street’s, not an assigned one', async () => {
    const order = await Promise.all([
      dueOf(`/cases/${c.c4}`, 'dispute.intake'),
      dueOf(`/cases/${c.sup}`, 'dispute.escalation'),
      dueOf(`/cases/${c.c3}`, 'petition.intake'),
    ]);
    expect([...order].sort()).toEqual(order);
    // c9 waits on its referral: no clock of its own, so last.
    expect(await ids(people.mA, '?view=unassigned')).toEqual([c.c4, c.sup, c.c3, c.c9]);
    // A community's mediator: the case escalated to the street and the street's petition are outside.
    expect(await ids(people.mB, '?view=unassigned')).toEqual([c.c4, c.c9]);
    expect(await ids(people.far, '?view=unassigned')).toEqual([]);
  });

  it('lists the supervised cases of my scope and the cases in my charge', async () => {
    expect(await ids(people.mA, '?view=supervised')).toEqual([c.sup]);
    expect(await ids(people.lead, '?view=supervised')).toEqual([c.sup]);
    expect(await ids(people.mB, '?view=supervised')).toEqual([]);
    const inCharge = await queue(people.lead, '?view=in_charge');
    expect(inCharge.body.items).toEqual([
      expect.objectContaining({
        id: c.c6,
        assignee: { id: people.mB.id, name: people.mB.name },
        inCharge: { id: people.lead.id, name: people.lead.name },
      }),
    ]);
    expect(await ids(people.mA, '?view=in_charge')).toEqual([]);
  });

  it('filters by kind, stage, category and risk, and refuses a bad filter or view with 400', async () => {
    expect(await ids(people.mA, '?view=mine&kind=dispute')).toEqual([c.c1, c.c2, c.c5]);
    expect(await ids(people.mA, '?view=mine&kind=petition')).toEqual([]);
    expect(await ids(people.mA, '?view=unassigned&kind=petition')).toEqual([c.c3]);
    expect(await ids(people.mA, '?view=mine&stage=mediation')).toEqual([c.c2, c.c5]);
    expect(await ids(people.mA, '?view=mine&category=family')).toEqual([c.c2]);
    expect(await ids(people.mA, '?view=mine&risk=high')).toEqual([c.c2]);
    expect(await ids(people.mA, '?view=mine&risk=low')).toEqual([c.c5]);
    for (const bad of ['view=everything', 'risk=extreme', 'kind=letter', 'stage=closed', 'category=a%20b', 'limit=0']) {
      const reply = await queue(people.mA, `?${bad}`);
      expect({ bad, status: reply.status, type: reply.headers.get('content-type') }).toEqual({
        bad,
        status: 400,
        type: expect.stringContaining('application/problem+json'),
      });
    }
    expect((await as(people.mA, 'GET', '/me/queue/counts?risk=extreme')).status).toBe(400);
  });

  it('filters by the owning unit’s subtree, within my scope only', async () => {
    // c2 is a grid's case (XC-XH-01-G1); c1 and c5 the community's; the escalated case and the petition the street's.
    expect(await ids(people.mA, '?view=mine&unitCode=XC-XH-01-G1')).toEqual([c.c2]);
    expect(await ids(people.mA, '?view=unassigned&unitCode=XC-XH-01')).toEqual([c.c4, c.c9]);
    expect(await ids(people.mA, '?view=unassigned&unitCode=XC-XH')).toEqual([c.c4, c.sup, c.c3, c.c9]);
    // A unit above my scope narrows nothing; one outside it (or unknown) shows nothing of it.
    expect(await ids(people.mB, '?view=unassigned&unitCode=XC-XH')).toEqual([c.c4, c.c9]);
    expect(await ids(people.far, '?view=unassigned&unitCode=XC-XH-01')).toEqual([]);
    expect(await ids(people.mA, '?view=unassigned&unitCode=NO-SUCH-UNIT')).toEqual([]);
    expect(await counts(people.mA, '?unitCode=XC-XH-01')).toEqual({
      mine: 3,
      unassigned: 2,
      due_soon: 0,
      overdue: 0,
      supervised: 0,
      in_charge: 0,
    });
    for (const path of ['/me/queue?unitCode=a%20b', '/me/queue/counts?unitCode=%00', '/me/queue?unitCode=x&unitCode=y'])
      expect({ path, status: (await as(people.mA, 'GET', path)).status }).toEqual({ path, status: 400 });
  });

  it('counts every view in one answer, with the same filters', async () => {
    expect(await counts(people.mA)).toEqual({
      mine: 3,
      unassigned: 4,
      due_soon: 0,
      overdue: 0,
      supervised: 1,
      in_charge: 0,
    });
    expect(await counts(people.mA, '?kind=petition')).toEqual({
      mine: 0,
      unassigned: 1,
      due_soon: 0,
      overdue: 0,
      supervised: 0,
      in_charge: 0,
    });
    expect(await counts(people.lead)).toMatchObject({ mine: 0, in_charge: 1, supervised: 1, unassigned: 4 });
  });

  it('shows a person of another unit none of it: only their own street’s case', async () => {
    expect(await ids(people.far, '?view=mine')).toEqual([c.c7]);
    for (const view of ['unassigned', 'supervised', 'in_charge', 'due_soon', 'overdue'])
      expect(await ids(people.far, `?view=${view}`)).toEqual([]);
    expect(await counts(people.far)).toEqual({
      mine: 1,
      unassigned: 0,
      due_soon: 0,
      overdue: 0,
      supervised: 0,
      in_charge: 0,
    });
  });

  it('gives department staff their department’s open referrals: claimed, unclaimed, and none of another’s', async () => {
    const mine = await queue(people.jA, '?view=mine');
    const c7 = (await api.call('GET', `/cases/${c.c7}`)).body;
    expect(mine.body.items).toEqual([
      {
        id: r.r7,
        referralId: r.r7,
        caseId: c.c7,
        departmentCode: 'JUSTICE',
        reference: c7.reference,
        kind: 'dispute',
        stage: 'mediation',
        state: 'issued',
        category: 'neighbour',
        riskLevel: 'low',
        unitCode: 'XC-YL-01',
        supervised: false,
        urged: false,
        confidential: false,
        assignee: { id: people.jA.id, name: people.jA.name },
        inCharge: null,
        nextDue: {
          key: 'referral.acknowledge',
          dueAt: await dueOf(`/referrals/${r.r7}`, 'referral.acknowledge'),
          overdue: false,
        },
      },
    ]);
    expect(await ids(people.jA, '?view=unassigned')).toEqual([r.r5]);
    expect(await ids(people.jB, '?view=mine')).toEqual([]);
    expect(await ids(people.jB, '?view=unassigned')).toEqual([r.r5]);
    expect(await ids(people.jB, '?view=unassigned&kind=petition')).toEqual([]);
    expect(await ids(people.hX, '?view=unassigned')).toEqual([r.r9]);
    expect(await ids(people.hX, '?view=mine')).toEqual([]);
    expect(await ids(people.jA, '?view=in_charge')).toEqual([]);
    // Registered on Friday afternoon, acknowledged by Monday afternoon: more than 48 hours away.
    const ackDue = new Date(mine.body.items[0].nextDue.dueAt).getTime();
    expect(ackDue - clock.now().getTime()).toBeGreaterThan(48 * HOUR);
    expect(await counts(people.jA)).toEqual({
      mine: 1,
      unassigned: 1,
      due_soon: 0,
      overdue: 0,
      supervised: 0,
      in_charge: 0,
    });
  });

  it('shows an accusation only to the discipline body it was handed to, as confidential, and logs the read', async () => {
    const body = { code: 'JIJIAN', name: '区纪委监委', categories: [], function: 'discipline_inspection' };
    expect((await api.call('POST', '/departments', { body })).status).toBe(201);
    await person('jj', ['department'], { departmentCode: 'JIJIAN' });
    await signInAll();
    const accusation = await open(petition({ summary: '举报住建委工作人员收受好处' }));
    const accepted = await ok(accusation, 'ACCEPT', { petitionType: 'accusation' });
    expect(accepted).toMatchObject({ state: 'archive.closed', confidential: true });
    const referralId = accepted.referrals[0]!.id;

    const queue = await as(people.jj, 'GET', '/me/queue?view=unassigned');
    expect(queue.body.items).toEqual([
      expect.objectContaining({ id: referralId, caseId: accusation, departmentCode: 'JIJIAN', confidential: true }),
    ]);
    // The accused department's staff, and the street's mediator (the case is closed: it left every case view).
    expect(await ids(people.hX, '?view=unassigned')).toEqual([r.r9]);
    expect(await ids(people.mA, '?view=unassigned')).toEqual([c.c4, c.sup, c.c3, c.c9]);
    const log = await api.call('GET', '/audit/security-log?action=case.confidential_read&limit=100');
    expect(log.body.items).toContainEqual(
      expect.objectContaining({
        actor: expect.objectContaining({ id: people.jj.id, role: 'department' }),
        subject: { type: 'case', id: accusation },
        detail: { read: 'queue.list' },
      }),
    );
  });

  it('refuses an API key: a work queue belongs to a signed-in person', async () => {
    for (const path of ['/me/queue', '/me/queue/counts']) {
      const reply = await api.call('GET', path);
      expect(reply.status).toBe(403);
      expect(reply.body.detail).toMatch(/belongs to a signed-in person/);
    }
    const mediatorKey = await api.keyFor('mediator', { unitCode: 'XC-XH' });
    expect((await api.call('GET', '/me/queue?view=unassigned', { key: mediatorKey })).status).toBe(403);
    expect((await api.call('GET', '/me/queue', { key: null })).status).toBe(401);
  });

  it('answers the same whether a view is read whole or by walking the clocks', async () => {
    const cursors = api.app.get(Cursors);
    const readWith = (walkFrom: number) =>
      new WorkQueueQueries(new WorkQueueRepository(api.db, { walkFrom }), clock, cursors);
    const [walk, whole] = [readWith(1), readWith(1_000_000)];
    const views: QueueView[] = ['mine', 'unassigned', 'due_soon', 'overdue', 'supervised', 'in_charge'];
    for (const who of [people.mA, people.mB, people.lead, people.far])
      for (const view of views)
        for (const limit of [1, 2, 50]) {
          const pages = async (queries: WorkQueueQueries) => {
            const seen: string[] = [];
            let cursor: string | undefined;
            do {
              const page = await queries.list({ view, limit, cursor }, who.principal);
              seen.push(...page.items.map((i) => `${i.id} ${i.nextDue?.dueAt ?? '-'}`));
              cursor = page.nextCursor ?? undefined;
            } while (cursor);
            return seen;
          };
          const walked = await pages(walk);
          expect({ who: who.name, view, limit, items: await pages(whole) }).toEqual({
            who: who.name,
            view,
            limit,
            items: walked,
          });
          expect(walked.map((w) => w.split(' ')[0])).toEqual(await ids(who, `?view=${view}`));
        }
  });

  describe('as time passes', () => {
    it('lists my cases (and those in my charge) due within 48 hours, not yet past', async () => {
      const c1Due = new Date(await dueOf(`/cases/${c.c1}`, 'dispute.intake')).getTime();
      const c6Due = new Date(await dueOf(`/cases/${c.c6}`, 'dispute.intake')).getTime();
      const c2Due = new Date(await dueOf(`/cases/${c.c2}`, 'dispute.mediation')).getTime();
      clock.set(new Date(c1Due - 2 * HOUR).toISOString());
      await signInAll();
      // c6 falls due within the window too; c2 (mediation: 30 days) does not.
      expect(c6Due).toBeLessThan(c1Due - 2 * HOUR + 48 * HOUR);
      expect(c2Due).toBeGreaterThan(c1Due + 48 * HOUR);
      expect(await ids(people.mA, '?view=due_soon')).toEqual([c.c1]);
      expect(await ids(people.lead, '?view=due_soon')).toEqual([c.c6]);
      expect(await ids(people.mB, '?view=due_soon')).toEqual([c.c6]);
      expect(await ids(people.mA, '?view=overdue')).toEqual([]);
      expect(await counts(people.mA)).toMatchObject({ due_soon: 1, overdue: 0 });
      // The referrals' acknowledgement clocks (one working day) have passed: jA's is overdue, r5 is nobody's.
      expect(await ids(people.jA, '?view=overdue')).toEqual([r.r7]);
      expect(await ids(people.jB, '?view=overdue')).toEqual([]);
    });

    it('lists my cases whose next clock is past due, and no longer as due soon', async () => {
      const c1Due = new Date(await dueOf(`/cases/${c.c1}`, 'dispute.intake')).getTime();
      clock.set(new Date(c1Due + HOUR).toISOString()); // past due; no worker has fired the breach yet
      await signInAll();
      const overdue = await queue(people.mA, '?view=overdue');
      expect(overdue.body.items).toEqual([
        expect.objectContaining({ id: c.c1, nextDue: expect.objectContaining({ overdue: true }) }),
      ]);
      expect(await ids(people.mA, '?view=due_soon')).toEqual([]);
      expect((await queue(people.mA, '?view=mine')).body.items.map((i: Item) => i.nextDue?.overdue ?? null)).toEqual([
        true,
        false,
        null,
      ]);
      expect(await counts(people.mA)).toMatchObject({ mine: 3, due_soon: 0, overdue: 1 });
    });

    it('keeps a breached clock whose state was not left as the next clock: an urged referral is overdue and supervised', async () => {
      await worker.fireDue(); // the referrals' acknowledgement clocks breach: both are urged (催办), and stay issued
      const r5 = (await api.call('GET', `/referrals/${r.r5}`)).body;
      expect(r5).toMatchObject({ state: 'issued', urged: true });
      const supervised = await queue(people.jB, '?view=supervised');
      expect(supervised.body.items.map((i: Item) => i.id)).toEqual([r.r5, r.r7]);
      expect(supervised.body.items[0]).toMatchObject({
        urged: true,
        nextDue: { key: 'referral.acknowledge', overdue: true },
      });
      expect(await ids(people.jA, '?view=overdue')).toEqual([r.r7]);
      expect(await counts(people.jA)).toMatchObject({ mine: 1, unassigned: 1, overdue: 1, supervised: 2 });
      expect(await ids(people.hX, '?view=supervised')).toEqual([r.r9]);
    });
  });
});
