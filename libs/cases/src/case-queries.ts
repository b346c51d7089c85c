import { toEventEntry, type EventEntry, type EventRow } from '#audit';
import type { Clock } from '#clock';
import { coveredYearsWith, IMPORTED_YEARS_COLUMN, toDeadlineViews, type DeadlineJsonRow } from '#deadlines';
import { DomainError, ErrorCode, inScope, instantProblem, type Principal, seesPii, toInstant } from '#domain';
import { CASE_COLUMNS, toCaseRecord, type CaseRecord, type CaseRow } from '#engine';
import type { PartyRow, PartyVault } from '#parties';
import { listableUnitCodes } from '#directory';
import { cursorShape, toPage, type Cursors, type Database } from '#persistence';
import { toCaseView, type CaseLinkView, type CaseView } from './case-view.js';
import { REFERRAL_SUMMARY_COLUMNS, toReferralSummary, type ReferralSummaryRow } from './referral-queries.js';

interface ViewRows {
  referrals: ReferralSummaryRow[];
  parties: PartyRow[];
  links: Array<{ case_id: string; linked_case_id: string }>;
  deadlines: DeadlineJsonRow[];
  imported_years: number[];
}

export interface CaseFilter {
  kind?: string;
  stage?: string;
  state?: string;
  unitCode?: string;
  category?: string;
  riskLevel?: string;
  q?: string;
  /** true: a clock of the current state is past due; false: none is. */
  overdue?: boolean;
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
}

/** A case in a list: the answer of GET /cases/:id without its details, parties and links. */
export type CaseSummary = Pick<
  CaseView,
  | 'id'
  | 'reference'
  | 'kind'
  | 'state'
  | 'stage'
  | 'version'
  | 'unitCode'
  | 'channel'
  | 'category'
  | 'riskLevel'
  | 'outcome'
  | 'supervised'
  | 'summary'
  | 'createdAt'
  | 'updatedAt'
>;

/** An event as GET /cases/:id/history answers it: every hashed field, with the chain's two hashes. */
export type HistoryEntry = Omit<EventEntry, 'caseId'>;

function instant(value: string, field: string): Date {
  const problem = instantProblem(value);
  if (problem)
    throw new DomainError(ErrorCode.MalformedRequest, 'The query string has invalid parameters.', {}, [
      { field, message: problem },
    ]);
  return toInstant(value);
}

/** The smallest uuid whose uuidv7 instant is `at` (to the millisecond): every id minted at or after `at` sorts after it. */
function uuidv7Floor(at: Date): string {
  const ms = Math.min(Math.max(at.getTime(), 0), 2 ** 48 - 1);
  const hex = ms.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/** Reads of cases, always through the reader's scope: a case outside it is "not found". */
export class CaseQueries {
  constructor(
    private readonly db: Database,
    private readonly parties: PartyVault,
    private readonly clock: Clock,
    private readonly cursors: Cursors,
  ) {}

  async get(id: string, reader: Principal): Promise<CaseView> {
    const [row] = await this.db.query<CaseRow & { unit_path: string }>(
      `SELECT ${CASE_COLUMNS}, u.path AS unit_path FROM cases c JOIN units u ON u.code = c.unit_code WHERE c.id = $1`,
      [id],
    );
    if (!row || !inScope(reader, row.unit_path)) throw DomainError.notFound(`Case ${id}`);
    return this.view(toCaseRecord(row), reader);
  }

  /** The full answer for a case record, with its parties shown as the reader's role allows. */
  async view(record: CaseRecord, reader: Principal): Promise<CaseView> {
    // One round trip for all of it: this runs after every transition the API answers.
    const [{ parties, links, deadlines, referrals, imported_years }] = (await this.db.query<ViewRows>(
      `SELECT
         (SELECT coalesce(json_agg(p ORDER BY p.added_seq, p.id), '[]') FROM (
            SELECT id, case_id, role, name_enc, phone_enc, id_number_enc, vulnerable, added_seq FROM parties WHERE case_id = $1) p) AS parties,
         (SELECT coalesce(json_agg(l ORDER BY l.created_at), '[]') FROM (
            SELECT case_id, linked_case_id, created_at FROM case_links WHERE case_id = $1 OR linked_case_id = $1) l) AS links,
         (SELECT coalesce(json_agg(d ORDER BY d.created_at, d.id), '[]') FROM (
            SELECT id, key, kind, percent, clock_id, state, starts_at, due_at, status, derivation, fired_at, ended_at, created_at
              FROM deadlines WHERE case_id = $1 AND referral_id IS NULL) d) AS deadlines,
         (SELECT coalesce(json_agg(r ORDER BY r.created_at, r.id), '[]') FROM (
            SELECT ${REFERRAL_SUMMARY_COLUMNS} FROM referrals r JOIN cases c ON c.id = r.case_id WHERE r.case_id = $1) r) AS referrals,
         ${IMPORTED_YEARS_COLUMN}`,
      [record.id],
    )) as [ViewRows];
    const unmasked = seesPii(reader);
    const now = this.clock.now();
    return toCaseView(record, {
      referrals: referrals.map((r) => toReferralSummary(r, now)),
      deadlines: toDeadlineViews(deadlines, now, coveredYearsWith(imported_years)),
      parties: parties.map((p) => this.parties.view(p, unmasked)),
      links: links.map((l): CaseLinkView =>
        l.case_id === record.id
          ? { caseId: l.linked_case_id, relation: 'merged_into' }
          : { caseId: l.case_id, relation: 'merged_from' },
      ),
    });
  }

  async list(filter: CaseFilter, reader: Principal): Promise<{ items: CaseSummary[]; nextCursor: string | null }> {
    // The scope and the unit filter as the unit codes they cover (units is small): with the codes in hand the
    // planner reads a grid's few cases from cases_unit_idx, and walks cases_pkey for a large subtree.
    const units = await listableUnitCodes(this.db, filter.unitCode, reader.scope);
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const add = (sql: (p: string) => string, value: unknown) => where.push(sql(param(value)));
    if (units) add((p) => `c.unit_code = ANY(${p}::text[])`, units);
    if (filter.kind) add((p) => `c.kind = ${p}`, filter.kind);
    if (filter.stage) add((p) => `c.stage = ${p}`, filter.stage);
    if (filter.state) add((p) => `c.state = ${p}`, filter.state);
    if (filter.category) add((p) => `c.category = ${p}`, filter.category);
    if (filter.riskLevel) add((p) => `c.risk_level = ${p}`, filter.riskLevel);
    const from = filter.from ? instant(filter.from, 'from') : null;
    const to = filter.to ? instant(filter.to, 'to') : null;
    if (from) add((p) => `c.created_at >= ${p}`, from);
    if (to) add((p) => `c.created_at < ${p}`, to);
    if (filter.q) {
      const pattern = `%${filter.q.replace(/[\\%_]/g, '\\$&')}%`;
      add((p) => `(c.reference ILIKE ${p} OR c.summary ILIKE ${p})`, pattern);
    }
    if (filter.overdue !== undefined) {
      const overdue = (p: string) =>
        `EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = c.id AND d.referral_id IS NULL AND d.kind = 'due' AND d.ended_at IS NULL
                   AND d.due_at < ${p})`;
      add((p) => (filter.overdue ? overdue(p) : `NOT ${overdue(p)}`), this.clock.now());
    }
    const after = this.cursors.decode('cases', filter.cursor, cursorShape.uuid);
    if (after) add((p) => `c.id < ${p}`, after);
    if (units?.length === 0) return { items: [], nextCursor: null };
    const limit = param(filter.limit + 1);
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
    const rows = await this.db.query<CaseRow>(text, params);
    return toPage(
      rows,
      filter.limit,
      (r): CaseSummary => ({
        id: r.id,
        reference: r.reference,
        kind: r.kind,
        state: r.state,
        stage: r.stage,
        version: r.version,
        unitCode: r.unit_code,
        channel: r.channel,
        category: r.category,
        riskLevel: r.risk_level,
        outcome: r.outcome,
        supervised: r.supervised,
        summary: r.summary,
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
      }),
      (last) => this.cursors.encode('cases', last.id),
    );
  }

  async history(
    id: string,
    reader: Principal,
    page: { cursor?: string; limit: number },
  ): Promise<{ items: HistoryEntry[]; nextCursor: string | null }> {
    const [found] = await this.db.query<{ path: string }>(
      'SELECT u.path FROM cases c JOIN units u ON u.code = c.unit_code WHERE c.id = $1',
      [id],
    );
    if (!found || !inScope(reader, found.path)) throw DomainError.notFound(`Case ${id}`);
    const after = this.cursors.decode('case-history', page.cursor, cursorShape.int) ?? 0;
    const rows = await this.db.query<EventRow>(
      `SELECT case_id, seq, type, payload, facts, actor, at, machine_version, state, unit_code, referral_id, prev_hash, hash
       FROM case_events WHERE case_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [id, after, page.limit + 1],
    );
    return toPage(
      rows,
      page.limit,
      (r): HistoryEntry => {
        const { caseId: _, ...entry } = toEventEntry(r);
        return entry;
      },
      (last) => this.cursors.encode('case-history', last.seq),
    );
  }
}
