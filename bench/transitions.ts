/**
 * Transitions per second through the case engine and through HTTP, against pgbench running the same SQL
 * shape (lock the case, update it by version, insert the event, insert the outbox row) on the same database
 * in the same run. Run with `npm run bench -- transitions` (BENCH_SECONDS, BENCH_CLIENTS to change the load).
 */
import { randomBytes } from 'node:crypto';
import { writeFile, mkdir } from 'node:fs/promises';
import { SystemClock } from '../libs/clock/src/index.js';
import type { Actor } from '../libs/domain/src/index.js';
import { DeadlineBook } from '../libs/deadlines/src/deadline-book.js';
import { CaseEngine } from '../libs/engine/src/index.js';
import { PartyVault, PiiCipher } from '../libs/parties/src/index.js';
import { createDataSource, Database, migrate } from '../libs/persistence/src/index.js';
import { fmt, freshDatabase, load, machine, pgbench, REDIS_URL, sql, startProcess, stopProcess } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 10);
const CASES = 2_000;
const PORT = 3900 + Math.floor(Math.random() * 90);
const actor: Actor = { id: '00000000-0000-7000-8000-00000000beef', role: 'admin', name: 'bench' };

/**
 * The engine's transaction for an ADD_NOTE, statement for statement, for pgbench: lock the case (with the
 * fired-deadline probe), then one statement that updates the case by version and inserts the event and the
 * outbox row. Case n has id 00000000-0000-7000-8000-<n>.
 */
const PGBENCH_SCRIPT = `
\\set n random(1, :ncases)
BEGIN;
SELECT c.version AS v, c.head_hash AS h, c.snapshot AS snap, u.level, u.parent_code, u.path,
       (SELECT status FROM deadlines WHERE id = NULL::uuid AND case_id = c.id) AS deadline_status
  FROM cases c JOIN units u ON u.code = c.unit_code
  WHERE c.id = ('00000000-0000-7000-8000-' || lpad(to_hex(:n::int), 12, '0'))::uuid FOR NO KEY UPDATE OF c \\gset
WITH c AS (
  UPDATE cases SET state = 'triage.assessing', stage = 'triage', version = :v::int + 1, unit_code = 'B-C', category = 'neighbour',
      risk_level = NULL, outcome = NULL, supervised = false, snapshot = :snap::jsonb,
      head_hash = md5(:h::text || random()::text) || md5(random()::text), updated_at = now()
    WHERE id = ('00000000-0000-7000-8000-' || lpad(to_hex(:n::int), 12, '0'))::uuid AND version = :v::int RETURNING id),
e AS (
  INSERT INTO case_events (case_id, seq, type, payload, facts, actor, at, machine_version, state, unit_code, prev_hash, hash)
  SELECT c.id, :v::int + 1, 'ADD_NOTE', '{"text": "pgbench note"}', '{"unit": {"code": "B-C", "level": "community", "hasParent": true}}',
    '{"id": "00000000-0000-7000-8000-00000000beef", "name": "bench", "role": "admin"}', now(), 1,
    'triage.assessing', 'B-C', :h::text, md5(random()::text) || md5(random()::text) FROM c),
o AS (
  INSERT INTO outbox (id, case_id, queue, name, payload, created_at)
  SELECT gen_random_uuid(), c.id, 'notifications', 'case.event',
    '{"seq": 2, "type": "ADD_NOTE", "state": "triage.assessing", "caseId": "x", "unitCode": "B-C"}', now() FROM c)
SELECT count(*) FROM c;
END;
`;

async function main(): Promise<void> {
  const url = await freshDatabase('concord_bench_transitions');
  await migrate(url);
  await sql(url, `INSERT INTO units (code, name, level, parent_code, path, created_at) VALUES
    ('B-D', 'Bench district', 'district', NULL, '/B-D/', now()),
    ('B-S', 'Bench street', 'street', 'B-D', '/B-D/B-S/', now()),
    ('B-C', 'Bench community', 'community', 'B-S', '/B-D/B-S/B-C/', now())`);
  const dataKey = randomBytes(24).toString('base64');
  const dataSource = await createDataSource({ url, poolSize: CLIENTS + 2 }).initialize();
  const db = new Database(dataSource);
  const engine = new CaseEngine(db, new SystemClock(), new PartyVault(new PiiCipher(dataKey)), new DeadlineBook());

  process.stdout.write(`machine: ${await machine(url)}\nload: ${CLIENTS} clients, ${SECONDS} s each\n`);
  const ids: string[] = [];
  for (let i = 0; i < CASES; i++) {
    const { case: c } = await engine.open({
      kind: 'dispute', channel: 'walk_in', unitCode: 'B-C', summary: 'bench', description: 'bench case', category: 'neighbour',
      parties: [{ role: 'applicant', name: '测试', phone: '13800000000' }], actor, scope: null,
    });
    await engine.send({ caseId: c.id, type: 'ACCEPT', actor, scope: null });
    ids.push(c.id);
  }
  // pgbench's copies of the same cases, under ids it can compute from a number.
  await sql(url, `INSERT INTO cases SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'PG-' || n, 'PG' || n,
      kind, machine_version, state, stage, version, unit_code, channel, category, risk_level, outcome, supervised, summary,
      description, occurred_at, snapshot, head_hash, created_by, created_at, updated_at
    FROM generate_series(1, ${CASES}) n, (SELECT * FROM cases WHERE id = $1) c`, [ids[0]]);
  await sql(url, 'VACUUM ANALYZE');

  await mkdir('bench/.out', { recursive: true });
  await writeFile('bench/.out/transitions.sql', PGBENCH_SCRIPT);
  const baseline = await pgbench(url, 'bench/.out/transitions.sql', { clients: CLIENTS, seconds: SECONDS, vars: { ncases: CASES } });

  const note = (client: number, i: number) => ({ caseId: ids[(client + i * CLIENTS) % CASES]!, type: 'ADD_NOTE', payload: { text: `note ${i}` }, actor, scope: null });
  const viaEngine = await load(CLIENTS, SECONDS, async (client, i) => {
    await engine.send(note(client, i));
  });
  await dataSource.destroy();

  const adminKey = `ck_admin_bench_${randomBytes(16).toString('hex')}`;
  const api = await startProcess(
    'dist/apps/api/src/main.js',
    { PORT: String(PORT), DATABASE_URL: url, REDIS_URL, CONCORD_ADMIN_KEY: adminKey, CONCORD_DATA_KEY: dataKey, CONCORD_DB_POOL_SIZE: String(CLIENTS + 2) },
    async () => (await fetch(`http://127.0.0.1:${PORT}/api/v1/health`)).status === 200,
  );
  const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  const viaHttp = await load(CLIENTS, SECONDS, async (client, i) => {
    const { caseId, type, payload } = note(client, i);
    const response = await fetch(`http://127.0.0.1:${PORT}/api/v1/cases/${caseId}/events`, { method: 'POST', headers, body: JSON.stringify({ type, payload }) });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
  });
  await stopProcess(api);

  const rows = [
    ['pgbench, same SQL shape (-M prepared)', fmt(baseline, 0), '', '', '1.00'],
    ['case engine (in process)', fmt(viaEngine.perSecond, 0), fmt(viaEngine.p50, 2), fmt(viaEngine.p99, 2), fmt(viaEngine.perSecond / baseline, 2)],
    ['HTTP POST /cases/:id/events', fmt(viaHttp.perSecond, 0), fmt(viaHttp.p50, 2), fmt(viaHttp.p99, 2), fmt(viaHttp.perSecond / baseline, 2)],
  ];
  process.stdout.write(`\n${'path'.padEnd(40)}${'per s'.padStart(10)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'× pgbench'.padStart(12)}\n`);
  for (const [name, tps, p50, p99, ratio] of rows) {
    process.stdout.write(`${name!.padEnd(40)}${tps!.padStart(10)}${p50!.padStart(10)}${p99!.padStart(10)}${ratio!.padStart(12)}\n`);
  }
  await sql(url.replace(/\/[^/]*$/, '/postgres'), 'DROP DATABASE IF EXISTS concord_bench_transitions WITH (FORCE)');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
