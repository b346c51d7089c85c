import type { ChainedEvent } from '../../audit/src/index.js';
import type { DeadlinePlan } from '../../deadlines/src/deadline-book.js';
import type { OutboxMessage } from '../../outbox/src/outbox.js';
import type { SealedParty } from '../../parties/src/index.js';
import { namedSql, uuidv7, type Tx } from '../../persistence/src/index.js';
import type { CaseRow } from './case-record.js';

/** Everything one transition writes. It goes to PostgreSQL as one statement: here, round trips cost most. */
export interface CaseWrite {
  row: CaseRow;
  event: { chained: ChainedEvent; prevHash: string; hash: string };
  parties: SealedParty[];
  outbox: OutboxMessage[];
  deadlines: DeadlinePlan;
  now: Date;
}

// The event, parties, outbox rows and new deadline rows, each written only if the case row was (FROM c).
const TAIL = `
  e AS (
    INSERT INTO case_events (case_id, seq, type, payload, facts, actor, at, machine_version, state, unit_code, prev_hash, hash)
    SELECT c.id, :version, :type, :payload, :facts, :actor, :now, :machineVersion, :state, :unitCode, :prevHash, :hash FROM c),
  p AS (
    INSERT INTO parties (id, case_id, role, name_enc, phone_enc, id_number_enc, vulnerable, pii_digest, added_seq, created_at)
    SELECT p.id, c.id, p.role, p.name_enc, p.phone_enc, p.id_number_enc, ARRAY(SELECT jsonb_array_elements_text(p.vulnerable)),
           p.pii_digest, :version, :now
      FROM c, unnest(:partyIds::uuid[], :partyRoles::text[], :partyNames::text[], :partyPhones::text[], :partyIdNumbers::text[],
                     :partyVulnerable::jsonb[], :partyDigests::text[])
        AS p(id, role, name_enc, phone_enc, id_number_enc, vulnerable, pii_digest)),
  o AS (
    INSERT INTO outbox (id, case_id, queue, name, payload, created_at, job_id, run_at)
    SELECT m.id, c.id, m.queue, m.name, m.payload, :now, m.job_id, m.run_at
      FROM c, unnest(:outboxIds::uuid[], :outboxQueues::text[], :outboxNames::text[], :outboxPayloads::jsonb[],
                     :outboxJobIds::text[], :outboxRunAt::timestamptz[])
        AS m(id, queue, name, payload, job_id, run_at)),
  d AS (
    INSERT INTO deadlines (id, case_id, key, kind, percent, clock_id, state, armed_version, starts_at, due_at, status, derivation, created_at)
    SELECT r.id, c.id, r.key, r.kind, r.percent, r.clock_id, :state, :version, r.starts_at, r.due_at, 'pending', r.derivation, :now
      FROM c, unnest(:deadlineIds::uuid[], :deadlineKeys::text[], :deadlineKinds::text[], :deadlinePercents::int[],
                     :deadlineClocks::uuid[], :deadlineStarts::timestamptz[], :deadlineDues::timestamptz[], :deadlineDerivations::jsonb[])
        AS r(id, key, kind, percent, clock_id, starts_at, due_at, derivation))
  SELECT count(*)::int AS written FROM c`;

const INSERT_CASE = namedSql<TailValue | CaseValue | 'reference' | 'queryCode' | 'kind' | 'channel' | 'summary' | 'description' | 'occurredAt' | 'createdBy'>(`
  WITH c AS (
    INSERT INTO cases (id, reference, query_code, kind, machine_version, state, stage, version, unit_code, channel, category,
                       risk_level, outcome, supervised, summary, description, occurred_at, snapshot, head_hash, created_by,
                       created_at, updated_at)
    VALUES (:id, :reference, :queryCode, :kind, :machineVersion, :state, :stage, :version, :unitCode, :channel, :category,
            :riskLevel, :outcome, :supervised, :summary, :description, :occurredAt, :snapshot, :hash, :createdBy, :now, :now)
    RETURNING id),
  ${TAIL}`);

// Deadline bookkeeping is a single UPDATE: one event may both fire a row and end its clock (a breach that
// moves the case on), and one statement cannot update a row twice.
const UPDATE_CASE = namedSql<TailValue | CaseValue | 'previousVersion' | 'firedRowId' | 'endedKeys' | 'supersededClockId'>(`
  WITH c AS (
    UPDATE cases SET state = :state, stage = :stage, version = :version, unit_code = :unitCode, category = :category,
                     risk_level = :riskLevel, outcome = :outcome, supervised = :supervised, snapshot = :snapshot,
                     head_hash = :hash, updated_at = :now
     WHERE id = :id AND version = :previousVersion
    RETURNING id),
  u AS (
    UPDATE deadlines SET
      status = CASE WHEN status <> 'pending' THEN status WHEN id = :firedRowId::uuid THEN 'fired'
                    WHEN clock_id = :supersededClockId::uuid THEN 'superseded' ELSE 'cancelled' END,
      fired_at = CASE WHEN id = :firedRowId::uuid AND status = 'pending' THEN :now ELSE fired_at END,
      fired_version = CASE WHEN id = :firedRowId::uuid AND status = 'pending' THEN :version ELSE fired_version END,
      ended_at = CASE WHEN ended_at IS NULL AND (key = ANY(:endedKeys::text[]) OR clock_id = :supersededClockId::uuid)
                      THEN :now ELSE ended_at END
     WHERE case_id = :id AND EXISTS (SELECT 1 FROM c)
       AND (id = :firedRowId::uuid OR (ended_at IS NULL AND (key = ANY(:endedKeys::text[]) OR clock_id = :supersededClockId::uuid)))),
  ${TAIL}`);

type CaseValue = 'id' | 'stage' | 'category' | 'riskLevel' | 'outcome' | 'supervised' | 'snapshot';
type TailValue =
  | 'version' | 'type' | 'payload' | 'facts' | 'actor' | 'now' | 'machineVersion' | 'state' | 'unitCode' | 'prevHash' | 'hash'
  | 'partyIds' | 'partyRoles' | 'partyNames' | 'partyPhones' | 'partyIdNumbers' | 'partyVulnerable' | 'partyDigests'
  | 'outboxIds' | 'outboxQueues' | 'outboxNames' | 'outboxPayloads' | 'outboxJobIds' | 'outboxRunAt'
  | 'deadlineIds' | 'deadlineKeys' | 'deadlineKinds' | 'deadlinePercents' | 'deadlineClocks' | 'deadlineStarts' | 'deadlineDues'
  | 'deadlineDerivations';

function values(write: CaseWrite): Record<TailValue | CaseValue, unknown> {
  const { row, event, parties, outbox, deadlines, now } = write;
  const e = event.chained;
  const rows = deadlines.rows;
  return {
    id: row.id, stage: row.stage, category: row.category, riskLevel: row.risk_level, outcome: row.outcome,
    supervised: row.supervised, snapshot: row.snapshot,
    version: e.seq, type: e.type, payload: JSON.stringify(e.payload), facts: JSON.stringify(e.facts), actor: JSON.stringify(e.actor),
    now, machineVersion: e.machineVersion, state: e.state, unitCode: e.unitCode, prevHash: event.prevHash, hash: event.hash,
    partyIds: parties.map((p) => p.ref.partyId), partyRoles: parties.map((p) => p.ref.role), partyNames: parties.map((p) => p.nameEnc),
    partyPhones: parties.map((p) => p.phoneEnc), partyIdNumbers: parties.map((p) => p.idNumberEnc),
    partyVulnerable: parties.map((p) => JSON.stringify(p.ref.vulnerable)), partyDigests: parties.map((p) => p.ref.piiDigest),
    outboxIds: outbox.map(() => uuidv7(now.getTime())), outboxQueues: outbox.map((m) => m.queue), outboxNames: outbox.map((m) => m.name),
    outboxPayloads: outbox.map((m) => JSON.stringify(m.payload)), outboxJobIds: outbox.map((m) => m.jobId ?? null),
    outboxRunAt: outbox.map((m) => m.runAt ?? null),
    deadlineIds: rows.map((r) => r.id), deadlineKeys: rows.map((r) => r.key), deadlineKinds: rows.map((r) => r.kind),
    deadlinePercents: rows.map((r) => r.percent), deadlineClocks: rows.map((r) => r.clockId), deadlineStarts: rows.map((r) => r.startsAt),
    deadlineDues: rows.map((r) => r.dueAt), deadlineDerivations: rows.map((r) => JSON.stringify(r.derivation)),
  };
}

/** Writes a new case with its first event, parties, outbox rows and clocks. */
export async function insertCase(tx: Tx, write: CaseWrite): Promise<void> {
  const { row } = write;
  const [result] = await tx.prepared<{ written: number }>(
    'case_insert',
    INSERT_CASE.text,
    INSERT_CASE.bind({
      ...values(write),
      reference: row.reference, queryCode: row.query_code, kind: row.kind, channel: row.channel, summary: row.summary,
      description: row.description, occurredAt: row.occurred_at, createdBy: row.created_by,
    }),
  );
  if (result?.written !== 1) throw new Error(`case ${row.id} was not written`);
}

/** Writes a transition of a case locked at `previousVersion`. */
export async function updateCase(tx: Tx, write: CaseWrite, previousVersion: number): Promise<void> {
  const plan = write.deadlines;
  const [result] = await tx.prepared<{ written: number }>(
    'case_update',
    UPDATE_CASE.text,
    UPDATE_CASE.bind({
      ...values(write),
      previousVersion,
      firedRowId: plan.firedRowId,
      endedKeys: plan.endedKeys,
      supersededClockId: plan.supersededClockId,
    }),
  );
  // The row is locked, so this cannot happen unless something bypassed the engine; fail loudly.
  if (result?.written !== 1) throw new Error(`case ${write.row.id} changed under its lock`);
}
