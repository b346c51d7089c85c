/**
 * Synthetic data at scale for bench/scale.ts, generated inside PostgreSQL (INSERT … SELECT generate_series):
 * a unit tree of 1 district, 10 streets, 100 communities and 1,000 grids; 20 departments; staff accounts (two
 * mediators per community, a leader per street, two staff per department, one deployment-wide admin); `cases`
 * cases over 700 days (most recent ones open, older ones archived), ~`events` events, one referral for every fifth
 * case, the clocks of every case and referral, one party per case, and each department's list of its events.
 * Cases have assignees (every archived case, 70% of open ones: a mediator of the case's community), critical ones
 * a leader in charge (the street's); referrals an assignee of their department (every answered one, 60% of open).
 *
 * Rows are shaped as the engine writes them (uuidv7 ids in creation order, states, stages, clocks, outbox-free),
 * but the hash chains are not valid (hashes are md5 filler) and event payloads are stock texts: good for query
 * plans and timings, not for `audit verify`. Secondary indexes and unique constraints are dropped during the
 * load and built again after it, and foreign keys are not checked while loading (session_replication_role =
 * replica), as a restore does; the data satisfies them.
 */
import pg from 'pg';
import { fmt } from './lib.js';

export const UNITS = { streets: 10, communitiesPerStreet: 10, gridsPerCommunity: 10 };
const UNITS_STREETS = UNITS.streets;
const UNITS_COMMUNITIES = UNITS.communitiesPerStreet;
export const DEPARTMENTS = 20;
/** Event actors and staff accounts at once: actorId(1…ACTORS) are the mediators, two per community. */
export const ACTORS = 200;
/** The accounts after the mediators: a leader per street, two staff per department, one unscoped admin. */
export const leaderId = (street: number) => actorId(ACTORS + street);
export const departmentStaffId = (department: number, i: 0 | 1) =>
  actorId(ACTORS + UNITS_STREETS + 2 * (department - 1) + 1 + i);
export const personAdminId = () => actorId(ACTORS + UNITS_STREETS + 2 * DEPARTMENTS + 1);
/** The mediators of a community (its street s and community c, from 1): actorId(1 + 2·(10·(s-1) + c-1) + i). */
export const mediatorId = (s: number, c: number, i: 0 | 1) =>
  actorId(1 + 2 * (UNITS_COMMUNITIES * (s - 1) + (c - 1)) + i);
/** Every bench account's username is its role and number (`mediator-17`); they share BENCH_PASSWORD. */
export const BENCH_PASSWORD = 'bench-password-0123';
export const CATEGORIES = [
  'neighbour',
  'family',
  'property',
  'labour',
  'land',
  'consumer',
  'traffic',
  'medical',
  'contract',
  'loan',
  'environment',
  'other',
];
const CATEGORY_WEIGHTS = [25, 15, 12, 10, 8, 8, 7, 4, 4, 3, 2, 2];
export const SUMMARIES = [
  '楼上漏水纠纷',
  '拖欠工资',
  '物业费争议',
  '宅基地边界纠纷',
  '网购退款',
  '交通事故赔偿',
  '医疗费用争议',
  '邻里噪音',
  '赡养老人',
  '装修合同违约',
];
const NOTES = [
  '电话联系被申请人，约定下周二到社区调解室调解。',
  '双方同意先行协商，网格员持续跟进。',
  '已调取物业维修记录，待双方确认。',
  '申请人补充提交了工资条和考勤记录。',
  '社区民警到场了解情况，双方情绪稳定。',
];
export const EVENT_TYPES = [
  'ADD_NOTE',
  'CLASSIFY',
  'ASSIGN_MEDIATOR',
  'SCHEDULE_SESSION',
  'RECORD_SESSION',
  'OWNER_NOTIFIED',
  'DEADLINE_WARNING',
  'ADD_PARTY',
  'ATTACH',
  'REACH_AGREEMENT',
];
export const SPAN_DAYS = 700;
const CHUNK = 50_000;

/** The day the synthetic history ends: the cases were registered over the SPAN_DAYS before it. */
export const END = Date.now() - 3_600_000;
export const START = END - SPAN_DAYS * 86_400_000;

export const streetCode = (s: number) => `SD-${String(s).padStart(2, '0')}`;
export const communityCode = (s: number, c: number) => `${streetCode(s)}-${String(c).padStart(2, '0')}`;
export const gridCode = (s: number, c: number, g: number) => `${communityCode(s, c)}-${String(g).padStart(2, '0')}`;
export const departmentCode = (d: number) => `DEPT-${String(d).padStart(2, '0')}`;
export const actorId = (a: number) => `00000000-0000-7000-8000-${String(a).padStart(12, '0')}`;

/** A weighted pick from r in [0, 1), as SQL over a column `r`. */
function pick(r: string, values: string[], weights: number[]): string {
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  const arms = values.map((v, i) => {
    acc += weights[i]!;
    return i === values.length - 1 ? `ELSE '${v}'` : `WHEN ${r} < ${(acc / total).toFixed(4)} THEN '${v}'`;
  });
  return `CASE ${arms.join(' ')} END`;
}

/** A case's open states (the most recent tenth of cases is mostly open; older ones mostly archived). */
const OPEN_STATES: Array<[string, string, number]> = [
  ['intake.registered', 'intake', 12],
  ['triage.assessing', 'triage', 16],
  ['mediation.assigned', 'mediation', 18],
  ['mediation.in_session', 'mediation', 10],
  ['mediation.agreement', 'mediation', 4],
  ['mediation.judicial_confirmation', 'mediation', 2],
  ['mediation.referred', 'mediation', 10],
  ['escalation.pending', 'escalation', 8],
  ['escalation.joint_meeting', 'escalation', 1],
  ['archive.follow_up', 'archive', 19],
];

export interface LoadReport {
  seconds: { rows: number; indexes: number; vacuum: number };
  rows: Record<string, number>;
}

export async function loadScaleData(
  url: string,
  cases: number,
  events: number,
  template: {
    snapshot: string;
    register: string;
    facts: string;
    names: string[];
    phones: string[];
    /** The argon2id hash of BENCH_PASSWORD, which every bench account has. */
    passwordHash: string;
  },
): Promise<LoadReport> {
  // Foreign keys are not checked while loading (their triggers do not fire for a replica session), as in a restore.
  const pool = new pg.Pool({
    connectionString: url,
    max: 2,
    options: '-c session_replication_role=replica -c synchronous_commit=off',
  });
  const q = (text: string, values?: unknown[]) => pool.query(text, values);
  const perCase = Math.max(1, Math.round(events / cases));
  await q(`CREATE FUNCTION bench_id(ms bigint, n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS
           $$ SELECT (lpad(to_hex(ms), 12, '0') || '7' || lpad(to_hex(n % 4096), 3, '0') || '8' || lpad(to_hex(n), 15, '0'))::uuid $$`);

  // The directory.
  const units: string[] = [`('SD', 'Bench district', 'district', NULL, '/SD/', now())`];
  for (let s = 1; s <= UNITS.streets; s++) {
    units.push(`('${streetCode(s)}', 'street ${s}', 'street', 'SD', '/SD/${streetCode(s)}/', now())`);
    for (let c = 1; c <= UNITS.communitiesPerStreet; c++) {
      units.push(
        `('${communityCode(s, c)}', 'community ${s}-${c}', 'community', '${streetCode(s)}', '/SD/${streetCode(s)}/${communityCode(s, c)}/', now())`,
      );
      for (let g = 1; g <= UNITS.gridsPerCommunity; g++) {
        units.push(
          `('${gridCode(s, c, g)}', 'grid ${s}-${c}-${g}', 'grid', '${communityCode(s, c)}', '/SD/${streetCode(s)}/${communityCode(s, c)}/${gridCode(s, c, g)}/', now())`,
        );
      }
    }
  }
  await q(`INSERT INTO units (code, name, level, parent_code, path, created_at) VALUES ${units.join(',\n')}`);
  await q(
    `INSERT INTO departments (code, name, categories, created_at)
           SELECT 'DEPT-' || lpad(d::text, 2, '0'), 'department ' || d, $1::text[], now() FROM generate_series(1, ${DEPARTMENTS}) d`,
    [CATEGORIES],
  );

  // Staff accounts: the ids the events name as actors are the mediators'; then leaders, department staff, an admin.
  const uuidOf = (n: string) => `('00000000-0000-7000-8000-' || lpad((${n})::text, 12, '0'))::uuid`;
  await q(
    `INSERT INTO users (id, username, name, unit_code, department_code, roles, password_hash, created_at, created_by,
                        updated_at, roles_changed_at)
     SELECT ${uuidOf('m')}, 'mediator-' || m, 'mediator ' || m,
            'SD-' || lpad((1 + (m - 1) / 2 / ${UNITS_COMMUNITIES})::text, 2, '0') || '-' || lpad((1 + (m - 1) / 2 % ${UNITS_COMMUNITIES})::text, 2, '0'),
            NULL, ARRAY['mediator'], $1, now(), 'bench', now(), now() - interval '1 day'
       FROM generate_series(1, ${ACTORS}) m
     UNION ALL
     SELECT ${uuidOf(`${ACTORS} + s`)}, 'leader-' || s, 'leader ' || s, 'SD-' || lpad(s::text, 2, '0'), NULL, ARRAY['leader'], $1,
            now(), 'bench', now(), now() - interval '1 day'
       FROM generate_series(1, ${UNITS_STREETS}) s
     UNION ALL
     SELECT ${uuidOf(`${ACTORS + UNITS_STREETS} + 2 * (d - 1) + 1 + i`)}, 'department-' || d || '-' || i, 'department ' || d || ' staff ' || i,
            NULL, 'DEPT-' || lpad(d::text, 2, '0'), ARRAY['department'], $1, now(), 'bench', now(), now() - interval '1 day'
       FROM generate_series(1, ${DEPARTMENTS}) d, generate_series(0, 1) i
     UNION ALL
     SELECT ${uuidOf(String(ACTORS + UNITS_STREETS + 2 * DEPARTMENTS + 1))}, 'admin-1', 'admin 1', NULL, NULL, ARRAY['admin'], $1,
            now(), 'bench', now(), now() - interval '1 day'`,
    [template.passwordHash],
  );

  // Secondary indexes and unique constraints go while loading, and come back after it.
  const tables = ['cases', 'case_events', 'referrals', 'deadlines', 'parties', 'case_event_departments'];
  const constraints = (
    await q(
      `SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE contype = 'u' AND conrelid::regclass::text = ANY($1)`,
      [tables],
    )
  ).rows as Array<{ t: string; conname: string; def: string }>;
  const indexes = (
    await q(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
      WHERE i.indrelid::regclass::text = ANY($1) AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
      [tables],
    )
  ).rows as Array<{ name: string; def: string }>;
  for (const c of constraints) await q(`ALTER TABLE ${c.t} DROP CONSTRAINT ${c.conname}`);
  for (const i of indexes) await q(`DROP INDEX ${i.name}`);

  const started = performance.now();
  const msOf = (n: string) => `(${START}::bigint + (${n} - 1)::bigint * ${Math.floor((END - START) / cases)})`;
  const ms = msOf('n');
  const grids = UNITS.streets * UNITS.communitiesPerStreet * UNITS.gridsPerCommunity;
  const openFrom = Math.floor(cases * 0.9);
  const stateOf = (r: string) =>
    pick(
      r,
      OPEN_STATES.map(([s]) => s),
      OPEN_STATES.map(([, , w]) => w),
    );
  const chunks = async (work: (from: number, to: number) => Promise<unknown>) => {
    const queue: Array<[number, number]> = [];
    for (let from = 1; from <= cases; from += CHUNK) queue.push([from, Math.min(cases, from + CHUNK - 1)]);
    await Promise.all(
      [0, 1].map(async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await work(...next);
      }),
    );
  };

  await chunks((from, to) =>
    q(
      `
      INSERT INTO cases (id, reference, query_code, kind, machine_version, state, stage, version, unit_code, channel, category, risk_level,
                         outcome, supervised, summary, description, occurred_at, snapshot, head_hash, created_by, created_at, updated_at,
                         assignee_id, in_charge_id)
      SELECT bench_id(${ms}, n), kind_prefix || '-' || to_char(to_timestamp(${ms} / 1000.0), 'YYYY') || '-' || lpad(n::text, 7, '0'),
             'Q' || lpad(upper(to_hex(n)), 11, '0'), kind, 1, state, split_part(state, '.', 1), k, unit, channel, category, risk,
             CASE WHEN state = 'archive.closed' THEN ${pick('r3', ['resolved', 'mediated', 'withdrawn', 'declined', 'transferred'], [50, 25, 10, 8, 7])} END,
             r5 < 0.03, summary, summary || '：' || $1::text, NULL, $2::jsonb, md5(n::text) || md5((n + 1)::text),
             ('00000000-0000-7000-8000-' || lpad((1 + n % ${ACTORS})::text, 12, '0'))::uuid,
             to_timestamp(${ms} / 1000.0), to_timestamp(${ms} / 1000.0) + k * interval '7 hours',
             -- a mediator of the case's community: every archived case keeps its last one; 70% of open ones have one
             CASE WHEN state = 'archive.closed' OR r7 < 0.7 THEN ${uuidOf('1 + 2 * (g / 10) + n % 2')} END,
             CASE WHEN risk = 'critical' THEN ${uuidOf(`${ACTORS} + 1 + g / 100`)} END
        FROM (SELECT n, r1, r2, r3, r4, r5, r7, g, CASE WHEN r6 < 0.9 THEN 'dispute' ELSE 'petition' END AS kind,
                     CASE WHEN r6 < 0.9 THEN 'DSP' ELSE 'PET' END AS kind_prefix,
                     1 + (n::bigint * 7919) % ${2 * perCase - 1} AS k,
                     CASE WHEN n >= ${openFrom} THEN (CASE WHEN r1 < 0.6 THEN ${stateOf('r1 / 0.6')} ELSE 'archive.closed' END)
                          ELSE (CASE WHEN r1 < 0.04 THEN ${stateOf('r1 / 0.04')} ELSE 'archive.closed' END) END AS state,
                     CASE WHEN r2 < 0.7 THEN 'SD-' || lpad((1 + g / 100)::text, 2, '0') || '-' || lpad((1 + g / 10 % 10)::text, 2, '0') || '-' || lpad((1 + g % 10)::text, 2, '0')
                          ELSE 'SD-' || lpad((1 + g / 100)::text, 2, '0') || '-' || lpad((1 + g / 10 % 10)::text, 2, '0') END AS unit,
                     ${pick('r3', ['walk_in', 'hotline', 'grid_report', 'online', 'letter', 'court_delegation'], [35, 25, 20, 12, 5, 3])} AS channel,
                     ${pick('r4', CATEGORIES, CATEGORY_WEIGHTS)} AS category,
                     ${pick('r5', ['low', 'medium', 'high', 'critical'], [60, 30, 8, 2])} AS risk,
                     (ARRAY[${SUMMARIES.map((s) => `'${s}'`).join(', ')}])[1 + (n * 31) % ${SUMMARIES.length}] || ' ' || n AS summary
                FROM (SELECT n, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6,
                             random() AS r7, floor(random() * ${grids})::int AS g
                        FROM generate_series(${from}, ${to}) n) draws) s`,
      ['申请人反映的情况，经网格员初步核实，需要社区调解委员会介入。', template.snapshot],
    ),
  );

  // Events: REGISTER, ACCEPT, then a mix; every fifth case has a referral whose events carry its id.
  const notes = `(ARRAY[${NOTES.map((n) => `'{"text": "${n}"}'::jsonb`).join(', ')}])`;
  const types = `(ARRAY[${EVENT_TYPES.map((t) => `'${t}'`).join(', ')}])`;
  const caseRange = (from: number, to: number) =>
    `c.id BETWEEN bench_id(${msOf(String(from))}, ${from}) AND bench_id(${msOf(String(to))}, ${to})`;
  const hasReferral = `(('x' || substr(c.id::text, 35, 2))::bit(8)::int % 5 = 0)`;
  const referralId = `md5(c.id::text || 'referral')::uuid`;
  await chunks((from, to) =>
    q(
      `
      INSERT INTO case_events (case_id, seq, type, payload, facts, actor, at, machine_version, state, unit_code, prev_hash, hash, referral_id)
      SELECT c.id, s,
             CASE WHEN s = 1 THEN 'REGISTER' WHEN s = 2 THEN 'ACCEPT' WHEN ref AND s = 3 THEN 'REFER' WHEN ref AND s = 4 THEN 'ACKNOWLEDGE'
                  WHEN ref AND s = 5 THEN 'PROGRESS' ELSE ${types}[1 + (s * 7 + (hashtext(c.id::text) & 1023)) % ${EVENT_TYPES.length}] END,
             CASE WHEN s = 1 THEN $1::jsonb ELSE ${notes}[1 + s % ${NOTES.length}] END, $2::jsonb,
             jsonb_build_object('id', '00000000-0000-7000-8000-' || lpad((1 + ((hashtext(c.id::text) & 1023) + s) % ${ACTORS})::text, 12, '0'),
                                'role', 'mediator', 'name', 'staff ' || (1 + ((hashtext(c.id::text) & 1023) + s) % ${ACTORS})),
             c.created_at + (s - 1) * interval '7 hours', 1, CASE WHEN s = c.version THEN c.state ELSE 'triage.assessing' END, c.unit_code,
             md5(c.id::text || (s - 1)) || md5((s - 1)::text), md5(c.id::text || s) || md5(s::text),
             CASE WHEN ref AND s IN (4, 5) THEN ${referralId} END
        FROM (SELECT c.*, ${hasReferral} AND c.version >= 5 AS ref FROM cases c WHERE ${caseRange(from, to)}) c, generate_series(1, c.version) s`,
      [template.register, template.facts],
    ),
  );

  // Referrals, their clocks, the cases' clocks (a due row, and two warnings while open), one party per case.
  await chunks((from, to) =>
    q(`
      INSERT INTO referrals (id, case_id, department_code, role, machine_version, state, version, snapshot, instructions, due_in_working_days,
                             share_parties, issued_seq, answered_at, resolved, created_at, updated_at, assignee_id, urged_at,
                             supervised_at)
      SELECT ${referralId}, c.id, 'DEPT-' || lpad(d::text, 2, '0'), 'lead', 1, referral_state, 3, '{"value": "in_progress", "context": {}}',
             '请依职责办理并回复', NULL, false, 3,
             CASE WHEN c.stage = 'archive' THEN c.created_at + interval '3 days' END, CASE WHEN c.stage = 'archive' THEN true END,
             c.created_at + interval '14 hours', c.updated_at,
             -- one of its department's two staff: every answered referral, about 60% of open ones
             CASE WHEN referral_state IN ('closed', 'replied') OR (h >> 11) & 7 < 5
                  THEN ${uuidOf(`${ACTORS + UNITS_STREETS} + 2 * (d - 1) + 1 + ((h >> 10) & 1)`)} END,
             -- a quarter of open referrals were urged (催办) a day after they were issued, an eighth supervised (督办) too
             CASE WHEN referral_state NOT IN ('closed', 'replied') AND (h >> 14) & 3 = 0 THEN c.created_at + interval '2 days' END,
             CASE WHEN referral_state NOT IN ('closed', 'replied') AND (h >> 14) & 7 = 0 THEN c.created_at + interval '8 days' END
        FROM (SELECT c.*, 1 + (h & 1023) % ${DEPARTMENTS} AS d,
                     CASE WHEN c.stage = 'archive' THEN 'closed' WHEN c.state = 'mediation.referred' THEN (ARRAY['issued', 'acknowledged', 'accepted', 'in_progress'])[1 + (h & 3)] ELSE 'replied' END AS referral_state
                FROM (SELECT c.*, hashtext(c.id::text) AS h FROM cases c WHERE ${caseRange(from, to)} AND ${hasReferral} AND c.version >= 5) c) c`),
  );
  await chunks(async (from, to) => {
    await q(`
      INSERT INTO deadlines (id, case_id, key, kind, percent, clock_id, state, armed_version, starts_at, due_at, status, derivation, fired_at,
                             ended_at, created_at)
      SELECT md5(c.id::text || 'clock' || w)::uuid, c.id, c.kind || '.' || c.stage, CASE WHEN w = 0 THEN 'due' ELSE 'warning' END,
             CASE w WHEN 1 THEN 50 WHEN 2 THEN 80 END, md5(c.id::text || 'clock0')::uuid, c.state, c.version, c.updated_at, due,
             CASE WHEN c.state = 'archive.closed' THEN 'met' WHEN due < now() THEN 'fired' ELSE 'pending' END, '{}',
             CASE WHEN c.state <> 'archive.closed' AND due < now() THEN due END,
             CASE WHEN c.state = 'archive.closed' THEN c.updated_at + interval '1 day' END, c.updated_at
        FROM (SELECT c.*, w, c.updated_at + (CASE w WHEN 0 THEN 1.0 WHEN 1 THEN 0.5 ELSE 0.8 END)
                                           * (CASE WHEN (hashtext(c.id::text) & 7) = 0 THEN interval '2 days' ELSE interval '20 days' END) AS due
                FROM cases c, generate_series(0, CASE WHEN c.state = 'archive.closed' THEN 0 ELSE 2 END) w WHERE ${caseRange(from, to)}) c`);
    await q(`
      INSERT INTO deadlines (id, case_id, key, kind, percent, clock_id, state, armed_version, starts_at, due_at, status, derivation, ended_at,
                             created_at, referral_id)
      SELECT md5(r.id::text || 'clock')::uuid, r.case_id, 'referral.reply', 'due', NULL, md5(r.id::text || 'clock')::uuid, r.state, 1, r.created_at,
             r.created_at + interval '7 days', CASE WHEN r.state IN ('closed', 'replied') THEN 'met' ELSE 'pending' END, '{}',
             CASE WHEN r.state IN ('closed', 'replied') THEN r.updated_at END, r.created_at, r.id
        FROM referrals r JOIN cases c ON c.id = r.case_id WHERE ${caseRange(from, to)}`);
    await q(
      `
      INSERT INTO parties (id, case_id, role, name_enc, phone_enc, id_number_enc, vulnerable, pii_digest, added_seq, created_at)
      SELECT md5(c.id::text || 'party')::uuid, c.id, 'applicant', ($1::text[])[1 + (hashtext(c.id::text) & 1023) % ${template.names.length}],
             ($2::text[])[1 + (hashtext(c.id::text) & 1023) % ${template.phones.length}], NULL, '{}', md5(c.id::text) || md5(c.reference), 1, c.created_at
        FROM cases c WHERE ${caseRange(from, to)}`,
      [template.names, template.phones],
    );
    // The audit's list of each department's events: its referral's events and the REFER that issued it.
    await q(`
      INSERT INTO case_event_departments (department_code, at, case_id, seq)
      SELECT r.department_code, e.at, e.case_id, e.seq
        FROM cases c JOIN referrals r ON r.case_id = c.id
             JOIN case_events e ON e.case_id = c.id AND (e.seq = r.issued_seq OR e.referral_id = r.id)
       WHERE ${caseRange(from, to)}`);
  });
  const rowsSeconds = (performance.now() - started) / 1000;

  const building = performance.now();
  await q(`SET maintenance_work_mem = '1GB'`);
  const builds = [
    ...constraints.map((c) => `ALTER TABLE ${c.t} ADD CONSTRAINT ${c.conname} ${c.def}`),
    ...indexes.map((i) => i.def),
  ];
  await Promise.all(
    [0, 1].map(async () => {
      const client = await pool.connect();
      try {
        await client.query(`SET maintenance_work_mem = '1GB'`);
        for (let next = builds.shift(); next; next = builds.shift()) await client.query(next);
      } finally {
        client.release();
      }
    }),
  );
  const indexSeconds = (performance.now() - building) / 1000;
  const vacuuming = performance.now();
  await q('VACUUM (ANALYZE)');
  const vacuumSeconds = (performance.now() - vacuuming) / 1000;

  const rows: Record<string, number> = {};
  for (const t of tables)
    rows[t] = Number((await q(`SELECT reltuples::bigint AS n FROM pg_class WHERE relname = $1`, [t])).rows[0].n);
  await pool.end();
  process.stdout.write(
    `loaded ${Object.entries(rows)
      .map(([t, n]) => `${fmt(n)} ${t}`)
      .join(', ')}: rows ${fmt(rowsSeconds)} s, indexes ${fmt(indexSeconds)} s, vacuum ${fmt(vacuumSeconds)} s\n`,
  );
  return { seconds: { rows: rowsSeconds, indexes: indexSeconds, vacuum: vacuumSeconds }, rows };
}
