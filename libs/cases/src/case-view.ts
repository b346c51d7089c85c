import type { DeadlineView } from '#deadlines';
import type { CaseRecord } from '#engine';
import { allowedEvents, restoreSnapshot, workflowFor } from '#workflows';
import type { PartyView } from '#parties';
import type { ReferralSummary } from './referral-queries.js';

export interface CaseLinkView {
  caseId: string;
  relation: 'merged_into' | 'merged_from';
}

/** A case as the API answers it (docs/api.md, "Cases"). */
export interface CaseView {
  id: string;
  reference: string;
  queryCode: string;
  kind: string;
  machineVersion: number;
  state: string;
  stage: string;
  version: number;
  unitCode: string;
  channel: string;
  category: string | null;
  riskLevel: string | null;
  outcome: string | null;
  supervised: boolean;
  /** An accusation (信访工作条例 art. 30): seen only by admins, auditors and the department it was referred to. */
  confidential: boolean;
  /** The user working the case (machine version 2 on), null when no one is. */
  assigneeId: string | null;
  /** The leader in personal charge of the case (领导包案), if one took charge. */
  inChargeId: string | null;
  summary: string;
  description: string;
  occurredAt: string | null;
  /** The machine's own record of the case beyond the fields above (mediator, agreement, follow-up, …). */
  details: Record<string, unknown>;
  allowedEvents: string[];
  deadlines: DeadlineView[];
  referrals: ReferralSummary[];
  links: CaseLinkView[];
  parties: PartyView[];
  createdAt: string;
  updatedAt: string;
}

const BASE_CONTEXT = new Set([
  'category',
  'riskLevel',
  'outcome',
  'supervised',
  'confidential',
  'assignee',
  'inCharge',
]);

export function toCaseView(
  record: CaseRecord,
  extras: { parties: PartyView[]; links: CaseLinkView[]; deadlines: DeadlineView[]; referrals: ReferralSummary[] },
  /** The reader's roles: `allowedEvents` lists only what one of them may send now. */
  roles?: readonly string[],
): CaseView {
  const workflow = workflowFor(record.kind, record.machineVersion);
  const snapshot = restoreSnapshot(workflow, record.snapshot);
  return {
    id: record.id,
    reference: record.reference,
    queryCode: record.queryCode,
    kind: record.kind,
    machineVersion: record.machineVersion,
    state: record.state,
    stage: record.stage,
    version: record.version,
    unitCode: record.unitCode,
    channel: record.channel,
    category: record.category,
    riskLevel: record.riskLevel,
    outcome: record.outcome,
    supervised: record.supervised,
    confidential: record.confidential,
    assigneeId: record.assigneeId,
    inChargeId: record.inChargeId,
    summary: record.summary,
    description: record.description,
    occurredAt: record.occurredAt?.toISOString() ?? null,
    details: Object.fromEntries(Object.entries(record.snapshot.context).filter(([k]) => !BASE_CONTEXT.has(k))),
    allowedEvents: allowedEvents(workflow, snapshot, roles),
    deadlines: extras.deadlines,
    referrals: extras.referrals,
    links: extras.links,
    parties: extras.parties,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}
