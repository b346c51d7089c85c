import type { Clock } from '#clock';
import { coveredYearsWith, toDeadlineViews, type DeadlineView } from '#deadlines';
import { DomainError, inScope, type Principal, seesCase, seesConfidential, seesPii } from '#domain';
import { allowedEvents, referralWorkflowFor, restoreSnapshot } from '#workflows';
import type { PartyVault, PartyView } from '#parties';
import { cursorShape, toPage, type Cursors, type Page } from '#persistence';
import type { ReferralReadsRepository, ReferralSummaryRow, ReferralViewRow } from './referral-reads.repository.js';

export type { ReferralSummaryRow } from './referral-reads.repository.js';

/** A referral as a case answer lists it. */
export interface ReferralSummary {
  id: string;
  caseId: string;
  caseReference: string;
  departmentCode: string;
  role: string;
  state: string;
  version: number;
  urged: boolean;
  supervised: boolean;
  resolved: boolean | null;
  /** When the running clock (acknowledgement or reply) comes due; null once answered. */
  dueAt: string | null;
  overdue: boolean;
  issuedAt: string;
  answeredAt: string | null;
  updatedAt: string;
}

/** A referral as its department reads it: what to do, by when, about which case, and what happened so far. */
export interface ReferralView extends ReferralSummary {
  instructions: string;
  dueInWorkingDays: number | null;
  shareParties: boolean;
  urgedAt: string | null;
  supervisedAt: string | null;
  result: string | null;
  rejectionReason: string | null;
  cancellationReason: string | null;
  allowedEvents: string[];
  deadlines: DeadlineView[];
  case: {
    id: string;
    reference: string;
    kind: string;
    category: string | null;
    riskLevel: string | null;
    summary: string;
    description: string;
    unitCode: string;
  };
  /** Masked unless the referral shares them (REFER `shareParties`). */
  parties: PartyView[];
  /** The referral's own events in its case's chain, the issuing REFER first. */
  events: Array<{ seq: number; type: string; payload: unknown; actor: unknown; at: string; state: string }>;
}

export interface ReferralFilter {
  status?: string;
  overdue?: boolean;
  caseId?: string;
  cursor?: string;
  limit: number;
}

/** A referral row with its case's reference; times as pg hands them back, or as strings from `json_agg`. */
type SummaryRow = ReferralSummaryRow;
type ViewRow = ReferralViewRow;

const iso = <T extends Date | string | null>(value: T): T extends null ? string | null : string =>
  (value === null ? null : new Date(value).toISOString()) as never;

/** A referral's summary, as the case answer and the inbox list it. */
export function toReferralSummary(r: ReferralSummaryRow, now: Date): ReferralSummary {
  return {
    id: r.id,
    caseId: r.case_id,
    caseReference: r.reference,
    departmentCode: r.department_code,
    role: r.role,
    state: r.state,
    version: r.version,
    urged: r.urged_at !== null,
    supervised: r.supervised_at !== null,
    resolved: r.resolved,
    dueAt: iso(r.due_at),
    overdue: r.due_at !== null && new Date(r.due_at).getTime() < now.getTime(),
    issuedAt: iso(r.created_at),
    answeredAt: iso(r.answered_at),
    updatedAt: iso(r.updated_at),
  };
}

/**
 * Reads of referrals. A department reads only its own: another's is "not found", never a leak; a department key
 * scoped to a unit reads only those of cases owned within that subtree. Case readers (admin, auditor, intake,
 * mediator) read those of cases within their unit scope.
 */
export class ReferralQueries {
  constructor(
    private readonly reads: ReferralReadsRepository,
    private readonly parties: PartyVault,
    private readonly clock: Clock,
    private readonly cursors: Cursors,
  ) {}

  async list(filter: ReferralFilter, reader: Principal): Promise<Page<ReferralSummary>> {
    const rows = await this.reads.list({
      departmentCode: reader.role === 'department' ? (reader.departmentCode ?? '') : null,
      scope: reader.scope,
      // A department lists only its own referrals: the discipline-inspection body sees the accusations it received.
      confidential: reader.role === 'department' || seesConfidential(reader),
      status: filter.status,
      caseId: filter.caseId,
      overdue: filter.overdue === undefined ? undefined : { value: filter.overdue, now: this.clock.now() },
      before: this.cursors.decode('referrals', filter.cursor, cursorShape.uuid),
      limit: filter.limit + 1,
    });
    return toPage(
      rows,
      filter.limit,
      (r) => this.summary(r),
      (last) => this.cursors.encode('referrals', last.id),
    );
  }

  async get(id: string, reader: Principal): Promise<ReferralView> {
    const row = await this.reads.find(id);
    if (!row || !this.mayRead(reader, row)) throw DomainError.notFound(`Referral ${id}`);
    const workflow = referralWorkflowFor(row.machine_version);
    const context = row.snapshot.context as Record<string, unknown>;
    const departmentReads = reader.role === 'department';
    return {
      ...this.summary(row),
      instructions: row.instructions,
      dueInWorkingDays: row.due_in_working_days,
      shareParties: row.share_parties,
      urgedAt: iso(row.urged_at),
      supervisedAt: iso(row.supervised_at),
      result: (context.result as string | null) ?? null,
      rejectionReason: (context.rejectionReason as string | null) ?? null,
      cancellationReason: (context.cancellationReason as string | null) ?? null,
      // What the reader may send: only the department acts on its referral.
      allowedEvents: departmentReads ? allowedEvents(workflow, restoreSnapshot(workflow, row.snapshot)) : [],
      deadlines: toDeadlineViews(row.deadlines, this.clock.now(), coveredYearsWith(row.imported_years)),
      case: {
        id: row.case_id,
        reference: row.reference,
        kind: row.kind,
        category: row.category,
        riskLevel: row.risk_level,
        summary: row.summary,
        description: row.description,
        unitCode: row.unit_code,
      },
      parties: row.parties.map((p) => this.parties.view(p, departmentReads ? row.share_parties : seesPii(reader))),
      events: row.events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
    };
  }

  private summary(r: SummaryRow): ReferralSummary {
    return toReferralSummary(r, this.clock.now());
  }

  private mayRead(reader: Principal, row: ViewRow): boolean {
    if (reader.role === 'department')
      return row.department_code === reader.departmentCode && inScope(reader, row.unit_path);
    return seesCase(reader, { path: row.unit_path, confidential: row.confidential });
  }
}
