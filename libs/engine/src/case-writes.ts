import type { ChainedEvent } from '#audit';
import type { DeadlinePlan } from '#deadlines';
import type { OutboxMessage } from '#outbox';
import type { SealedParty } from '#parties';
import { namedSql, uuidv7, type Tx } from '#persistence';
import { currentRequestId, currentTraceparent } from '#telemetry';
import type { CaseRow } from './case-record.js';

/** A referral a REFER issues, written with the REFER's own event. */
export interface NewReferral {
  id: string;
  departmentCode: string;
  role: string;
  machineVersion: number;
  state: string;
  snapshot: unknown;
  instructions: string;
  dueInWorkingDays: number | null;
  /** The reply's due time, when the REFER set it as an instant instead. */
  dueAt: Date | null;
  shareParties: boolean;
}

/** The referral an event transitions (its event joins the case's chain). */
export interface ReferralChange {
  id: string;
  state: string;
  version: number;
  snapshot: unknown;
  urged: boolean;
  supervised: boolean;
  answered: boolean;
  resolved: boolean | null;
  /** The department's person working it (version 2 on). */
  assignee: string | null;
}

/** An event announced to a department's webhook: a referral's, or a delegated case's report to its court. */
export interface NewDelivery {
  id: string;
  referralId: string | null;
  departmentCode: string;
  type: string;
  body: string;
}

/** Everything one transition writes. It goes to PostgreSQL as one statement: here, round trips cost most. */
export interface CaseWrite {
  row: CaseRow;
  event: { chained: ChainedEvent; prevHash: string; hash: string };
  parties: SealedParty[];
  outbox: OutboxMessage[];
  deadlines: DeadlinePlan;
  now: Date;
  /** The referral the event belongs to, when it is a referral's event. */
  referral?: ReferralChange;
  issued?: NewReferral[];
  deliveries?: NewDelivery[];
}

// Why hand-written SQL, and one statement: a transition is one round trip to PostgreSQL (round trips under the
// case lock are what bounds the engine's throughput), and one statement is atomic by itself. The case row moves
// only together with its hash-chained event, its clock rows and its outbox rows: every CTE below writes only if
// the version-checked write of the case did (FROM c). A unit of work that saves entities row by row would take
// one round trip per row and could leave the chain's head and the outbox to a later statement.
//
// The event, parties, outbox rows and new deadline rows, each written only if the case row was (FROM c).
// `ed` lists the event under the departments it concerns, for the audit query by department: those a REFER
// issues referrals to, or the department of the referral whose event it is.
const TAIL = `
  rf AS (
    INSERT INTO referrals (id, case_id, department_code, role, machine_version, state, version, snapshot, instructions,
                           due_in_working_days, due_at, share_parties, issued_seq, created_at, updated_at)
    SELECT r.id, c.id, r.department_code, r.role, r.machine_version, r.state, 1, r.snapshot, r.instructions, r.due,
           r.due_at, r.share_parties, :version, :now, :now
      FROM c, unnest(:issuedIds::uuid[], :issuedDepartments::text[], :issuedRoles::text[], :issuedMachineVersions::int[],
                     :issuedStates::text[], :issuedSnapshots::jsonb[], :issuedInstructions::text[], :issuedDue::int[],
                     :issuedDueAt::timestamptz[], :issuedShareParties::boolean[])
        AS r(id, department_code, role, machine_version, state, snapshot, instructions, due, due_at, share_parties)),
  e AS (
    INSERT INTO case_events (case_id, seq, type, payload, facts, actor, at, machine_version, state, unit_code, prev_hash, hash,
                             referral_id, request_id)
    SELECT c.id, :version, :type, :payload, :facts, :actor, :now, :machineVersion, :state, :unitCode, :prevHash, :hash,
           :referralId::uuid, :requestId FROM c),
  ed AS (
    INSERT INTO case_event_departments (department_code, at, case_id, seq)
    SELECT dep.code, :now, c.id, :version
      FROM c, (SELECT unnest(:issuedDepartments::text[])
               UNION SELECT department_code FROM referrals WHERE id = :referralId::uuid) AS dep(code)),
  w AS (
    INSERT INTO deliveries (id, referral_id, case_id, department_code, seq, type, body, created_at)
    SELECT w.id, w.referral_id, c.id, w.department_code, :version, w.type, w.body, :now
      FROM c, unnest(:deliveryIds::uuid[], :deliveryReferrals::uuid[], :deliveryDepartments::text[], :deliveryTypes::text[],
                     :deliveryBodies::text[])
        AS w(id, referral_id, department_code, type, body)),
  p AS (
    INSERT INTO parties (id, case_id, role, name_enc, phone_enc, id_number_enc, vulnerable, pii_digest, added_seq, created_at,
                         representative)
    SELECT p.id, c.id, p.role, p.name_enc, p.phone_enc, p.id_number_enc, ARRAY(SELECT jsonb_array_elements_text(p.vulnerable)),
           p.pii_digest, :version, :now, p.representative
      FROM c, unnest(:partyIds::uuid[], :partyRoles::text[], :partyNames::text[], :partyPhones::text[], :partyIdNumbers::text[],
                     :partyVulnerable::jsonb[], :partyDigests::text[], :partyRepresentatives::boolean[])
        AS p(id, role, name_enc, phone_enc, id_number_enc, vulnerable, pii_digest, representative)),
  o AS (
    INSERT INTO outbox (id, case_id, queue, name, payload, created_at, job_id, run_at, request_id, traceparent)
    SELECT m.id, c.id, m.queue, m.name, m.payload, :now, m.job_id, m.run_at, :requestId, :traceparent
      FROM c, unnest(:outboxIds::uuid[], :outboxQueues::text[], :outboxNames::text[], :outboxPayloads::jsonb[],
                     :outboxJobIds::text[], :outboxRunAt::timestamptz[])
        AS m(id, queue, name, payload, job_id, run_at)),
  d AS (
    INSERT INTO deadlines (id, case_id, key, kind, percent, clock_id, state, armed_version, starts_at, due_at, status, derivation,
                           created_at, referral_id)
    SELECT r.id, c.id, r.key, r.kind, r.percent, r.clock_id, coalesce(r.state, :state), :version, r.starts_at, r.due_at, 'pending',
           r.derivation, :now, r.referral_id
      FROM c, unnest(:deadlineIds::uuid[], :deadlineKeys::text[], :deadlineKinds::text[], :deadlinePercents::int[],
                     :deadlineClocks::uuid[], :deadlineStarts::timestamptz[], :deadlineDues::timestamptz[], :deadlineDerivations::jsonb[],
                     :deadlineReferrals::uuid[], :deadlineStates::text[])
        AS r(id, key, kind, percent, clock_id, starts_at, due_at, derivation, referral_id, state))
  SELECT count(*)::int AS written FROM c`;

const INSERT_CASE = namedSql<
  | TailValue
  | CaseValue
  | 'reference'
  | 'queryCode'
  | 'kind'
  | 'channel'
  | 'summary'
  | 'description'
  | 'occurredAt'
  | 'createdBy'
>(`
  WITH c AS (
    INSERT INTO cases (id, reference, query_code, kind, machine_version, state, stage, version, unit_code, channel, category,
                       risk_level, outcome, supervised, confidential, summary, description, occurred_at, snapshot, head_hash,
                       created_by, created_at, updated_at)
    VALUES (:id, :reference, :queryCode, :kind, :machineVersion, :caseState, :stage, :version, :unitCode, :channel, :category,
            :riskLevel, :outcome, :supervised, :confidential, :summary, :description, :occurredAt, :snapshot, :hash, :createdBy,
            :now, :now)
    RETURNING id),
  ${TAIL}`);

// Deadline bookkeeping is a single UPDATE: one event may both fire a row and end its clock (a breach that
// moves the case on), and one statement cannot update a row twice. A clock whose state is left is met; one whose
// time passed before its breach fired (the worker was behind) lapsed; withdrawal or merge cancels it. A clock that
// stops is paused, rows and all, its due row's derivation recording the stop; no job fires a paused row. Clocks are ended per subject: the case's
// own (referral_id NULL), or the one referral whose event this is.
const UPDATE_CASE = namedSql<
  | TailValue
  | CaseValue
  | ReferralValue
  | 'previousVersion'
  | 'firedRowId'
  | 'endedKeys'
  | 'endedCancelled'
  | 'supersededClockId'
  | 'pausedClockId'
  | 'pausedDerivation'
>(`
  WITH c AS (
    UPDATE cases SET state = :caseState, stage = :stage, version = :version, machine_version = :machineVersion,
                     unit_code = :unitCode, category = :category,
                     risk_level = :riskLevel, outcome = :outcome, supervised = :supervised,
                     confidential = confidential OR :confidential, assignee_id = :assigneeId::uuid,
                     in_charge_id = :inChargeId::uuid, snapshot = :snapshot,
                     head_hash = :hash, updated_at = :now
     WHERE id = :id AND version = :previousVersion
    RETURNING id),
  r AS (
    UPDATE referrals SET state = :referralState, version = :referralVersion, snapshot = :referralSnapshot,
                         urged_at = CASE WHEN :referralUrged AND urged_at IS NULL THEN :now ELSE urged_at END,
                         supervised_at = CASE WHEN :referralSupervised AND supervised_at IS NULL THEN :now ELSE supervised_at END,
                         answered_at = CASE WHEN :referralAnswered AND answered_at IS NULL THEN :now ELSE answered_at END,
                         resolved = :referralResolved, assignee_id = :referralAssigneeId::uuid, updated_at = :now
     WHERE id = :referralId::uuid AND EXISTS (SELECT 1 FROM c)),
  u AS (
    UPDATE deadlines SET
      status = CASE WHEN status NOT IN ('pending', 'paused') THEN status WHEN id = :firedRowId::uuid THEN 'fired'
                    WHEN clock_id = :supersededClockId::uuid THEN 'superseded' WHEN clock_id = :pausedClockId::uuid THEN 'paused'
                    WHEN :endedCancelled THEN 'cancelled'
                    WHEN status = 'pending' AND due_at < :now THEN 'lapsed' ELSE 'met' END,
      derivation = CASE WHEN id = :pausedClockId::uuid THEN :pausedDerivation::jsonb ELSE derivation END,
      fired_at = CASE WHEN id = :firedRowId::uuid AND status = 'pending' THEN :now ELSE fired_at END,
      fired_version = CASE WHEN id = :firedRowId::uuid AND status = 'pending' THEN :version ELSE fired_version END,
      ended_at = CASE WHEN ended_at IS NULL AND (key = ANY(:endedKeys::text[]) OR clock_id = :supersededClockId::uuid)
                      THEN :now ELSE ended_at END
     WHERE case_id = :id AND EXISTS (SELECT 1 FROM c) AND referral_id IS NOT DISTINCT FROM :referralId::uuid
       AND (id = :firedRowId::uuid OR (ended_at IS NULL AND (key = ANY(:endedKeys::text[]) OR clock_id = :supersededClockId::uuid
                                                              OR clock_id = :pausedClockId::uuid)))),
  ${TAIL}`);

type CaseValue =
  | 'id'
  | 'caseState'
  | 'stage'
  | 'category'
  | 'riskLevel'
  | 'outcome'
  | 'supervised'
  | 'confidential'
  | 'assigneeId'
  | 'inChargeId'
  | 'snapshot';
type ReferralValue =
  | 'referralState'
  | 'referralVersion'
  | 'referralSnapshot'
  | 'referralUrged'
  | 'referralSupervised'
  | 'referralAnswered'
  | 'referralResolved'
  | 'referralAssigneeId';
type TailValue =
  | 'version'
  | 'type'
  | 'payload'
  | 'facts'
  | 'actor'
  | 'now'
  | 'machineVersion'
  | 'state'
  | 'unitCode'
  | 'prevHash'
  | 'hash'
  | 'partyIds'
  | 'partyRoles'
  | 'partyNames'
  | 'partyPhones'
  | 'partyIdNumbers'
  | 'partyVulnerable'
  | 'partyDigests'
  | 'partyRepresentatives'
  | 'outboxIds'
  | 'outboxQueues'
  | 'outboxNames'
  | 'outboxPayloads'
  | 'outboxJobIds'
  | 'outboxRunAt'
  | 'deadlineIds'
  | 'deadlineKeys'
  | 'deadlineKinds'
  | 'deadlinePercents'
  | 'deadlineClocks'
  | 'deadlineStarts'
  | 'deadlineDues'
  | 'deadlineDerivations'
  | 'deadlineReferrals'
  | 'deadlineStates'
  | 'referralId'
  | 'requestId'
  | 'traceparent'
  | 'issuedIds'
  | 'issuedDepartments'
  | 'issuedRoles'
  | 'issuedMachineVersions'
  | 'issuedStates'
  | 'issuedSnapshots'
  | 'issuedInstructions'
  | 'issuedDue'
  | 'issuedDueAt'
  | 'issuedShareParties'
  | 'deliveryIds'
  | 'deliveryReferrals'
  | 'deliveryDepartments'
  | 'deliveryTypes'
  | 'deliveryBodies';

function values(write: CaseWrite): Record<TailValue | CaseValue, unknown> {
  const { row, event, parties, outbox, deadlines, now } = write;
  const e = event.chained;
  const rows = deadlines.rows;
  const issued = write.issued ?? [];
  const deliveries = write.deliveries ?? [];
  return {
    id: row.id,
    caseState: row.state,
    stage: row.stage,
    category: row.category,
    riskLevel: row.risk_level,
    outcome: row.outcome,
    supervised: row.supervised,
    confidential: row.confidential,
    assigneeId: row.assignee_id,
    inChargeId: row.in_charge_id,
    snapshot: row.snapshot,
    version: e.seq,
    type: e.type,
    payload: JSON.stringify(e.payload),
    facts: JSON.stringify(e.facts),
    actor: JSON.stringify(e.actor),
    now,
    machineVersion: e.machineVersion,
    state: e.state,
    unitCode: e.unitCode,
    prevHash: event.prevHash,
    hash: event.hash,
    partyIds: parties.map((p) => p.ref.partyId),
    partyRoles: parties.map((p) => p.ref.role),
    partyNames: parties.map((p) => p.nameEnc),
    partyPhones: parties.map((p) => p.phoneEnc),
    partyIdNumbers: parties.map((p) => p.idNumberEnc),
    partyVulnerable: parties.map((p) => JSON.stringify(p.ref.vulnerable)),
    partyDigests: parties.map((p) => p.ref.piiDigest),
    partyRepresentatives: parties.map((p) => p.ref.representative === true),
    outboxIds: outbox.map(() => uuidv7(now.getTime())),
    outboxQueues: outbox.map((m) => m.queue),
    outboxNames: outbox.map((m) => m.name),
    outboxPayloads: outbox.map((m) => JSON.stringify(m.payload)),
    outboxJobIds: outbox.map((m) => m.jobId ?? null),
    outboxRunAt: outbox.map((m) => m.runAt ?? null),
    deadlineIds: rows.map((r) => r.id),
    deadlineKeys: rows.map((r) => r.key),
    deadlineKinds: rows.map((r) => r.kind),
    deadlinePercents: rows.map((r) => r.percent),
    deadlineClocks: rows.map((r) => r.clockId),
    deadlineStarts: rows.map((r) => r.startsAt),
    deadlineDues: rows.map((r) => r.dueAt),
    deadlineDerivations: rows.map((r) => JSON.stringify(r.derivation)),
    deadlineReferrals: rows.map((r) => r.referralId ?? null),
    deadlineStates: rows.map((r) => r.state ?? null),
    referralId: write.referral?.id ?? null,
    // The request (or the job) this transition belongs to, from the ambient context: kept with the event outside
    // its hash, and on its outbox rows so that their jobs log it and continue its trace.
    requestId: currentRequestId(),
    traceparent: currentTraceparent(),
    issuedIds: issued.map((r) => r.id),
    issuedDepartments: issued.map((r) => r.departmentCode),
    issuedRoles: issued.map((r) => r.role),
    issuedMachineVersions: issued.map((r) => r.machineVersion),
    issuedStates: issued.map((r) => r.state),
    issuedSnapshots: issued.map((r) => JSON.stringify(r.snapshot)),
    issuedInstructions: issued.map((r) => r.instructions),
    issuedDue: issued.map((r) => r.dueInWorkingDays),
    issuedDueAt: issued.map((r) => r.dueAt),
    issuedShareParties: issued.map((r) => r.shareParties),
    deliveryIds: deliveries.map((d) => d.id),
    deliveryReferrals: deliveries.map((d) => d.referralId),
    deliveryDepartments: deliveries.map((d) => d.departmentCode),
    deliveryTypes: deliveries.map((d) => d.type),
    deliveryBodies: deliveries.map((d) => d.body),
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
      reference: row.reference,
      queryCode: row.query_code,
      kind: row.kind,
      channel: row.channel,
      summary: row.summary,
      description: row.description,
      occurredAt: row.occurred_at,
      createdBy: row.created_by,
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
      ...referralValues(write.referral),
      firedRowId: plan.firedRowId,
      endedKeys: plan.endedKeys,
      endedCancelled: plan.cancelled,
      supersededClockId: plan.supersededClockId,
      pausedClockId: plan.paused?.clockId ?? null,
      pausedDerivation: plan.paused ? JSON.stringify(plan.paused.derivation) : null,
    }),
  );
  // The row is locked, so this cannot happen unless something bypassed the engine; fail loudly.
  if (result?.written !== 1) throw new Error(`case ${write.row.id} changed under its lock`);
}

function referralValues(referral: ReferralChange | undefined): Record<ReferralValue, unknown> {
  return {
    referralState: referral?.state ?? null,
    referralVersion: referral?.version ?? null,
    referralSnapshot: referral ? JSON.stringify(referral.snapshot) : null,
    referralUrged: referral?.urged ?? false,
    referralSupervised: referral?.supervised ?? false,
    referralAnswered: referral?.answered ?? false,
    referralResolved: referral?.resolved ?? null,
    referralAssigneeId: referral?.assignee ?? null,
  };
}
