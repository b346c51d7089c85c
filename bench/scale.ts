/**
 * List and filter queries at scale: 1,000,000 cases and 10,000,000 events (bench/scale-data.ts says how they
 * are made, and what they are not), then p50/p99 over HTTP of every list and read route with its filters, and
 * the plan of each statement the route sends (EXPLAIN ANALYZE of the very SQL, recorded from the query classes):
 * which indexes it uses, and any sequential scan of a large table.
 *   npm run bench -- scale      (BENCH_SCALE_CASES, BENCH_SCALE_EVENTS, BENCH_SCALE_REQUESTS per route: 60)
 * Needs about 1.3 GB of disk per million events while it runs; the database is dropped at the end
 * (BENCH_SCALE_KEEP=1 keeps it, for EXPLAIN by hand).
 */
import { randomBytes } from 'node:crypto';
import { statfs } from 'node:fs/promises';
import { AuditEvents } from '#audit';
import { type Principal } from '#domain';
import { SystemClock } from '#clock';
import {
  CaseQueries,
  CaseReadsRepository,
  ReferralQueries,
  ReferralReadsRepository,
  WorkQueueQueries,
  WorkQueueRepository,
} from '#cases';
import { DeadlineQueries } from '#deadlines';
import { PartyVault, PiiCipher } from '#parties';
import { createDataSource, Cursors, Database, migrate } from '#persistence';
import { HttpClient } from './http.js';
import {
  describeMachine,
  dropDatabase,
  envNumber,
  fmt,
  freshDatabase,
  ms,
  percentile,
  REDIS_URL,
  runBenchmark,
  sql,
  startProcess,
  stopProcess,
} from './lib.js';
import { Report } from './report.js';
import { loadSyntheticCases } from './synthetic-cases.js';
import { ACCOUNTS_NOTE, benchAccounts, queueSpecs, signInAccounts, type BenchPerson } from './scale-queues.js';
import { actorId, CATEGORIES, departmentCode, END, gridCode, SPAN_DAYS, START, streetCode } from './scale-data.js';

const DB = 'concord_bench_scale';
const CASES = envNumber('BENCH_SCALE_CASES', 1_000_000);
const EVENTS = envNumber('BENCH_SCALE_EVENTS', 10_000_000);
const REQUESTS = envNumber('BENCH_SCALE_REQUESTS', 60);
const KEEP = process.env.BENCH_SCALE_KEEP === '1';
const PORT = 3900 + Math.floor(Math.random() * 90);
const BIG_TABLES = ['cases', 'case_events', 'deadlines', 'referrals', 'parties', 'case_event_departments'];
const DAY = 86_400_000;
const READ_LIMIT = 25_000;
const SQL_LIMIT = 50;

type Key = 'admin' | 'auditor' | 'mediator' | 'department';

interface Spec {
  route: string;
  filter: string;
  key: Key;
  /** A person signed in with a session, instead of the key (the work-queue routes). */
  person?: BenchPerson;
  /** The request of the i-th sample. */
  path: (i: number) => string;
  /** Runs the route's query class once (for sample 0), so its statements can be recorded and explained. */
  query: (q: Queries, p: Record<Key, Principal>) => Promise<unknown>;
}

interface Queries {
  cases: CaseQueries;
  referrals: ReferralQueries;
  deadlines: DeadlineQueries;
  audit: AuditEvents;
  queue: WorkQueueQueries;
}

interface Plan {
  ms: number;
  /** Rows the scans of large tables read: kept and filtered out, over every loop. */
  read: number;
  indexes: string[];
  seqScans: string[];
}

/** The plan of a statement: execution time, the indexes it reads and any sequential scan of a large table. */
async function explain(url: string, text: string, values: unknown[]): Promise<Plan> {
  const [row] = (await sql(url, `EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values)).rows as Array<{
    'QUERY PLAN': Array<{ Plan: PlanNode; 'Execution Time': number }>;
  }>;
  const plan = row!['QUERY PLAN'][0]!;
  const indexes = new Set<string>();
  const seqScans = new Set<string>();
  let read = 0;
  const walk = (node: PlanNode) => {
    if (node['Node Type'].includes('Scan') && BIG_TABLES.includes(node['Relation Name'] ?? '')) {
      read += ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * (node['Actual Loops'] ?? 1);
    }
    if (node['Index Name']) indexes.add(node['Index Name']);
    if (node['Node Type'] === 'Seq Scan' && BIG_TABLES.includes(node['Relation Name'] ?? ''))
      seqScans.add(
        `${node['Relation Name']} (${fmt(node['Actual Rows'] ?? 0)} rows kept of ${fmt((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0))})`,
      );
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan.Plan);
  return { ms: plan['Execution Time'], read, indexes: [...indexes], seqScans: [...seqScans] };
}
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Rows Removed by Filter'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** A Database that records every statement it runs. */
function recording(db: Database, log: Array<{ text: string; values: unknown[] }>): Database {
  return {
    query: (text: string, values?: unknown[]) => {
      log.push({ text, values: values ?? [] });
      return db.query(text, values);
    },
    // Repositories' statements (a reader's unit codes) are built by TypeORM and not recorded.
    orm: db.orm.bind(db),
  } as unknown as Database;
}

function specs(sample: { caseIds: string[]; references: string[] }): Spec[] {
  const day = (d: number) => new Date(START + d * DAY).toISOString();
  const recentDay = (i: number) => SPAN_DAYS - 60 + (i % 50);
  const street = (i: number) => streetCode(1 + (i % 10));
  const grid = (i: number) => gridCode(1 + (i % 10), 1 + ((i * 3) % 10), 1 + ((i * 7) % 10));
  const caseId = (i: number) => sample.caseIds[i % sample.caseIds.length]!;
  const L = 50;
  const list = (
    filter: string,
    params: (i: number) => Record<string, string | undefined>,
    key: Key = 'admin',
    limit = L,
  ): Spec => ({
    route: 'GET /cases',
    filter,
    key,
    path: (i) => `/api/v1/cases?${new URLSearchParams({ ...clean(params(i)), limit: String(limit) })}`,
    query: (q, p) => q.cases.list({ ...typed(params(0)), limit }, p[key]),
  });
  const audit = (filter: string, params: (i: number) => Record<string, string | undefined>): Spec => ({
    route: 'GET /audit/events',
    filter,
    key: 'auditor',
    path: (i) => `/api/v1/audit/events?${new URLSearchParams({ ...clean(params(i)), limit: String(L) })}`,
    query: (q, p) => q.audit.list({ ...clean(params(0)), limit: L }, p.auditor),
  });
  return [
    list('none (newest first)', () => ({})),
    list('unitCode = a street (subtree ≈ 10%)', (i) => ({ unitCode: street(i) })),
    list('unitCode = a grid (≈ 0.07%)', (i) => ({ unitCode: grid(i) })),
    list('mediator scoped to a street, no filter', () => ({}), 'mediator'),
    list('stage = mediation', () => ({ stage: 'mediation' })),
    list('state = triage.assessing', () => ({ state: 'triage.assessing' })),
    list('state = escalation.joint_meeting (rare)', () => ({ state: 'escalation.joint_meeting' })),
    list('category (one of 12, 2–25%)', (i) => ({ category: CATEGORIES[i % CATEGORIES.length] })),
    list('riskLevel = critical', () => ({ riskLevel: 'critical' })),
    list('overdue = true', () => ({ overdue: 'true' })),
    list('overdue = false', () => ({ overdue: 'false' })),
    list('q = a word in 10% of summaries', () => ({ q: '漏水' })),
    list('q = a reference (one match)', (i) => ({ q: sample.references[i % sample.references.length] })),
    list('from/to = one week, 2 months ago', (i) => ({ from: day(recentDay(i)), to: day(recentDay(i) + 7) })),
    list('from/to = one week, a year ago', (i) => ({ from: day(300 + (i % 50)), to: day(307 + (i % 50)) })),
    list('street + stage + category', (i) => ({ unitCode: street(i), stage: 'archive', category: 'labour' })),
    {
      route: 'GET /cases/:id',
      filter: 'a random case',
      key: 'admin',
      path: (i) => `/api/v1/cases/${caseId(i)}`,
      query: (q, p) => q.cases.get(caseId(0), p.admin),
    },
    {
      route: 'GET /cases/:id/history',
      filter: 'a random case (3–19 events)',
      key: 'admin',
      path: (i) => `/api/v1/cases/${caseId(i)}/history`,
      query: (q, p) => q.cases.history(caseId(0), p.admin, { limit: L }),
    },
    audit('caseId', (i) => ({ caseId: caseId(i) })),
    audit('actor + 3 days', (i) => ({
      actor: actorId(1 + (i % 200)),
      from: day(100 + (i % 500)),
      to: day(103 + (i % 500)),
    })),
    audit('type = REFER + 2 days', (i) => ({ type: 'REFER', from: day(100 + (i % 500)), to: day(102 + (i % 500)) })),
    audit('unitCode = a street + 1 day', (i) => ({
      unitCode: street(i),
      from: day(100 + (i % 500)),
      to: day(101 + (i % 500)),
    })),
    audit('departmentCode', (i) => ({ departmentCode: departmentCode(1 + (i % 20)) })),
    audit('from/to = 1 day', (i) => ({ from: day(100 + (i % 500)), to: day(101 + (i % 500)) })),
    {
      route: 'GET /referrals',
      filter: "a department's inbox",
      key: 'department',
      path: () => `/api/v1/referrals?limit=${L}`,
      query: (q, p) => q.referrals.list({ limit: L }, p.department),
    },
    {
      route: 'GET /referrals',
      filter: 'inbox, status = accepted',
      key: 'department',
      path: () => `/api/v1/referrals?status=accepted&limit=${L}`,
      query: (q, p) => q.referrals.list({ status: 'accepted', limit: L }, p.department),
    },
    {
      route: 'GET /referrals',
      filter: 'inbox, overdue = true',
      key: 'department',
      path: () => `/api/v1/referrals?overdue=true&limit=${L}`,
      query: (q, p) => q.referrals.list({ overdue: true, limit: L }, p.department),
    },
    {
      route: 'GET /deadlines',
      filter: 'open clocks, soonest first',
      key: 'admin',
      path: () => `/api/v1/deadlines?limit=${L}`,
      query: (q, p) => q.deadlines.list({ limit: L }, p.admin),
    },
    {
      route: 'GET /deadlines',
      filter: 'unitCode = a grid',
      key: 'admin',
      path: (i) => `/api/v1/deadlines?unitCode=${grid(i)}&limit=${L}`,
      query: (q, p) => q.deadlines.list({ unitCode: grid(0), limit: L }, p.admin),
    },
    {
      route: 'GET /deadlines',
      filter: 'mediator scoped to a street',
      key: 'mediator',
      path: () => `/api/v1/deadlines?limit=${L}`,
      query: (q, p) => q.deadlines.list({ limit: L }, p.mediator),
    },
  ];
}

const clean = (o: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, string>;
const typed = (o: Record<string, string | undefined>) => {
  const c: Record<string, unknown> = clean(o);
  if (c.overdue !== undefined) c.overdue = c.overdue === 'true';
  return c;
};

async function main(): Promise<void> {
  const free = await statfs('/')
    .then((s) => (s.bavail * s.bsize) / 2 ** 30)
    .catch(() => Infinity);
  const needGiB = (EVENTS / 1e6) * 1.3 + (CASES / 1e6) * 2;
  process.stdout.write(
    `${fmt(CASES)} cases, ${fmt(EVENTS)} events; needs about ${fmt(needGiB, 1)} GiB of disk, ${fmt(free, 1)} GiB free\n`,
  );
  if (free < needGiB * 1.5)
    throw new Error(
      `not enough disk for the scale benchmark: ${fmt(free, 1)} GiB free, about ${fmt(needGiB, 1)} GiB needed (set BENCH_SCALE_CASES/BENCH_SCALE_EVENTS lower)`,
    );
  const url = await freshDatabase(DB);
  await migrate(url);
  const machine = await describeMachine(url);
  const dataKey = randomBytes(24).toString('base64');
  const cipher = new PiiCipher(dataKey);
  const cursors = new Cursors(dataKey);

  const load = await loadSyntheticCases(url, cipher, CASES, EVENTS);
  const dataSource = await createDataSource({ url, poolSize: 4 }).initialize();
  const db = new Database(dataSource);
  const sizes = (
    await sql(
      url,
      `SELECT relname AS t, pg_relation_size(oid) AS heap, pg_indexes_size(oid) AS idx, pg_total_relation_size(oid) AS total
                                   FROM pg_class WHERE relname = ANY($1) ORDER BY pg_total_relation_size(oid) DESC`,
      [BIG_TABLES],
    )
  ).rows as Array<{ t: string; heap: string; idx: string; total: string }>;
  const sample = (await sql(url, `SELECT id, reference FROM cases TABLESAMPLE SYSTEM (1) LIMIT 500`)).rows as Array<{
    id: string;
    reference: string;
  }>;

  // Keys: an admin, an unscoped auditor, a mediator scoped to a street, a department.
  const adminKey = `ck_admin_bench_${randomBytes(16).toString('hex')}`;
  const api = await startProcess(
    'dist/apps/api/src/main.js',
    {
      PORT: String(PORT),
      DATABASE_URL: url,
      REDIS_URL,
      CONCORD_ADMIN_KEY: adminKey,
      CONCORD_DATA_KEY: dataKey,
      CONCORD_DB_POOL_SIZE: '4',
    },
    async () => (await fetch(`http://127.0.0.1:${PORT}/api/v1/health/live`)).status === 200,
  );
  const http = new HttpClient(PORT, 1);
  const admin = { authorization: `Bearer ${adminKey}` };
  const newKey = async (body: Record<string, string>) =>
    (
      JSON.parse(
        (
          await http.expect(
            { method: 'POST', path: '/api/v1/api-keys', headers: admin, body: { name: `bench ${body.role}`, ...body } },
            201,
          )
        ).body,
      ) as { key: string }
    ).key;
  const keys: Record<Key, string> = {
    admin: adminKey,
    auditor: await newKey({ role: 'auditor' }),
    mediator: await newKey({ role: 'mediator', unitCode: streetCode(3) }),
    department: await newKey({ role: 'department', departmentCode: departmentCode(1) }),
  };
  const principal = (role: Principal['role'], extra: Partial<Principal> = {}): Principal => ({
    id: actorId(999),
    name: `bench ${role}`,
    role,
    unitCode: null,
    scope: null,
    departmentCode: null,
    ...extra,
  });
  const principals: Record<Key, Principal> = {
    admin: principal('admin'),
    auditor: principal('auditor'),
    mediator: principal('mediator', { unitCode: streetCode(3), scope: `/SD/${streetCode(3)}/` }),
    department: principal('department', { departmentCode: departmentCode(1) }),
  };

  // People, signed in with sessions, for the work-queue routes.
  const accounts = benchAccounts();
  const cookies = await signInAccounts(http, accounts);
  const queues = queueSpecs(50).map((q): Spec => ({
    ...q,
    key: 'admin',
    query: (queries) => q.query(queries.queue, accounts[q.person][0]!.principal),
  }));

  const rows: string[][] = [];
  const missing: string[] = [];
  for (const spec of [
    ...specs({ caseIds: sample.map((s) => s.id), references: sample.map((s) => s.reference) }),
    ...queues,
  ]) {
    const latencies: number[] = [];
    let items = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const headers: Record<string, string> = spec.person
        ? { cookie: cookies[spec.person][i % cookies[spec.person].length]! }
        : { authorization: `Bearer ${keys[spec.key]}` };
      const started = performance.now();
      const answer = await http.expect({ method: 'GET', path: spec.path(i), headers }, 200);
      latencies.push(performance.now() - started);
      const body = JSON.parse(answer.body) as { items?: unknown[] };
      items += body.items?.length ?? 1;
    }
    latencies.sort((a, b) => a - b);
    const log: Array<{ text: string; values: unknown[] }> = [];
    await spec.query(
      {
        cases: new CaseQueries(
          new CaseReadsRepository(recording(db, log)),
          new PartyVault(cipher),
          new SystemClock(),
          cursors,
        ),
        referrals: new ReferralQueries(
          new ReferralReadsRepository(recording(db, log)),
          new PartyVault(cipher),
          new SystemClock(),
          cursors,
        ),
        deadlines: new DeadlineQueries(recording(db, log), new SystemClock(), cursors),
        audit: new AuditEvents(recording(db, log), cursors),
        queue: new WorkQueueQueries(new WorkQueueRepository(recording(db, log)), new SystemClock(), cursors),
      },
      principals,
    );
    const plans = await Promise.all(log.map((s) => explain(url, s.text, s.values)));
    const seq = plans.flatMap((p) => p.seqScans);
    const read = plans.reduce((a, p) => a + p.read, 0);
    // Holds: an index serves it and a page reads a bounded number of rows, whatever the size of the tables. Judged
    // on the plan, not on p99, which other work on the machine moves.
    const sqlMs = plans.reduce((a, p) => a + p.ms, 0);
    const holds = !seq.length && read <= READ_LIMIT && sqlMs <= SQL_LIMIT;
    if (!holds) missing.push(`${spec.route} (${spec.filter})`);
    rows.push([
      spec.route,
      spec.filter,
      ms(percentile(latencies, 50)),
      ms(percentile(latencies, 99)),
      fmt(items / REQUESTS, 0),
      ms(sqlMs),
      fmt(read),
      [...new Set(plans.flatMap((p) => p.indexes))].join(', ') || '–',
      seq.length ? `seq scan ${seq.join('; ')}` : '',
      holds ? 'yes' : '**no**',
    ]);
    process.stdout.write(
      `  ${spec.route} ${spec.filter}: p50 ${ms(percentile(latencies, 50))} ms, p99 ${ms(percentile(latencies, 99))} ms${seq.length ? `; SEQ SCAN ${seq.join('; ')}` : ''}\n`,
    );
  }
  http.close();
  await stopProcess(api);
  await dataSource.destroy();

  const report = new Report('scale', `list and filter queries at ${fmt(CASES)} cases / ${fmt(EVENTS)} events`);
  report.text(
    `Synthetic data generated in PostgreSQL: ${Object.entries(load.rows)
      .map(([k, v]) => `${fmt(v)} ${k}`)
      .join(', ')} ` +
      `(estimates), over ${SPAN_DAYS} days up to ${new Date(END).toISOString().slice(0, 10)}; 1,111 units (1 district, 10 streets, ` +
      '100 communities, 1,000 grids), 20 departments, 200 actors. ' +
      `Staff accounts: ${ACCOUNTS_NOTE}; every archived case and 70% of open ones have an assignee (a mediator of the ` +
      "case's community), critical ones a leader in charge; 60% of open referrals an assignee, some urged or supervised. " +
      'Ids are uuidv7 in creation order, as the engine makes them; ' +
      'the newest tenth of cases is mostly open, older ones mostly archived; every fifth case with enough events has a referral. ' +
      '**The hash chains are not valid** (md5 filler) and payloads are stock texts: the data is for query plans and timings ' +
      `only. Loaded in ${fmt(load.seconds.rows)} s with secondary indexes dropped and foreign keys unchecked (as a restore), indexes ` +
      `built in ${fmt(load.seconds.indexes)} s, VACUUM ANALYZE ${fmt(load.seconds.vacuum)} s.`,
  );
  report.table(
    ['table', 'heap', 'indexes', 'total'],
    sizes.map((s) => [s.t, gib(s.heap), gib(s.idx), gib(s.total)]),
  );
  report.text(
    `Each route: ${REQUESTS} requests one after the other over HTTP (one API process, keep-alive), parameters varying per request; ` +
      'p50/p99 in ms. "SQL ms" is EXPLAIN ANALYZE of the statements the route\'s query class sent for the first request (recorded, ' +
      'then explained with the same parameters); "rows read" counts the rows its scans of large tables read (kept and filtered ' +
      'out, every loop); "indexes" are those its plan reads.',
  );
  report.table(
    ['route', 'filter', 'p50', 'p99', 'items', 'SQL ms', 'rows read', 'indexes', 'seq scan', 'holds'],
    rows,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l', 'l', 'l'],
  );
  report.text(
    `"Holds": no sequential scan of a large table, at most ${fmt(READ_LIMIT)} rows of large tables read for the page and at most ` +
      `${SQL_LIMIT} ms of SQL (judged on the plan: p99 moves with other work on the machine). ` +
      (missing.length ? `Not holding: ${missing.join('; ')}.` : 'Every route holds.'),
  );
  await report.write(
    machine,
    `BENCH_SCALE_CASES=${CASES} BENCH_SCALE_EVENTS=${EVENTS} BENCH_SCALE_REQUESTS=${REQUESTS}`,
  );
  if (!KEEP) await dropDatabase(DB);
}

const gib = (bytes: string) => `${fmt(Number(bytes) / 2 ** 30, 2)} GiB`;

runBenchmark(main);
