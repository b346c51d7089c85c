import type { EventRow } from '#audit';
import { IMPORTED_YEARS_COLUMN, type DeadlineJsonRow } from '#deadlines';
import { listableUnitCodes } from '#directory';
import { CASE_COLUMNS, type CaseRow } from '#engine';
import type { PartyRow } from '#parties';
import type { Database } from '#persistence';
import { REFERRAL_SUMMARY_COLUMNS, type ReferralSummaryRow } from './referral-reads.repository.js';

/** What a case's full answer needs besides its own row, read in one round trip. */
export interface CaseViewRows {
  referrals: ReferralSummaryRow[];
  parties: PartyRow[];
  links: Array<{ case_id: string; linked_case_id: string }>;
  deadlines: DeadlineJsonRow[];
  imported_years: number[];
}

/** A page of cases: each condition is optional; `units` null means every unit. */
export interface CaseListQuery {
  units: string[] | null;
  /** Whether confidential cases may be listed (the reader's role sees them). */
  confidential: boolean;
  kind?: string;
  stage?: string;
  state?: string;
  category?: string;
  riskLevel?: string;
  from: Date | null;
  to: Date | null;
  /** An ILIKE pattern, already escaped, on the reference or the summary. */
  pattern?: string;
  /** Whether a clock of the current state is past due at `now`. */
  overdue?: { value: boolean; now: Date };
  /** The id of the last case of the previous page. */
  before: string | null;
  limit: number;
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

// A stage is entered by the first of the case's own events (not its referrals') whose state lies in it.
const PROGRESS_SQL = `
SELECT c.reference, c.kind, c.stage, c.state = 'archive.closed' AS closed,
       to_char(c.created_at AT TIME ZONE 'UTC', ${ISO}) AS registered_at,
       to_char(c.updated_at AT TIME ZONE 'UTC', ${ISO}) AS updated_at,
       (SELECT coalesce(json_agg(json_build_object('stage', s.stage, 'enteredAt', to_char(s.at AT TIME ZONE 'UTC', ${ISO}))
                                 ORDER BY s.seq), '[]')
          FROM (SELECT e.seq, e.at, split_part(e.state, '.', 1) AS stage,
                       lag(split_part(e.state, '.', 1)) OVER (ORDER BY e.seq) AS previous
                  FROM case_events e
                 WHERE e.case_id = c.id AND e.referral_id IS NULL) s
         WHERE s.previous IS DISTINCT FROM s.stage) AS stages
  FROM cases c
 WHERE c.query_code = $1`;

/** A case's public progress as GET /progress answers it, its instants already as text. */
export interface ProgressRow {
  reference: string;
  kind: string;
  stage: string;
  closed: boolean;
  registered_at: string;
  updated_at: string;
  stages: Array<{ stage: string; enteredAt: string }>;
}

/** The smallest uuid whose uuidv7 instant is `at` (to the millisecond): every id minted at or after `at` sorts after it. */
function uuidv7Floor(at: Date): string {
  const ms = Math.min(Math.max(at.getTime(), 0), 2 ** 48 - 1);
  const hex = ms.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/**
 * The read side of cases: the statements behind GET /cases, /cases/:id and its history, each typed. They are
 * hand-tuned to the indexes (docs/benchmarks.md), so they stay SQL, kept here rather than in the services.
 */
export class CaseReadsRepository {
  constructor(private readonly db: Database) {}

  /** The codes of the units a list may show (see listableUnitCodes). */
  unitCodes(unitCode: string | undefined, scope: string | null): Promise<string[] | null> {
    return listableUnitCodes(this.db, unitCode, scope);
  }

  async find(id: string): Promise<(CaseRow & { unit_path: string }) | null> {
    const [row] = await this.db.query<CaseRow & { unit_path: string }>(
      `SELECT ${CASE_COLUMNS}, u.path AS unit_path FROM cases c JOIN units u ON u.code = c.unit_code WHERE c.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** What decides who sees the case (its unit's path, whether it is confidential), or null when there is none. */
  async visibility(id: string): Promise<{ path: string; confidential: boolean } | null> {
    const [found] = await this.db.query<{ path: string; confidential: boolean }>(
      'SELECT u.path, c.confidential FROM cases c JOIN units u ON u.code = c.unit_code WHERE c.id = $1',
      [id],
    );
    return found ?? null;
  }

  async viewRows(caseId: string): Promise<CaseViewRows> {
    const [rows] = (await this.db.query<CaseViewRows>(
      `SELECT
         (SELECT coalesce(json_agg(p ORDER BY p.added_seq, p.id), '[]') FROM (
            SELECT id, case_id, role, name_enc, phone_enc, id_number_enc, vulnerable, representative, added_seq FROM parties WHERE case_id = $1) p) AS parties,
         (SELECT coalesce(json_agg(l ORDER BY l.created_at), '[]') FROM (
            SELECT case_id, linked_case_id, created_at FROM case_links WHERE case_id = $1 OR linked_case_id = $1) l) AS links,
         (SELECT coalesce(json_agg(d ORDER BY d.created_at, d.id), '[]') FROM (
            SELECT id, key, kind, percent, clock_id, state, starts_at, due_at, status, derivation, fired_at, ended_at, created_at
              FROM deadlines WHERE case_id = $1 AND referral_id IS NULL) d) AS deadlines,
         (SELECT coalesce(json_agg(r ORDER BY r.created_at, r.id), '[]') FROM (
            SELECT ${REFERRAL_SUMMARY_COLUMNS} FROM referrals r JOIN cases c ON c.id = r.case_id WHERE r.case_id = $1) r) AS referrals,
         ${IMPORTED_YEARS_COLUMN}`,
      [caseId],
    )) as [CaseViewRows];
    return rows;
  }

  /** Newest first; `limit` rows at most. */
  async list(query: CaseListQuery): Promise<CaseRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const add = (sql: (p: string) => string, value: unknown) => where.push(sql(param(value)));
    if (query.units) add((p) => `c.unit_code = ANY(${p}::text[])`, query.units);
    if (!query.confidential) where.push('NOT c.confidential');
    if (query.kind) add((p) => `c.kind = ${p}`, query.kind);
    if (query.stage) add((p) => `c.stage = ${p}`, query.stage);
    if (query.state) add((p) => `c.state = ${p}`, query.state);
    if (query.category) add((p) => `c.category = ${p}`, query.category);
    if (query.riskLevel) add((p) => `c.risk_level = ${p}`, query.riskLevel);
    const { from, to } = query;
    if (from) add((p) => `c.created_at >= ${p}`, from);
    if (to) add((p) => `c.created_at < ${p}`, to);
    if (query.pattern) add((p) => `(c.reference ILIKE ${p} OR c.summary ILIKE ${p})`, query.pattern);
    if (query.overdue) {
      const overdue = (p: string) =>
        `EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = c.id AND d.referral_id IS NULL AND d.kind = 'due' AND d.ended_at IS NULL
                   AND d.due_at < ${p})`;
      const wanted = query.overdue.value;
      add((p) => (wanted ? overdue(p) : `NOT ${overdue(p)}`), query.overdue.now);
    }
    if (query.before) add((p) => `c.id < ${p}`, query.before);
    const limit = param(query.limit);
    const select = (conditions: string[]) =>
      `SELECT ${CASE_COLUMNS} FROM cases c ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}`;
    const page = `ORDER BY c.id DESC LIMIT ${limit}`;
    let text = `${select(where)} ${page}`;
    if (from || to) {
      // The window as an id range, so the walk of cases_pkey (or cases_unit_idx) starts and stops in it. A case
      // whose id's instant is not its created_at (the clock went back; cases_clock_skew_idx holds them) may
      // lie outside that range: the second branch reads those from that index, so the window stays exact.
      const ids: string[] = [];
      if (from) ids.push(`c.id >= ${param(uuidv7Floor(from))}::uuid`);
      if (to) ids.push(`c.id < ${param(uuidv7Floor(to))}::uuid`);
      text = `SELECT * FROM ((${select([...where, ...ids])} ${page})
              UNION ALL ${select([...where, 'uuidv7_instant(c.id) <> c.created_at', `NOT (${ids.join(' AND ')})`])}) c ${page}`;
    }
    return this.db.query<CaseRow>(text, params);
  }

  /** The case with this query code; a value no case has finds none, by the same statement. */
  async progress(code: string): Promise<ProgressRow | null> {
    const [row] = await this.db.query<ProgressRow>(PROGRESS_SQL, [code]);
    return row ?? null;
  }

  /** The case's events after `afterSeq`, in order; `limit` at most. */
  history(caseId: string, afterSeq: number, limit: number): Promise<EventRow[]> {
    return this.db.query<EventRow>(
      `SELECT case_id, seq, type, payload, facts, actor, at, machine_version, state, unit_code, referral_id, prev_hash, hash
       FROM case_events WHERE case_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [caseId, afterSeq, limit],
    );
  }
}
