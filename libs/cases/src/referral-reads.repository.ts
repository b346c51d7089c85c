import type { DeadlineJsonRow } from '#deadlines';
import { IMPORTED_YEARS_COLUMN } from '#deadlines';
import type { PartyRow } from '#parties';
import type { Database } from '#persistence';
import type { StoredSnapshot } from '#workflows';

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

/** A referral with its case, clocks, parties and events, as GET /referrals/:id reads it. */
export interface ReferralViewRow extends ReferralSummaryRow {
  machine_version: number;
  snapshot: StoredSnapshot;
  instructions: string;
  due_in_working_days: number | null;
  share_parties: boolean;
  issued_seq: number;
  kind: string;
  confidential: boolean;
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

/** A page of referrals: each condition is optional; `departmentCode` restricts to one department's. */
export interface ReferralListQuery {
  departmentCode: string | null;
  /** The unit path the cases must lie under. */
  scope: string | null;
  /** Whether referrals of confidential cases may be listed (a department's own, or a role that sees them). */
  confidential: boolean;
  status?: string;
  caseId?: string;
  /** Whether the running clock is past due at `now`. */
  overdue?: { value: boolean; now: Date };
  /** The id of the last referral of the previous page. */
  before: string | null;
  limit: number;
}

/** The read side of referrals: the statements behind GET /referrals and /referrals/:id, typed by their rows. */
export class ReferralReadsRepository {
  constructor(private readonly db: Database) {}

  /** Newest first; `limit` rows at most. */
  list(query: ReferralListQuery): Promise<ReferralSummaryRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (query.departmentCode !== null) add((p) => `r.department_code = ${p}`, query.departmentCode);
    if (query.scope !== null) add((p) => `starts_with(u.path, ${p})`, query.scope);
    if (!query.confidential) where.push('NOT c.confidential');
    if (query.status) add((p) => `r.state = ${p}`, query.status);
    if (query.caseId) add((p) => `r.case_id = ${p}::uuid`, query.caseId);
    if (query.overdue) {
      const overdue = (p: string) =>
        `EXISTS (SELECT 1 FROM deadlines d WHERE d.referral_id = r.id AND d.kind = 'due' AND d.ended_at IS NULL AND d.due_at < ${p})`;
      const wanted = query.overdue.value;
      add((p) => (wanted ? overdue(p) : `NOT ${overdue(p)}`), query.overdue.now);
    }
    if (query.before) add((p) => `r.id < ${p}::uuid`, query.before);
    params.push(query.limit);
    return this.db.query<ReferralSummaryRow>(
      `SELECT ${REFERRAL_SUMMARY_COLUMNS}
         FROM referrals r JOIN cases c ON c.id = r.case_id JOIN units u ON u.code = c.unit_code
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY r.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  async find(id: string): Promise<ReferralViewRow | null> {
    const [row] = await this.db.query<ReferralViewRow>(
      `SELECT ${REFERRAL_SUMMARY_COLUMNS}, r.machine_version, r.snapshot, r.instructions, r.due_in_working_days, r.share_parties,
              r.issued_seq, c.kind, c.confidential, c.category, c.risk_level, c.summary, c.description, c.unit_code, u.path AS unit_path,
              (SELECT coalesce(json_agg(d ORDER BY d.created_at, d.id), '[]') FROM (
                 SELECT id, key, kind, percent, clock_id, state, starts_at, due_at, status, derivation, fired_at, ended_at, created_at
                   FROM deadlines WHERE referral_id = r.id) d) AS deadlines,
              ${IMPORTED_YEARS_COLUMN},
              (SELECT coalesce(json_agg(p ORDER BY p.added_seq, p.id), '[]') FROM (
                 SELECT id, case_id, role, name_enc, phone_enc, id_number_enc, vulnerable, representative, added_seq FROM parties WHERE case_id = r.case_id) p) AS parties,
              (SELECT coalesce(json_agg(e ORDER BY e.seq), '[]') FROM (
                 SELECT seq, type, payload, actor, at, state FROM case_events
                  WHERE case_id = r.case_id AND (referral_id = r.id OR seq = r.issued_seq)) e) AS events
         FROM referrals r JOIN cases c ON c.id = r.case_id JOIN units u ON u.code = c.unit_code
        WHERE r.id = $1`,
      [id],
    );
    return row ?? null;
  }
}
