/**
 * The audit side at scale: 1,000,000 hash-chained events (10,000 cases of 100 events, minus room for one case
 * of 1,000), loaded straight into PostgreSQL with valid chains; then how fast every chain verifies, how fast
 * a filtered page of `GET /audit/events` answers over HTTP, and how long rebuilding the 1,000-event case takes.
 *   npm run bench -- audit      (BENCH_AUDIT_EVENTS to change the total)
 */
import { randomBytes } from 'node:crypto';
import { ChainVerifier, eventHash, GENESIS_HASH, PointInTime, type ChainedEvent } from '#audit';
import { SystemClock } from '#clock';
import { DeadlineBook } from '#deadlines';
import type { Actor } from '#domain';
import { CaseEngine } from '#engine';
import { PartyVault, PiiCipher } from '#parties';
import { createDataSource, Database, migrate } from '#persistence';
import {
  describeMachine,
  fmt,
  freshDatabase,
  machineLine,
  percentile,
  REDIS_URL,
  runBenchmark,
  sql,
  startProcess,
  stopProcess,
} from './lib.js';
import { Report } from './report.js';

const TOTAL = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
const PER_CASE = 100;
const LONG_CASE = 1_000;
const BATCH = 20_000;
const PORT = 3900 + Math.floor(Math.random() * 90);
const DAY = 86_400_000;
const START = Date.parse('2026-01-05T01:00:00Z');
const actors: Actor[] = Array.from({ length: 20 }, (_, i) => ({
  id: `00000000-0000-7000-8000-${String(i + 1).padStart(12, '0')}`,
  role: i % 4 === 0 ? 'intake' : 'mediator',
  name: `staff ${i + 1}`,
}));
const UNITS = ['B-C1', 'B-C2', 'B-C3', 'B-C4'];

interface Row {
  caseId: string;
  chained: ChainedEvent;
  prevHash: string;
  hash: string;
}

async function main(): Promise<void> {
  const url = await freshDatabase('concord_bench_audit');
  await migrate(url);
  const machine = await describeMachine(url);
  process.stdout.write(`machine: ${machineLine(machine)}\n`);
  await sql(
    url,
    `INSERT INTO units (code, name, level, parent_code, path, created_at) VALUES
    ('B-D', 'Bench district', 'district', NULL, '/B-D/', now()),
    ('B-S', 'Bench street', 'street', 'B-D', '/B-D/B-S/', now()),
    ${UNITS.map((u) => `('${u}', 'Bench community ${u}', 'community', 'B-S', '/B-D/B-S/${u}/', now())`).join(',\n    ')}`,
  );
  const dataKey = randomBytes(24).toString('base64');
  const dataSource = await createDataSource({ url, poolSize: 8 }).initialize();
  const db = new Database(dataSource);
  const engine = new CaseEngine(db, new SystemClock(), new PartyVault(new PiiCipher(dataKey)), new DeadlineBook());

  // One real case gives the row every synthetic case copies: its snapshot, its REGISTER payload and facts.
  const { case: template } = await engine.open({
    kind: 'dispute',
    channel: 'walk_in',
    unitCode: 'B-C1',
    summary: 'bench',
    description: 'bench case',
    parties: [],
    actor: actors[0]!,
    scope: null,
  });
  const [register] = (await sql(url, `SELECT payload, facts FROM case_events WHERE case_id = $1`, [template.id]))
    .rows as Array<{
    payload: Record<string, unknown>;
    facts: Record<string, unknown>;
  }>;
  const snapshot = template.snapshot;
  // The template stays (case_events is append-only): one more valid chain of one event.

  // Cases 1..n of PER_CASE events, and one of LONG_CASE: REGISTER, then notes (accepted in any open state,
  // so the machine replays them), an hour apart, spread over several weeks.
  const cases = Math.floor((TOTAL - LONG_CASE) / PER_CASE);
  const caseId = (n: number) => `00000000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
  const plan = [
    ...Array.from({ length: cases }, (_, i) => ({ n: i + 1, events: PER_CASE })),
    { n: cases + 1, events: LONG_CASE },
  ];
  const longCase = caseId(cases + 1);

  const loading = performance.now();
  let pending: Row[] = [];
  const heads: Array<{ id: string; n: number; version: number; unit: string; hash: string; at: Date }> = [];
  for (const { n, events } of plan) {
    const id = caseId(n);
    const unit = UNITS[n % UNITS.length]!;
    const facts = { ...register!.facts, unit: { code: unit, level: 'community', hasParent: true } };
    const opened = START + (n % 28) * DAY + (n % 600) * 60_000;
    let prev = GENESIS_HASH;
    let at = opened;
    for (let seq = 1; seq <= events; seq++) {
      at = opened + (seq - 1) * 3_600_000;
      const chained: ChainedEvent = {
        caseId: id,
        seq,
        type: seq === 1 ? 'REGISTER' : 'ADD_NOTE',
        payload: seq === 1 ? { ...register!.payload, unitCode: unit } : { text: `note ${seq} on case ${n}` },
        facts,
        actor: actors[(n + seq) % actors.length],
        at: new Date(at).toISOString(),
        machineVersion: 1,
        state: 'intake.registered',
        unitCode: unit,
      };
      const hash = eventHash(prev, chained);
      pending.push({ caseId: id, chained, prevHash: prev, hash });
      prev = hash;
    }
    heads.push({ id, n, version: events, unit, hash: prev, at: new Date(at) });
    if (pending.length >= BATCH) {
      await insertCases(url, snapshot, heads.splice(0));
      await insertEvents(url, pending);
      pending = [];
    }
  }
  await insertCases(url, snapshot, heads.splice(0));
  await insertEvents(url, pending);
  await sql(url, 'VACUUM ANALYZE');
  const loadedIn = (performance.now() - loading) / 1000;
  const [{ count }] = (await sql(url, 'SELECT count(*)::int AS count FROM case_events')).rows as Array<{
    count: number;
  }>;
  process.stdout.write(`loaded ${fmt(count)} events in ${fmt(cases + 1)} cases in ${fmt(loadedIn, 1)} s\n`);

  // Verification of every chain.
  const verifying = performance.now();
  const verdict = await new ChainVerifier(db).verifyAll();
  const verifySeconds = (performance.now() - verifying) / 1000;
  if (!verdict.valid) throw new Error(`the loaded chains do not verify: ${JSON.stringify(verdict.brokenAt)}`);

  // Rebuilding the 1,000-event case from its events.
  const rebuilds: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    const rebuilt = await new PointInTime(db).rebuild(longCase, new Date());
    rebuilds.push(performance.now() - t);
    if (rebuilt.version !== LONG_CASE || rebuilt.matchesStored !== true)
      throw new Error(
        `rebuild did not match: ${JSON.stringify({ version: rebuilt.version, matches: rebuilt.matchesStored })}`,
      );
  }
  rebuilds.sort((a, b) => a - b);
  await dataSource.destroy();

  // Filtered pages of GET /audit/events over HTTP, as an auditor reads them.
  const adminKey = `ck_admin_bench_${randomBytes(16).toString('hex')}`;
  const api = await startProcess(
    'dist/apps/api/src/main.js',
    { PORT: String(PORT), DATABASE_URL: url, REDIS_URL, CONCORD_ADMIN_KEY: adminKey, CONCORD_DATA_KEY: dataKey },
    async () => (await fetch(`http://127.0.0.1:${PORT}/api/v1/health/live`)).status === 200,
  );
  const base = `http://127.0.0.1:${PORT}/api/v1`;
  const adminHeaders = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  const auditorKey = (
    (await (
      await fetch(`${base}/api-keys`, {
        method: 'POST',
        headers: adminHeaders,
        body: JSON.stringify({ role: 'auditor', name: 'bench auditor' }),
      })
    ).json()) as { key: string }
  ).key;
  const headers = { authorization: `Bearer ${auditorKey}` };
  const day = (d: number) => new Date(START + d * DAY).toISOString();
  const filters = [
    (i: number) => `caseId=${caseId((i % cases) + 1)}`,
    (i: number) => `actor=${actors[i % actors.length]!.id}&from=${day(i % 20)}&to=${day((i % 20) + 3)}`,
    (i: number) => `type=REGISTER&from=${day(i % 25)}&to=${day((i % 25) + 2)}`,
    (i: number) => `unitCode=${UNITS[i % UNITS.length]}&from=${day(i % 25)}&to=${day((i % 25) + 1)}`,
    (i: number) => `from=${day(i % 30)}&to=${day((i % 30) + 1)}`,
  ];
  const latencies: number[] = [];
  let items = 0;
  for (let i = 0; i < 500; i++) {
    const query = `${filters[i % filters.length]!(i)}&limit=50`;
    const t = performance.now();
    const response = await fetch(`${base}/audit/events?${query}`, { headers });
    const body = (await response.json()) as { items: unknown[] };
    latencies.push(performance.now() - t);
    if (response.status !== 200)
      throw new Error(`GET /audit/events?${query} answered ${response.status}: ${JSON.stringify(body)}`);
    items += body.items.length;
  }
  latencies.sort((a, b) => a - b);
  await stopProcess(api);

  const report = new Report('audit', `verify, audit pages and rebuild over ${fmt(TOTAL)} chained events`);
  report.text(
    `${fmt(count)} hash-chained events (${fmt(cases)} cases of ${PER_CASE} events and one of ${fmt(LONG_CASE)}, valid chains) loaded ` +
      `straight into PostgreSQL in ${fmt(loadedIn, 1)} s. Verify: ChainVerifier.verifyAll (what GET /audit/verify runs), every chain. ` +
      'Pages: GET /api/v1/audit/events?limit=50 over HTTP as an unscoped auditor, one request at a time, cycling through five filters ' +
      '(by case; by actor within 3 days; by type within 2 days; by unit within a day; by a day). Rebuild: PointInTime.rebuild of the ' +
      `${fmt(LONG_CASE)}-event case (what GET /audit/cases/:id/state runs), median of 7. There is no baseline: these are absolute figures.`,
  );
  report.table(
    ['measure', 'figure'],
    [
      [
        'verify every chain',
        `${fmt(verdict.checked / verifySeconds)} events/s (${fmt(verdict.checked)} in ${fmt(verifySeconds, 1)} s)`,
      ],
      ['GET /audit/events, filtered page of 50: p50', `${fmt(percentile(latencies, 50), 1)} ms`],
      ['GET /audit/events, filtered page of 50: p99', `${fmt(percentile(latencies, 99), 1)} ms`],
      ['  pages, events returned', `${fmt(latencies.length)}, ${fmt(items)}`],
      [`rebuild the ${fmt(LONG_CASE)}-event case (median of 7)`, `${fmt(percentile(rebuilds, 50), 1)} ms`],
    ],
  );
  await report.write(machine, `BENCH_AUDIT_EVENTS=${TOTAL}`);
  await sql(url.replace(/\/[^/]*$/, '/postgres'), 'DROP DATABASE IF EXISTS concord_bench_audit WITH (FORCE)');
}

/** Case rows for the synthetic chains: the template's snapshot (a registered dispute), each with its own head. */
async function insertCases(
  url: string,
  snapshot: unknown,
  heads: Array<{ id: string; n: number; version: number; unit: string; hash: string; at: Date }>,
) {
  if (!heads.length) return;
  await sql(
    url,
    `INSERT INTO cases (id, reference, query_code, kind, machine_version, state, stage, version, unit_code, channel, summary, description,
                        snapshot, head_hash, created_by, created_at, updated_at)
     SELECT h.id, 'AUD-' || h.n, 'AUD' || lpad(h.n::text, 9, '0'), 'dispute', 1, 'intake.registered', 'intake', h.version, h.unit,
            'walk_in', 'bench', 'bench case', $1::jsonb, h.hash, '00000000-0000-7000-8000-00000000beef', h.at, h.at
       FROM unnest($2::uuid[], $3::int[], $4::int[], $5::text[], $6::text[], $7::timestamptz[]) AS h(id, n, version, unit, hash, at)`,
    [
      JSON.stringify(snapshot),
      heads.map((h) => h.id),
      heads.map((h) => h.n),
      heads.map((h) => h.version),
      heads.map((h) => h.unit),
      heads.map((h) => h.hash),
      heads.map((h) => h.at),
    ],
  );
}

async function insertEvents(url: string, rows: Row[]) {
  if (!rows.length) return;
  await sql(
    url,
    `INSERT INTO case_events (case_id, seq, type, payload, facts, actor, at, machine_version, state, unit_code, prev_hash, hash)
     SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::jsonb[], $5::jsonb[], $6::jsonb[], $7::timestamptz[], $8::int[],
                          $9::text[], $10::text[], $11::text[], $12::text[])`,
    [
      rows.map((r) => r.caseId),
      rows.map((r) => r.chained.seq),
      rows.map((r) => r.chained.type),
      rows.map((r) => JSON.stringify(r.chained.payload)),
      rows.map((r) => JSON.stringify(r.chained.facts)),
      rows.map((r) => JSON.stringify(r.chained.actor)),
      rows.map((r) => r.chained.at),
      rows.map((r) => r.chained.machineVersion),
      rows.map((r) => r.chained.state),
      rows.map((r) => r.chained.unitCode),
      rows.map((r) => r.prevHash),
      rows.map((r) => r.hash),
    ],
  );
}

runBenchmark(main);
