/**
 * Transitions per second through the case engine (in process) and through HTTP, at 1, 10 and 50 clients, each
 * against pgbench running the same SQL shape at the same client count on the same database in the same run;
 * and case creation (engine.open, POST /cases) against pgbench's copy of the creation statement.
 *   npm run bench -- transitions
 * BENCH_CLIENTS (default 1,10,50), BENCH_SECONDS (per measurement, default 5), BENCH_REPEAT (rounds, default 3:
 * the spread between rounds is shown), BENCH_CREATE_CLIENTS (default 10), BENCH_CASES (cases written to, 2,000).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { SystemClock } from '#clock';
import type { Actor } from '#domain';
import { DeadlineBook } from '#deadlines';
import { CaseEngine } from '#engine';
import { PartyVault, PiiCipher } from '#parties';
import { createDataSource, Database, migrate } from '#persistence';
import { HttpClient } from './http.js';
import {
  describeMachine,
  dropDatabase,
  envNumber,
  envNumbers,
  fmt,
  freshDatabase,
  load,
  ms,
  OUT_DIR,
  pgbench,
  ratio,
  REDIS_URL,
  runBenchmark,
  sql,
  startProcess,
  stopProcess,
  withCpu,
  type RateResult,
} from './lib.js';
import { Report } from './report.js';
import { pgbenchScripts } from './pgbench-scripts.js';

const DB = 'concord_bench_transitions';
const CLIENTS = envNumbers('BENCH_CLIENTS', [1, 10, 50]);
const SECONDS = envNumber('BENCH_SECONDS', 5);
const REPEAT = Math.max(1, envNumber('BENCH_REPEAT', 3));
const CREATE_CLIENTS = envNumber('BENCH_CREATE_CLIENTS', 10);
const CASES = envNumber('BENCH_CASES', 2_000);
const WARMUP = 1;
const PORT = 3900 + Math.floor(Math.random() * 90);
const POOL = Math.max(...CLIENTS, CREATE_CLIENTS) + 2;
const actor: Actor = { id: '00000000-0000-7000-8000-00000000beef', role: 'admin', name: 'bench' };
const newCase = {
  kind: 'dispute' as const,
  channel: 'walk_in' as const,
  unitCode: 'B-C',
  summary: 'bench',
  description: 'bench case',
  category: 'neighbour',
  parties: [{ role: 'applicant' as const, name: '测试', phone: '13800000000' }],
};

/** Rounds of one measurement: the median round by rate (of an even count, the upper middle one) and the spread. */
interface Measured {
  median: RateResult;
  min: number;
  max: number;
}

function summarise(rounds: RateResult[]): Measured {
  const sorted = [...rounds].sort((a, b) => a.perSecond - b.perSecond);
  return {
    median: sorted[Math.floor(sorted.length / 2)]!,
    min: sorted[0]!.perSecond,
    max: sorted[sorted.length - 1]!.perSecond,
  };
}

async function main(): Promise<void> {
  const url = await freshDatabase(DB);
  await migrate(url);
  const machine = await describeMachine(url);
  await sql(
    url,
    `INSERT INTO units (code, name, level, parent_code, path, created_at) VALUES
    ('B-D', 'Bench district', 'district', NULL, '/B-D/', now()),
    ('B-S', 'Bench street', 'street', 'B-D', '/B-D/B-S/', now()),
    ('B-C', 'Bench community', 'community', 'B-S', '/B-D/B-S/B-C/', now())`,
  );
  const dataKey = randomBytes(24).toString('base64');
  const dataSource = await createDataSource({ url, poolSize: POOL }).initialize();
  const db = new Database(dataSource);
  const engine = new CaseEngine(db, new SystemClock(), new PartyVault(new PiiCipher(dataKey)), new DeadlineBook());

  const ids: string[] = [];
  await Promise.all(
    Array.from({ length: 10 }, async (_, w) => {
      for (let i = w; i < CASES; i += 10) {
        const { case: c } = await engine.open({ ...newCase, actor, scope: null });
        await engine.send({ caseId: c.id, type: 'ACCEPT', actor, scope: null });
        ids.push(c.id);
      }
    }),
  );
  // pgbench's copies of the same cases (in triage, as the engine's), under ids it computes from a number, and its
  // scripts: the engine's statements with the values of a real ADD_NOTE and a real engine.open.
  await engine.send({ caseId: ids[0]!, type: 'ADD_NOTE', payload: { text: 'note 0' }, actor, scope: null });
  const { case: opened } = await engine.open({ ...newCase, actor, scope: null });
  await sql(
    url,
    `INSERT INTO cases SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'PG-' || n, 'PG' || n,
      kind, machine_version, state, stage, version, unit_code, channel, category, risk_level, outcome, supervised, summary,
      description, occurred_at, snapshot, head_hash, created_by, created_at, updated_at
    FROM generate_series(1, ${CASES}) n, (SELECT * FROM cases WHERE id = $1) c`,
    [ids[0]],
  );
  const scripts = await pgbenchScripts(url, ids[0]!, opened.id);
  await sql(url, 'VACUUM ANALYZE');
  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(`${OUT_DIR}/transition.sql`, scripts.transition.script);
  await writeFile(`${OUT_DIR}/create.sql`, scripts.create.script);
  process.stdout.write(
    `${fmt(CASES)} cases; clients ${CLIENTS.join(', ')}; ${SECONDS} s per measurement after ${WARMUP} s warm-up; ${REPEAT} round(s)\n`,
  );

  const note = (client: number, i: number, clients: number) => ({
    caseId: ids[(client + i * clients) % CASES]!,
    type: 'ADD_NOTE',
    payload: { text: `note ${i}` },
    actor,
    scope: null,
  });
  const rounds = {
    pgbench: new Map<number, RateResult[]>(),
    engine: new Map<number, RateResult[]>(),
    http: new Map<number, RateResult[]>(),
  };
  const creation = { pgbench: [] as RateResult[], engine: [] as RateResult[], http: [] as RateResult[] };
  const push = (m: Map<number, RateResult[]>, c: number, r: RateResult) => m.set(c, [...(m.get(c) ?? []), r]);
  const say = (what: string, r: RateResult) =>
    process.stdout.write(
      `  ${what.padEnd(34)} ${fmt(r.perSecond).padStart(7)}/s  p50 ${ms(r.p50)} ms  p99 ${ms(r.p99)} ms${r.cpuMs ? `  Node CPU ${ms(r.cpuMs)} ms/op (${fmt(100 * r.sysShare!)}% kernel)` : ''}\n`,
    );

  // Engine and pgbench take turns, round after round, so that noise from other work on the machine shows as spread.
  for (let round = 1; round <= REPEAT; round++) {
    for (const clients of CLIENTS) {
      const base = await pgbench(url, `${OUT_DIR}/transition.sql`, {
        clients,
        seconds: SECONDS,
        vars: { ...scripts.transition.vars, ncases: CASES },
      });
      push(rounds.pgbench, clients, base);
      say(`round ${round}, ${clients} clients: pgbench`, base);
      const viaEngine = await withCpu(process.pid, () =>
        load(clients, SECONDS, (client, i) => engine.send(note(client, i, clients)).then(() => undefined), WARMUP),
      );
      push(rounds.engine, clients, viaEngine);
      say(`round ${round}, ${clients} clients: engine`, viaEngine);
    }
    const base = await pgbench(url, `${OUT_DIR}/create.sql`, {
      clients: CREATE_CLIENTS,
      seconds: SECONDS,
      vars: scripts.create.vars,
    });
    creation.pgbench.push(base);
    say(`round ${round}, creation: pgbench`, base);
    const opened = await withCpu(process.pid, () =>
      load(
        CREATE_CLIENTS,
        SECONDS,
        () => engine.open({ ...newCase, actor, scope: null }).then(() => undefined),
        WARMUP,
      ),
    );
    creation.engine.push(opened);
    say(`round ${round}, creation: engine.open`, opened);
  }
  await dataSource.destroy();

  const adminKey = `ck_admin_bench_${randomBytes(16).toString('hex')}`;
  const api = await startProcess(
    'dist/apps/api/src/main.js',
    {
      PORT: String(PORT),
      DATABASE_URL: url,
      REDIS_URL,
      CONCORD_ADMIN_KEY: adminKey,
      CONCORD_DATA_KEY: dataKey,
      CONCORD_DB_POOL_SIZE: String(POOL),
    },
    async () => (await fetch(`http://127.0.0.1:${PORT}/api/v1/health/live`)).status === 200,
  );
  const headers = { authorization: `Bearer ${adminKey}` };
  for (let round = 1; round <= REPEAT; round++) {
    for (const clients of CLIENTS) {
      const client = new HttpClient(PORT, clients);
      const viaHttp = await withCpu(api.pid!, () =>
        load(
          clients,
          SECONDS,
          async (c, i) => {
            const { caseId, type, payload } = note(c, i, clients);
            await client.expect(
              { method: 'POST', path: `/api/v1/cases/${caseId}/events`, headers, body: { type, payload } },
              200,
            );
          },
          WARMUP,
        ),
      );
      client.close();
      push(rounds.http, clients, viaHttp);
      say(`round ${round}, ${clients} clients: HTTP`, viaHttp);
    }
    const client = new HttpClient(PORT, CREATE_CLIENTS);
    const created = await withCpu(api.pid!, () =>
      load(
        CREATE_CLIENTS,
        SECONDS,
        () =>
          client.expect({ method: 'POST', path: '/api/v1/cases', headers, body: newCase }, 201).then(() => undefined),
        WARMUP,
      ),
    );
    client.close();
    creation.http.push(created);
    say(`round ${round}, creation: POST /cases`, created);
  }
  await stopProcess(api);

  const report = new Report('transitions', 'transitions/s and case creation against pgbench');
  report.text(
    `Each transition is an \`ADD_NOTE\` on one of ${fmt(CASES)} cases in \`triage.assessing\`. pgbench runs the engine's own ` +
      'statements for it (BEGIN; lock the case with its unit; one statement that updates the case by version, updates its ' +
      'referral and deadline rows (none match), inserts the event and the outbox row; COMMIT) with `-M prepared`. HTTP is ' +
      '`POST /api/v1/cases/:id/events` on one API process (which also reads the case view it answers with), driven by a ' +
      'keep-alive closed-loop client (one request at a time per connection, like `autocannon -c N -p 1`) in the bench ' +
      `process. Rates are the median of ${REPEAT} round(s) of ${SECONDS} s; "spread" is the lowest and highest round. ` +
      'Ratios are to pgbench at the same client count in the same round set. Latencies in ms. "Node CPU" is the CPU time ' +
      '(user + system) per operation of the Node process doing the work: the bench process for the engine, the API process ' +
      'for HTTP (the machine has 2 cores, shared with PostgreSQL and the load generator).',
  );
  const row = (name: string, clients: number, m: Measured, base: Measured) => [
    name,
    String(clients),
    fmt(m.median.perSecond),
    `${fmt(m.min)}–${fmt(m.max)}`,
    ms(m.median.p50),
    ms(m.median.p99),
    ratio(m.median.perSecond, base.median.perSecond),
    m.median.cpuMs ? `${ms(m.median.cpuMs)} (${fmt(100 * m.median.sysShare!)}% kernel)` : '',
  ];
  const rows: string[][] = [];
  for (const clients of CLIENTS) {
    const base = summarise(rounds.pgbench.get(clients)!);
    rows.push(row('pgbench, same SQL shape', clients, base, base));
    rows.push(row('case engine (in process)', clients, summarise(rounds.engine.get(clients)!), base));
    rows.push(row('HTTP POST /cases/:id/events', clients, summarise(rounds.http.get(clients)!), base));
  }
  report.table(['path', 'clients', 'per s', 'spread', 'p50', 'p99', '× pgbench', 'Node CPU ms/op'], rows);
  report.text(
    'Case creation: `engine.open` and `POST /api/v1/cases` of a dispute with one party (its PII encrypted), which writes the ' +
      'case, its REGISTER event, the party, the intake clock with its two warnings and four outbox rows; pgbench runs the same ' +
      'statements (unit and reference number; calendar overrides and policies; one INSERT … RETURNING with every row), ' +
      'its values copied from a template of the rows one `engine.open` wrote.',
  );
  const base = summarise(creation.pgbench);
  report.table(
    ['path', 'clients', 'per s', 'spread', 'p50', 'p99', '× pgbench', 'Node CPU ms/op'],
    [
      row('pgbench, same SQL shape', CREATE_CLIENTS, base, base),
      row('engine.open (in process)', CREATE_CLIENTS, summarise(creation.engine), base),
      row('HTTP POST /cases', CREATE_CLIENTS, summarise(creation.http), base),
    ],
  );
  await report.write(
    machine,
    `BENCH_CLIENTS=${CLIENTS.join(',')} BENCH_SECONDS=${SECONDS} BENCH_REPEAT=${REPEAT} BENCH_CREATE_CLIENTS=${CREATE_CLIENTS} BENCH_CASES=${CASES}; pools ${POOL} connections`,
  );
  await dropDatabase(DB);
}

runBenchmark(main);
