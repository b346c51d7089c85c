import type { CaseKind, Channel, Outcome, RiskLevel, Stage } from '#domain';
import type { StoredSnapshot } from '#workflows';

/** A case as the engine knows it: the `cases` row, no PII. */
export interface CaseRecord {
  id: string;
  reference: string;
  queryCode: string;
  kind: CaseKind;
  machineVersion: number;
  state: string;
  stage: Stage;
  version: number;
  unitCode: string;
  channel: Channel;
  category: string | null;
  riskLevel: RiskLevel | null;
  outcome: Outcome | null;
  supervised: boolean;
  /** An accusation (信访工作条例 art. 30): seen only by admins, auditors and the department it was referred to. */
  confidential: boolean;
  /** The user working the case (machine version 2 on). */
  assigneeId: string | null;
  /** The leader in personal charge of the case (领导包案). */
  inChargeId: string | null;
  summary: string;
  description: string;
  occurredAt: Date | null;
  snapshot: StoredSnapshot;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The columns of `cases`, in the order CASE_COLUMNS lists them. */
export interface CaseRow {
  id: string;
  reference: string;
  query_code: string;
  kind: CaseKind;
  machine_version: number;
  state: string;
  stage: Stage;
  version: number;
  unit_code: string;
  channel: Channel;
  category: string | null;
  risk_level: RiskLevel | null;
  outcome: Outcome | null;
  supervised: boolean;
  confidential: boolean;
  assignee_id: string | null;
  in_charge_id: string | null;
  summary: string;
  description: string;
  occurred_at: Date | null;
  snapshot: StoredSnapshot;
  head_hash: string;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export const CASE_COLUMNS = `c.id, c.reference, c.query_code, c.kind, c.machine_version, c.state, c.stage, c.version,
  c.unit_code, c.channel, c.category, c.risk_level, c.outcome, c.supervised, c.confidential, c.assignee_id, c.in_charge_id,
  c.summary, c.description, c.occurred_at, c.snapshot, c.head_hash, c.created_by, c.created_at, c.updated_at`;

export function toCaseRecord(row: CaseRow): CaseRecord {
  return {
    id: row.id,
    reference: row.reference,
    queryCode: row.query_code,
    kind: row.kind,
    machineVersion: row.machine_version,
    state: row.state,
    stage: row.stage,
    version: row.version,
    unitCode: row.unit_code,
    channel: row.channel,
    category: row.category,
    riskLevel: row.risk_level,
    outcome: row.outcome,
    supervised: row.supervised,
    confidential: row.confidential,
    assigneeId: row.assignee_id,
    inChargeId: row.in_charge_id,
    summary: row.summary,
    description: row.description,
    occurredAt: row.occurred_at,
    snapshot: row.snapshot,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
