/**
 * pgbench scripts that run the engine's own statements. The SQL is read from the engine's source at run time
 * (libs/engine/src/case-writes.ts, open-case.ts; libs/deadlines/src/deadline-book.ts), so the baseline cannot
 * drift from what the engine sends. The values are those of one real transition (or case creation) read back
 * from the database: constants go to pgbench as `-D` variables (bound parameters, as the engine binds them),
 * values that must differ per transaction (ids, version, hash) become SQL expressions, and nulls literal NULLs
 * (pgbench cannot bind a null).
 */
import { readFileSync } from 'node:fs';
import { CALENDAR_COLUMNS } from '#deadlines';
import { CASE_COLUMNS } from '#engine';
import { sql } from './lib.js';

function source(file: string, pattern: RegExp): string {
  const match = pattern.exec(readFileSync(file, 'utf8'));
  if (!match)
    throw new Error(
      `${file} no longer has the statement the benchmark copies (${pattern}); update bench/pgbench-scripts.ts`,
    );
  return match[1]!;
}

function engineStatements() {
  const writes = 'libs/engine/src/case-writes.ts';
  const tail = source(writes, /const TAIL = `([\s\S]*?)`;/);
  return {
    update: source(writes, /const UPDATE_CASE = namedSql<[^(]*>\(`([\s\S]*?)`\);/).replace('${TAIL}', tail),
    insert: source(writes, /const INSERT_CASE = namedSql<[^(]*>\(`([\s\S]*?)`\);/).replace('${TAIL}', tail),
    openUnit: source('libs/engine/src/open-case.ts', /'case_open_unit',\s*`([^`]*)`/),
    rules: source('libs/deadlines/src/deadline-book.ts', /'deadline_rules',\s*`([\s\S]*?)`,\n/).replace(
      '${CALENDAR_COLUMNS}',
      CALENDAR_COLUMNS,
    ),
  };
}

/** A PostgreSQL array literal of text elements (null → NULL). */
function pgArray(values: Array<string | number | boolean | null>): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}

type Value = string | number | boolean | null | { sql: string };

/** Binds named values into a statement: `{sql}` and null inline, the rest as pgbench variables (returned). */
function bind(text: string, values: Record<string, Value>, vars: Record<string, string>): string {
  return text.replace(/(?<!:):([a-z][A-Za-z0-9]*)/g, (whole, name: string) => {
    if (!(name in values)) return whole; // a pgbench variable set by \set or \gset
    const value = values[name]!;
    if (value === null) return 'NULL';
    if (typeof value === 'object') return value.sql;
    vars[name] = String(value);
    return whole;
  });
}

const caseId = `('00000000-0000-7000-8000-' || lpad(to_hex(:n::int), 12, '0'))::uuid`;
const randomHash = { sql: '(md5(random()::text) || md5(random()::text))' };
const uuids = (n: number) => ({
  sql: n ? `ARRAY[${Array.from({ length: n }, () => 'gen_random_uuid()').join(', ')}]` : `'{}'::uuid[]`,
});
const NO_ROWS: Record<string, Value> = {
  partyIds: '{}',
  partyRoles: '{}',
  partyNames: '{}',
  partyPhones: '{}',
  partyIdNumbers: '{}',
  partyVulnerable: '{}',
  partyDigests: '{}',
  deadlineIds: '{}',
  deadlineKeys: '{}',
  deadlineKinds: '{}',
  deadlinePercents: '{}',
  deadlineClocks: '{}',
  deadlineStarts: '{}',
  deadlineDues: '{}',
  deadlineDerivations: '{}',
  deadlineReferrals: '{}',
  deadlineStates: '{}',
  issuedIds: '{}',
  issuedDepartments: '{}',
  issuedRoles: '{}',
  issuedMachineVersions: '{}',
  issuedStates: '{}',
  issuedSnapshots: '{}',
  issuedInstructions: '{}',
  issuedDue: '{}',
  issuedShareParties: '{}',
  deliveryIds: '{}',
  deliveryReferrals: '{}',
  deliveryDepartments: '{}',
  deliveryTypes: '{}',
  deliveryBodies: '{}',
};

export interface Scripts {
  transition: { script: string; vars: Record<string, string> };
  create: { script: string; vars: Record<string, string> };
}

/**
 * The two scripts, with values read back from what the engine wrote: `noted` is a case whose last event was an
 * ADD_NOTE; `opened` a case just opened (its first event REGISTER, its intake clock and outbox rows).
 * pgbench's transitions go to cases 00000000-0000-7000-8000-<n>, n in 1..:ncases, copies of real ones.
 */
export async function pgbenchScripts(url: string, noted: string, opened: string): Promise<Scripts> {
  const statements = engineStatements();
  const q = async <T>(text: string, values: unknown[]) => (await sql(url, text, values)).rows as T[];

  // A transition: ADD_NOTE in triage.assessing.
  const [note] = await q<Record<string, unknown>>(
    `SELECT e.type, e.payload::text, e.facts::text, e.actor::text, e.machine_version, e.state, e.unit_code,
            c.state AS case_state, c.stage, c.category, c.risk_level, c.outcome, c.supervised,
            (SELECT payload::text FROM outbox o WHERE o.case_id = c.id ORDER BY o.id DESC LIMIT 1) AS outbox_payload
       FROM cases c JOIN case_events e ON e.case_id = c.id AND e.seq = c.version WHERE c.id = $1`,
    [noted],
  );
  const tVars: Record<string, string> = {};
  const update = bind(
    statements.update,
    {
      ...NO_ROWS,
      id: { sql: caseId },
      previousVersion: { sql: ':version_::int' },
      version: { sql: '(:version_::int + 1)' },
      caseState: note!.case_state as string,
      stage: note!.stage as string,
      category: note!.category as string | null,
      riskLevel: note!.risk_level as string | null,
      outcome: note!.outcome as string | null,
      supervised: note!.supervised as boolean,
      snapshot: { sql: ':snapshot_' },
      hash: randomHash,
      prevHash: { sql: ':head_hash_' },
      now: new Date().toISOString(),
      type: note!.type as string,
      payload: note!.payload as string,
      facts: note!.facts as string,
      actor: note!.actor as string,
      machineVersion: note!.machine_version as number,
      state: note!.state as string,
      unitCode: note!.unit_code as string,
      referralId: null,
      // What an in-process engine.send binds outside a request (over HTTP it is the request's id).
      requestId: null,
      traceparent: null,
      referralState: null,
      referralVersion: null,
      referralSnapshot: null,
      referralUrged: false,
      referralSupervised: false,
      referralAnswered: false,
      referralResolved: null,
      firedRowId: null,
      endedKeys: '{}',
      supersededClockId: null,
      outboxIds: uuids(1),
      outboxQueues: '{notifications}',
      outboxNames: '{case.event}',
      outboxPayloads: pgArray([note!.outbox_payload as string]),
      outboxJobIds: '{NULL}',
      outboxRunAt: '{NULL}',
    },
    tVars,
  );
  // The lock, as lockCase sends it; every column comes back (pgbench keeps the three it needs, suffixed `_`).
  const lockColumns = CASE_COLUMNS.replace('c.version,', 'c.version AS version_,')
    .replace('c.snapshot,', 'c.snapshot AS snapshot_,')
    .replace('c.head_hash,', 'c.head_hash AS head_hash_,');
  const transition = `\\set n random(1, :ncases)
BEGIN;
SELECT ${lockColumns}, u.level AS unit_level, u.parent_code AS unit_parent, u.path AS unit_path,
       (SELECT status FROM deadlines WHERE id = NULL::uuid AND case_id = c.id) AS deadline_status
  FROM cases c JOIN units u ON u.code = c.unit_code
 WHERE c.id = ${caseId} FOR NO KEY UPDATE OF c \\gset
${update.trim()};
END;
`;

  // A case creation: REGISTER with one party, the intake clock (due and two warnings), four outbox rows.
  const [open] = await q<Record<string, unknown>>(
    `SELECT c.kind, c.channel, c.summary, c.description, c.occurred_at, c.created_by, c.machine_version, c.state AS case_state, c.stage,
            c.category, c.risk_level, c.outcome, c.supervised, c.snapshot::text, c.unit_code,
            e.type, e.payload::text, e.facts::text, e.actor::text, e.state, e.prev_hash
       FROM cases c JOIN case_events e ON e.case_id = c.id AND e.seq = 1 WHERE c.id = $1`,
    [opened],
  );
  const parties = await q<Record<string, unknown>>(
    `SELECT role, name_enc, phone_enc, id_number_enc, to_json(vulnerable)::text AS vulnerable, pii_digest FROM parties WHERE case_id = $1`,
    [opened],
  );
  const outbox = await q<Record<string, unknown>>(
    `SELECT queue, name, payload::text, job_id, run_at FROM outbox WHERE case_id = $1 ORDER BY id`,
    [opened],
  );
  const deadlines = await q<Record<string, unknown>>(
    `SELECT key, kind, percent, starts_at, due_at, derivation::text, state FROM deadlines WHERE case_id = $1 ORDER BY id`,
    [opened],
  );
  const iso = (d: unknown) => (d === null ? null : (d as Date).toISOString());
  const cVars: Record<string, string> = {};
  const insert = bind(
    statements.insert,
    {
      ...NO_ROWS,
      id: { sql: 'gen_random_uuid()' },
      reference: { sql: `('PGC-' || :n)` },
      queryCode: { sql: `('PGQ' || :n)` },
      kind: open!.kind as string,
      channel: open!.channel as string,
      summary: open!.summary as string,
      description: open!.description as string,
      occurredAt: iso(open!.occurred_at),
      createdBy: open!.created_by as string,
      caseState: open!.case_state as string,
      stage: open!.stage as string,
      category: open!.category as string | null,
      riskLevel: open!.risk_level as string | null,
      outcome: open!.outcome as string | null,
      supervised: open!.supervised as boolean,
      snapshot: open!.snapshot as string,
      hash: randomHash,
      prevHash: open!.prev_hash as string,
      now: new Date().toISOString(),
      version: 1,
      type: open!.type as string,
      payload: open!.payload as string,
      facts: open!.facts as string,
      actor: open!.actor as string,
      machineVersion: open!.machine_version as number,
      state: open!.state as string,
      unitCode: open!.unit_code as string,
      referralId: null,
      // What an in-process engine.send binds outside a request (over HTTP it is the request's id).
      requestId: null,
      traceparent: null,
      partyIds: uuids(parties.length),
      partyRoles: pgArray(parties.map((p) => p.role as string)),
      partyNames: pgArray(parties.map((p) => p.name_enc as string)),
      partyPhones: pgArray(parties.map((p) => p.phone_enc as string | null)),
      partyIdNumbers: pgArray(parties.map((p) => p.id_number_enc as string | null)),
      partyVulnerable: pgArray(parties.map((p) => p.vulnerable as string)),
      partyDigests: pgArray(parties.map((p) => p.pii_digest as string)),
      outboxIds: uuids(outbox.length),
      outboxQueues: pgArray(outbox.map((o) => o.queue as string)),
      outboxNames: pgArray(outbox.map((o) => o.name as string)),
      outboxPayloads: pgArray(outbox.map((o) => o.payload as string)),
      outboxJobIds: pgArray(outbox.map((o) => o.job_id as string | null)),
      outboxRunAt: pgArray(outbox.map((o) => iso(o.run_at))),
      deadlineIds: uuids(deadlines.length),
      deadlineKeys: pgArray(deadlines.map((d) => d.key as string)),
      deadlineKinds: pgArray(deadlines.map((d) => d.kind as string)),
      deadlinePercents: pgArray(deadlines.map((d) => d.percent as number | null)),
      deadlineClocks: uuids(deadlines.length),
      deadlineStarts: pgArray(deadlines.map((d) => iso(d.starts_at))),
      deadlineDues: pgArray(deadlines.map((d) => iso(d.due_at))),
      deadlineDerivations: pgArray(deadlines.map((d) => d.derivation as string)),
      deadlineReferrals: pgArray(deadlines.map(() => null)),
      deadlineStates: pgArray(deadlines.map(() => null)),
    },
    cVars,
  );
  const rules = bind(
    statements.rules.replace('$1', ':ruleKeys').replace('$2', ':ruleCategory').replace('$3', ':unitCode'),
    {
      ruleKeys: pgArray([...new Set(deadlines.map((d) => d.key as string))]),
      ruleCategory: open!.category as string | null,
      unitCode: open!.unit_code as string,
    },
    cVars,
  );
  const create = `BEGIN;
${statements.openUnit.replace('$1', ':unitCode').trim()} \\gset
${rules.trim()};
${insert.trim()};
END;
`;
  return { transition: { script: transition, vars: tVars }, create: { script: create, vars: cVars } };
}
