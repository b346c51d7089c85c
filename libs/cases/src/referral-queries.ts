import type { Clock } from '#clock';
import {
  coveredYearsWith,
  IMPORTED_YEARS_COLUMN,
  toDeadlineViews,
  type DeadlineJsonRow,
  type DeadlineView,
} from '#deadlines';
import { DomainError, type Principal, seesPii } from '#domain';
import { allowedEvents, referralWorkflowFor, restoreSnapshot, type StoredSnapshot } from '#workflows';
import type { PartyRow, PartyVault, PartyView } from '#parties';
import { cursorShape, toPage, type Cursors, type Database, type Page } from '#persistence';

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
export interface ReferralSummaryRow {
  id: string;
  case_id: string;
  reference: string;
  department_code: string;
  role: string;
  state: string;
  version: number;
  urged_at: Date | string | null;
  supervised_at: Date | string | null;
  resolved: boolean | null;
  due_at: Date | string | null;
  created_at: Date | string;
  answered_at: Date | string | null;
  updated_at: Date | string;
}
type SummaryRow = ReferralSummaryRow;

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

interface ViewRow extends SummaryRow {
  machine_version: number;
  snapshot: StoredSnapshot;
  instructions: string;
  due_in_working_days: number | null;
  share_parties: boolean;
  issued_seq: number;
  kind: string;
  category: string | null;
  risk_level: string | null;
  summary: string;
  description: string;
  unit_code: string;
  unit_path: string;
  deadlines: DeadlineJsonRow[];
  imported_years: number[];
  parties: PartyRow[];
  events: Array<{ seq: number; type: string; payload: unknown; actor: unknown; at: string; state: string }>;
}

/** The columns of a ReferralSummaryRow, from `referrals r JOIN cases c`. */
export const REFERRAL_SUMMARY_COLUMNS = `r.id, r.case_id, c.reference, r.department_code, r.role, r.state, r.version, r.urged_at,
  r.supervised_at, r.resolved, r.created_at, r.answered_at, r.updated_at,
  -- the due time of the running clock (acknowledgement or reply): the earliest due row not yet ended
  (SELECT min(d.due_at) FROM deadlines d WHERE d.referral_id = r.id AND d.kind = 'due' AND d.ended_at IS NULL) AS due_at`;

/**
 * Reads of referrals. A department reads only its own: another's is "not found", never a leak; a department key
 * scoped to a unit reads only those of cases owned within that subtree. Case readers (admin, auditor, intake,
 * mediator) read those of cases within their unit scope.
 */
export class ReferralQueries {
  constructor(
    private readonly db: Database,
    private readonly parties: PartyVault,
    private readonly clock: Clock,
    private readonly cursors: Cursors,
  ) {}

  async list(filter: ReferralFilter, reader: Principal): Promise<Page<ReferralSummary>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    this.restrict(reader, add);
    if (filter.status) add((p) => `r.state = ${p}`, filter.status);
    if (filter.caseId) add((p) => `r.case_id = ${p}::uuid`, filter.caseId);
    if (filter.overdue !== undefined) {
      const overdue = (p: string) =>
        `EXISTS (SELECT 1 FROM deadlines d WHERE d.referral_id = r.id AND d.kind = 'due' AND d.ended_at IS NULL AND d.due_at < ${p})`;
      add((p) => (filter.overdue ? overdue(p) : `NOT ${overdue(p)}`), this.clock.now());
    }
    const after = this.cursors.decode('referrals', filter.cursor, cursorShape.uuid);
    if (after) add((p) => `r.id < ${p}::uuid`, after);
    params.push(filter.limit + 1);
    const rows = await this.db.query<SummaryRow>(
      `SELECT ${REFERRAL_SUMMARY_COLUMNS}
         FROM referrals r JOIN cases c ON c.id = r.case_id JOIN units u ON u.code = c.unit_code
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY r.id DESC LIMIT $${params.length}`,
      params,
    );
    return toPage(
      rows,
      filter.limit,
      (r) => this.summary(r),
      (last) => this.cursors.encode('referrals', last.id),
    );
  }

  async get(id: string, reader: Principal): Promise<ReferralView> {
    const [row] = await this.db.query<ViewRow>(
      `SELECT ${REFERRAL_SUMMARY_COLUMNS}, r.machine_version, r.snapshot, r.instructions, r.due_in_working_days, r.share_parties,
              r.issued_seq, c.kind, c.category, c.risk_level, c.summary, c.description, c.unit_code, u.path AS unit_path,
              (SELECT coalesce(json_agg(d ORDER BY d.created_at, d.id), '[]') FROM (
                 SELECT id, key, kind, percent, clock_id, state, starts_at, due_at, status, derivation, fired_at, ended_at, created_at
                   FROM deadlines WHERE referral_id = r.id) d) AS deadlines,
              ${IMPORTED_YEARS_COLUMN},
              (SELECT coalesce(json_agg(p ORDER BY p.added_seq, p.id), '[]') FROM (
                 SELECT id, case_id, role, name_enc, phone_enc, id_number_enc, vulnerable, added_seq FROM parties WHERE case_id = r.case_id) p) AS parties,
              (SELECT coalesce(json_agg(e ORDER BY e.seq), '[]') FROM (
                 SELECT seq, type, payload, actor, at, state FROM case_events
                  WHERE case_id = r.case_id AND (referral_id = r.id OR seq = r.issued_seq)) e) AS events
         FROM referrals r JOIN cases c ON c.id = r.case_id JOIN units u ON u.code = c.unit_code
        WHERE r.id = $1`,
      [id],
    );
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

  /** The SQL restriction of a list to what the reader may see. */
  private restrict(reader: Principal, add: (sql: (p: string) => string, value: unknown) => void): void {
    if (reader.role === 'department') add((p) => `r.department_code = ${p}`, reader.departmentCode ?? '');
    if (reader.scope !== null) add((p) => `starts_with(u.path, ${p})`, reader.scope);
  }

  private mayRead(reader: Principal, row: ViewRow): boolean {
    if (reader.role === 'department' && row.department_code !== reader.departmentCode) return false;
    return reader.scope === null || row.unit_path.startsWith(reader.scope);
  }
}
