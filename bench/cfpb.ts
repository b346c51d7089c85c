/**
 * Replays the CFPB complaint sample end to end through the HTTP API, on simulated time: each complaint is a
 * dispute registered on its received date, referred to its company (a department) on its sent date, answered
 * on a day derived from the dataset, followed up a day later and archived. The real worker fires the
 * deadlines that come due as the clock moves. Prints cases/s, HTTP rate and latency, and how many replies the
 * engine counted on time against the dataset's own "Timely response?".
 *   npm run bench -- cfpb      (CFPB_CSV: the CSV, default ../shared/data/cfpb_complaints_sample.csv from the
 *                               repo root; CFPB_LIMIT: the first N complaints; CFPB_CONCURRENCY: requests in flight)
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApi } from '../apps/api/src/api.factory.js';
import { verifyCaseChain, type EventRow } from '#audit';
import { ManualClock } from '#clock';
import type { ConcordConfig } from '#config';
import { Database } from '#persistence';
import { createQueues, createRedis, QueueName } from '#queues';
import { startTestWorker } from '../apps/worker/test/support/worker-harness.js';
import { describeMachine, fmt, freshDatabase, machineLine, percentile, REDIS_URL, sql } from './lib.js';
import { Report } from './report.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CSV = path.resolve(
  process.env.CFPB_CSV ?? process.argv[2] ?? path.resolve(REPO, '../shared/data/cfpb_complaints_sample.csv'),
);
const LIMIT = Number(process.env.CFPB_LIMIT ?? process.argv[3] ?? Infinity);
const CONCURRENCY = Number(process.env.CFPB_CONCURRENCY ?? 24);
const DB_NAME = 'concord_bench_cfpb';
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** China time of each step (UTC+8). Steps are batched by (day, phase); a case's steps are on increasing instants. */
const PHASE_HOUR = { register: 9, refer: 10, reply: 15, followUp: 16 } as const;
type Phase = keyof typeof PHASE_HOUR;
/** CFPB "Submitted via" → Concord channel. A "Referral" came from another agency: the nearest is a delegation. */
const CHANNELS: Record<string, string> = {
  Web: 'online',
  Email: 'online',
  Phone: 'hotline',
  'Postal mail': 'letter',
  Fax: 'letter',
  Referral: 'court_delegation',
};
/** A reply resolves the complaint when the company closed it with explanation or relief. */
const resolvedBy = (response: string) => response.startsWith('Closed with ');

interface Complaint {
  n: number;
  product: string;
  subProduct: string;
  issue: string;
  subIssue: string;
  company: string;
  state: string;
  zip: string;
  via: string;
  response: string;
  timely: boolean;
  disputed: string;
  received: number;
  referred: number;
  replied: number; // China dates, as days since the epoch
  category: string;
  unitCode: string;
  departmentCode: string;
  caseId?: string;
  referralId?: string;
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

const dayOf = (usDate: string): number => {
  const [m, d, y] = usDate.split('/').map(Number);
  if (!m || !d || !y) throw new Error(`not a M/D/YYYY date: "${usDate}"`);
  return Date.UTC(y, m - 1, d) / DAY;
};
const isoDay = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
const at = (day: number, phase: Phase) => day * DAY + (PHASE_HOUR[phase] - 8) * HOUR;
const snake = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

function departmentCode(company: string, taken: Map<string, string>): string {
  const base =
    company
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 64) || 'COMPANY';
  let code = base;
  for (let i = 2; taken.has(code); i++) code = `${base.slice(0, 64 - `_${i}`.length)}_${i}`;
  return code;
}

async function loadComplaints(): Promise<Complaint[]> {
  const [header, ...records] = parseCsv((await readFile(CSV, 'utf8')).replace(/^\uFEFF/, ''));
  const col = (name: string) => {
    const i = header!.indexOf(name);
    if (i < 0) throw new Error(`${CSV} has no column "${name}"`);
    return i;
  };
  const c = Object.fromEntries(
    [
      'Date received',
      'Product',
      'Sub-product',
      'Issue',
      'Sub-issue',
      'Company',
      'State',
      'ZIP code',
      'Submitted via',
      'Date sent to company',
      'Company response to consumer',
      'Timely response?',
      'Consumer disputed?',
    ].map((name) => [name, col(name)]),
  );
  const codes = new Map<string, string>(); // code → company
  const byCompany = new Map<string, string>();
  return records.slice(0, LIMIT).map((r, i) => {
    const f = (name: string) => (r[c[name]!] ?? '').trim();
    const company = f('Company');
    let code = byCompany.get(company);
    if (!code) {
      code = departmentCode(company, codes);
      codes.set(code, company);
      byCompany.set(company, code);
    }
    const timely = f('Timely response?') === 'Yes';
    // The CSV has no reply date: a stable hash of the row picks day 1..14 after referral if it was timely, 16..30 if not.
    const h = createHash('sha256').update(r.join('\u001f')).digest().readUInt32BE(0);
    const received = dayOf(f('Date received'));
    // A few complaints were sent the day before they were received: they are referred on the day received.
    const referred = Math.max(received, dayOf(f('Date sent to company')));
    if (!CHANNELS[f('Submitted via')]) throw new Error(`row ${i + 2}: unknown channel "${f('Submitted via')}"`);
    return {
      n: i + 1,
      product: f('Product'),
      subProduct: f('Sub-product'),
      issue: f('Issue'),
      subIssue: f('Sub-issue'),
      company,
      state: f('State'),
      zip: f('ZIP code'),
      via: f('Submitted via'),
      response: f('Company response to consumer'),
      timely,
      disputed: f('Consumer disputed?'),
      received,
      referred,
      replied: referred + (timely ? 1 + (h % 14) : 16 + (h % 15)),
      category: snake(f('Product')),
      unitCode: `US-${f('State') || 'XX'}`,
      departmentCode: code,
    };
  });
}

class ApiProblem extends Error {}

async function main(): Promise<void> {
  const complaints = await loadComplaints();
  const url = await freshDatabase(DB_NAME);
  const machine = await describeMachine(url);
  process.stdout.write(`machine: ${machineLine(machine)}\n`);
  const days = complaints.flatMap((c) => [c.received, c.replied + 1]);
  const [first, last] = [Math.min(...days), Math.max(...days)];
  const companies = new Map(complaints.map((c) => [c.departmentCode, c.company]));
  const states = [...new Set(complaints.map((c) => c.unitCode))].sort();
  process.stdout.write(
    `data: ${CSV}: ${fmt(complaints.length)} complaints, ${fmt(companies.size)} companies (departments), ` +
      `${new Set(complaints.map((c) => c.category)).size} products (categories), ${states.length} states (streets); ` +
      `simulated ${isoDay(first)} → ${isoDay(last)}\n`,
  );

  const clock = new ManualClock(new Date(at(first, 'register') - HOUR));
  const config: ConcordConfig = {
    port: 0,
    databaseUrl: url,
    redisUrl: REDIS_URL,
    adminKey: `ck_admin_bench_${randomBytes(16).toString('hex')}`,
    dataKey: randomBytes(24).toString('base64'),
    queuePrefix: `concord-bench-cfpb-${randomBytes(3).toString('hex')}`,
    dbPoolSize: 20,
    bodyLimit: 1_048_576,
    workerConsumes: 'all',
    reconcileIntervalMs: 120_000,
    jobLockMs: 30_000,
    webhookAttempts: 8,
    webhookBackoffMs: 10_000,
    webhookTimeoutMs: 10_000,
    idempotencyTtlHours: 24,
    webhookAllowPrivate: [],
    webhookRequireHttps: false,
    sessionIdleMinutes: 30,
    sessionMaxHours: 12,
    secureCookies: false,
  };
  const app = await createApi(config, { clock, logger: ['error'], docsUi: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/api/v1`;
  const db = app.get(Database);
  const worker = await startTestWorker(config, db, clock);

  let latencies: number[] = [];
  const call = async (method: string, route: string, key: string, body?: unknown, expected = 200): Promise<any> => {
    const started = performance.now();
    const response = await fetch(`${base}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    latencies.push(performance.now() - started);
    if (response.status !== expected) {
      throw new ApiProblem(
        `${method} ${route} ${JSON.stringify(body)} answered ${response.status} at ${clock.now().toISOString()}:\n${text}`,
      );
    }
    return text ? JSON.parse(text) : null;
  };

  // The directory: district US → one street per state; one department per company, accepting its products.
  const setupStarted = performance.now();
  const admin = config.adminKey!;
  await call('POST', '/units', admin, { code: 'US', name: 'United States (CFPB)', level: 'district' }, 201);
  for (const code of states)
    await call(
      'POST',
      '/units',
      admin,
      { code, name: `State ${code.slice(3)}`, level: 'street', parentCode: 'US' },
      201,
    );
  const departmentKeys = new Map<string, string>();
  for (const [code, company] of companies) {
    const categories = [...new Set(complaints.filter((c) => c.departmentCode === code).map((c) => c.category))];
    await call('POST', '/departments', admin, { code, name: company.slice(0, 200), categories }, 201);
    departmentKeys.set(
      code,
      (
        await call(
          'POST',
          '/api-keys',
          admin,
          { role: 'department', departmentCode: code, name: company.slice(0, 100) },
          201,
        )
      ).key,
    );
  }
  // Scoped to the district: a case whose triage clock breaches escalates from its street to US.
  const intake = (await call('POST', '/api-keys', admin, { role: 'intake', unitCode: 'US', name: 'CFPB intake' }, 201))
    .key as string;
  await call('PUT', '/deadline-policies', admin, { key: 'referral.reply', amount: 15, unit: 'calendar_days' });
  const setupRequests = latencies.length;
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  process.stdout.write(
    `setup: ${states.length + 1} units, ${fmt(companies.size)} departments, ${fmt(companies.size + 1)} API keys, ` +
      `policy referral.reply = 15 calendar days; ${fmt(setupRequests)} requests in ${fmt(setupSeconds, 1)} s\n`,
  );

  const event = (c: Complaint, type: string, payload: Record<string, unknown> = {}) =>
    call('POST', `/cases/${c.caseId}/events`, intake, { type, payload });
  const act = (c: Complaint, type: string, payload: Record<string, unknown> = {}) =>
    call('POST', `/referrals/${c.referralId}/events`, departmentKeys.get(c.departmentCode)!, { type, payload });
  let reopenDecisions = 0;
  let concluded = 0;
  const steps: Record<Phase, (c: Complaint) => Promise<void>> = {
    async register(c) {
      const created = await call(
        'POST',
        '/cases',
        intake,
        {
          kind: 'dispute',
          channel: CHANNELS[c.via],
          unitCode: c.unitCode,
          summary: c.issue || c.product,
          description: `${[c.product, c.subProduct].filter(Boolean).join(' / ')}: ${[c.issue, c.subIssue].filter(Boolean).join(' / ')} (${[c.state, c.zip].filter(Boolean).join(' ') || 'no state'})`,
          category: c.category,
          parties: [{ role: 'applicant', name: `Consumer ${c.n}` }],
        },
        201,
      );
      c.caseId = created.id;
      await event(c, 'ACCEPT');
      await event(c, 'CLASSIFY', { category: c.category, riskLevel: 'low' });
    },
    async refer(c) {
      const referred = await event(c, 'REFER', {
        departmentCode: c.departmentCode,
        instructions: 'Respond to the consumer within 15 days (CFPB).',
      });
      c.referralId = referred.referrals[0].id;
      await act(c, 'ACKNOWLEDGE'); // the same day: the 15-day reply clock starts here
    },
    async reply(c) {
      await act(c, 'ACCEPT');
      await act(c, 'REPLY', { resolved: resolvedBy(c.response), result: c.response || 'No response recorded' });
    },
    async followUp(c) {
      if (!resolvedBy(c.response)) {
        // An unresolved reply leaves the decision to the centre (mediation.reply_review): the company answered
        // without relief, so it concludes the case as unresolved, giving the answer as its reason, and follows up.
        await event(c, 'CONCLUDE', {
          ground: 'other',
          reason: `CFPB complaint ${c.n}: ${c.response || 'no response recorded'}`,
        });
        concluded++;
      }
      const satisfaction = c.disputed === 'Yes' ? 2 : c.disputed === 'No' ? 4 : 3;
      const after = await event(c, 'RECORD_FOLLOW_UP', { satisfaction, reached: true });
      // A first satisfaction ≤ 2 waits for the centre to choose REOPEN or CLOSE; it closes.
      if (after.state !== 'archive.closed') {
        await event(c, 'CLOSE');
        reopenDecisions++;
      }
    },
  };

  const batches = new Map<number, Array<{ phase: Phase; c: Complaint }>>();
  const plan = (instant: number, phase: Phase, c: Complaint) => {
    const batch = batches.get(instant) ?? [];
    batches.set(instant, batch);
    batch.push({ phase, c });
  };
  for (const c of complaints) {
    plan(at(c.received, 'register'), 'register', c);
    plan(at(c.referred, 'refer'), 'refer', c);
    plan(at(c.replied, 'reply'), 'reply', c);
    plan(at(c.replied + 1, 'followUp'), 'followUp', c);
  }
  const timeline = [...batches.keys()].sort((a, b) => a - b);
  process.stdout.write(`timeline: ${fmt(timeline.length)} batches (day × step), ${CONCURRENCY} requests in flight\n`);

  latencies = [];
  const fired = new Map<string, number>();
  let firingMs = 0;
  const started = performance.now();
  for (const instant of timeline) {
    clock.set(new Date(instant)); // increasing: the clock never goes back
    const firing = performance.now();
    for (const { result } of await worker.fireDue()) fired.set(result, (fired.get(result) ?? 0) + 1);
    firingMs += performance.now() - firing;
    const batch = batches.get(instant)!;
    let next = 0;
    let failed = false;
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, batch.length) }, async () => {
        while (!failed && next < batch.length) {
          const { phase, c } = batch[next++]!;
          await steps[phase](c).catch((error: unknown) => {
            failed = true;
            throw error;
          });
        }
      }),
    );
  }
  const replaySeconds = (performance.now() - started) / 1000;
  const requests = latencies.length;
  latencies.sort((a, b) => a - b);

  // Let the worker finish what the last transitions queued (notices, case-event receipts) before reading.
  await worker.relay();
  const redis = createRedis(REDIS_URL);
  const queues = createQueues(redis, config.queuePrefix);
  for (let tries = 0; tries < 600; tries++) {
    const counts = await queues.get(QueueName.Notifications)!.getJobCounts('waiting', 'active', 'prioritized');
    if (Object.values(counts).every((n) => n === 0)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await worker.close();

  const referrals = await db.query<{
    id: string;
    answered_at: Date | null;
    supervised_at: Date | null;
    urged_at: Date | null;
    due_at: Date | null;
    rolled: string | null;
  }>(
    `SELECT r.id, r.answered_at, r.supervised_at, r.urged_at, d.due_at, d.derivation->>'rolledOverFrom' AS rolled
       FROM referrals r LEFT JOIN deadlines d ON d.referral_id = r.id AND d.key = 'referral.reply' AND d.kind = 'due' AND d.status <> 'superseded'`,
  );
  const byReferral = new Map(referrals.map((r) => [r.id, r]));
  const table = { yes: { on: 0, late: 0 }, no: { on: 0, late: 0 } };
  let rolledOver = 0;
  let supervisedAgrees = 0;
  for (const c of complaints) {
    const r = byReferral.get(c.referralId!)!;
    const onTime = r.answered_at !== null && r.due_at !== null && r.answered_at <= r.due_at;
    table[c.timely ? 'yes' : 'no'][onTime ? 'on' : 'late']++;
    if (onTime && !c.timely && r.rolled) rolledOver++;
    if (onTime === (r.supervised_at === null)) supervisedAgrees++;
  }
  const total = complaints.length;
  const pct = (n: number) => `${fmt((100 * n) / total, 1)}%`;
  const engineOnTime = table.yes.on + table.no.on;
  const datasetTimely = table.yes.on + table.yes.late;
  const supervised = referrals.filter((r) => r.supervised_at).length;
  const urged = referrals.filter((r) => r.urged_at).length;
  const [cases] = await db.query<{ archived: string; closed: string; unresolved: string; escalated: string }>(
    `SELECT count(*) FILTER (WHERE state = 'archive.closed') AS archived,
            count(*) FILTER (WHERE state = 'archive.closed' AND outcome = 'resolved') AS closed,
            count(*) FILTER (WHERE state = 'archive.closed' AND outcome = 'unresolved') AS unresolved,
            (SELECT count(DISTINCT case_id) FROM deadlines WHERE key = 'dispute.triage' AND kind = 'due' AND status = 'fired') AS escalated
       FROM cases`,
  );
  const firedByKey = await db.query<{ key: string; n: string }>(
    `SELECT key || CASE WHEN kind = 'warning' THEN ' ' || percent || '%' ELSE '' END AS key, count(*) AS n
       FROM deadlines WHERE status = 'fired' GROUP BY 1 ORDER BY 2 DESC`,
  );

  // Every case's hash chain, from its rows in seq order, against the head stored on the case.
  const events = await db.query<EventRow>('SELECT * FROM case_events ORDER BY case_id, seq');
  const heads = new Map(
    (await db.query<{ id: string; head_hash: string }>('SELECT id, head_hash FROM cases')).map((r) => [
      r.id,
      r.head_hash,
    ]),
  );
  let valid = 0;
  const broken: string[] = [];
  for (let i = 0; i < events.length;) {
    let j = i;
    while (j < events.length && events[j]!.case_id === events[i]!.case_id) j++;
    const verdict = verifyCaseChain(events.slice(i, j), heads.get(events[i]!.case_id));
    if (verdict.valid) valid++;
    else broken.push(JSON.stringify(verdict.brokenAt));
    i = j;
  }

  // The figures are printed as they come and kept, as they read, for bench/RESULTS.md.
  const said: string[] = [];
  const say = (text: string) => {
    process.stdout.write(text);
    said.push(text);
  };
  const line = (label: string, value: string) => say(`${label.padEnd(46)}${value}\n`);
  say('\n');
  line(
    'complaints replayed',
    `${fmt(total)} in ${fmt(replaySeconds, 1)} s (deadline firing ${fmt(firingMs / 1000, 1)} s of it)`,
  );
  line('cases/s', fmt(total / replaySeconds, 1));
  line(
    'HTTP requests',
    `${fmt(requests)}: ${fmt(requests / replaySeconds)}/s, p50 ${fmt(percentile(latencies, 50), 1)} ms, p99 ${fmt(percentile(latencies, 99), 1)} ms`,
  );
  line(
    'deadlines fired by the worker',
    `${fmt([...fired.values()].reduce((a, b) => a + b, 0))} (${[...fired].map(([k, v]) => `${k} ${fmt(v)}`).join(', ')})`,
  );
  for (const { key, n } of firedByKey) line(`  ${key}`, fmt(Number(n)));
  line('on time, engine (REPLY ≤ referral.reply due)', `${fmt(engineOnTime)} (${pct(engineOnTime)})`);
  line('on time, dataset ("Timely response?" Yes)', `${fmt(datasetTimely)} (${pct(datasetTimely)})`);
  say(`${''.padEnd(24)}${'dataset Yes'.padStart(12)}${'dataset No'.padStart(12)}\n`);
  say(`${'  engine on time'.padEnd(24)}${fmt(table.yes.on).padStart(12)}${fmt(table.no.on).padStart(12)}\n`);
  say(`${'  engine late'.padEnd(24)}${fmt(table.yes.late).padStart(12)}${fmt(table.no.late).padStart(12)}\n`);
  if (table.no.on) {
    say(
      `  ${fmt(table.no.on)} untimely complaints were on time by the engine; for ${fmt(rolledOver)} of them the 15th day fell on a Chinese\n` +
        `  rest day, and the due date rolled over to the next working day (民法典 art. 203), past the derived reply day.\n`,
    );
  }
  if (table.yes.late)
    say(
      `  ${fmt(table.yes.late)} timely complaints were late by the engine: unexpected (replies come 1..14 days after the acknowledgement).\n`,
    );
  line(
    'referrals supervised (督办) / urged (催办)',
    `${fmt(supervised)} / ${fmt(urged)}; supervision matches engine lateness for ${fmt(supervisedAgrees)} of ${fmt(total)}`,
  );
  line(
    'triage clock breached before referral',
    `${fmt(Number(cases!.escalated))} cases (CFPB sent them > 3 working days after receipt; escalated to US)`,
  );
  line(
    'cases archived',
    `${fmt(Number(cases!.archived))} of ${fmt(total)}: ${fmt(Number(cases!.closed))} resolved and ${fmt(Number(cases!.unresolved))} concluded unresolved after an unresolved reply (${fmt(concluded)} sent), each after follow-up (${fmt(reopenDecisions)} after a REOPEN/CLOSE decision)`,
  );
  line(
    'hash chains',
    `${fmt(valid)} of ${fmt(heads.size)} cases verify (${fmt(events.length)} events)${broken.length ? `; broken: ${broken.slice(0, 5).join(' ')}` : ''}`,
  );

  const report = new Report('cfpb', 'the CFPB complaint sample replayed through HTTP');
  report.text(
    `${fmt(total)} complaints of ${path.basename(CSV)} replayed end to end through the HTTP API on a simulated clock (API and worker ` +
      `in one process, ${CONCURRENCY} requests in flight); README.md ("Benchmarks") describes the replay. No baseline: this checks ` +
      'the deadlines against real data and gives an end-to-end rate.',
  );
  report.text(`\`\`\`\n${said.join('').replace(/^\n+/, '')}\`\`\``);
  await app.close();
  await Promise.all([...queues.values()].map((q) => q.obliterate({ force: true }).then(() => q.close())));
  await redis.quit();
  await sql(url.replace(/\/[^/]*$/, '/postgres'), `DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await report.write(machine, `CFPB_LIMIT=${Number.isFinite(LIMIT) ? LIMIT : 'all'} CFPB_CONCURRENCY=${CONCURRENCY}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof ApiProblem ? `stopped: ${error.message}` : error);
    process.exit(1);
  },
);
