import { toEventEntry, type EventEntry } from '#audit';
import type { Clock } from '#clock';
import { coveredYearsWith, toDeadlineViews } from '#deadlines';
import {
  DomainError,
  ErrorCode,
  instantProblem,
  type Principal,
  seesCase,
  seesConfidential,
  seesPii,
  toInstant,
} from '#domain';
import { toCaseRecord, type CaseRecord } from '#engine';
import type { PartyVault } from '#parties';
import { cursorShape, toPage, type Cursors } from '#persistence';
import type { CaseReadsRepository } from './case-reads.repository.js';
import { toCaseView, type CaseLinkView, type CaseView } from './case-view.js';
import { toReferralSummary } from './referral-queries.js';

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
  | 'confidential'
  | 'assigneeId'
  | 'inChargeId'
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

/**
 * Reads of cases, always through the reader's scope, and, for a confidential case, its role (seesCase): a case
 * the reader does not see is "not found".
 */
export class CaseQueries {
  constructor(
    private readonly reads: CaseReadsRepository,
    private readonly parties: PartyVault,
    private readonly clock: Clock,
    private readonly cursors: Cursors,
  ) {}

  async get(id: string, reader: Principal): Promise<CaseView> {
    const row = await this.reads.find(id);
    if (!row || !seesCase(reader, { path: row.unit_path, confidential: row.confidential }))
      throw DomainError.notFound(`Case ${id}`);
    return this.view(toCaseRecord(row), reader);
  }

  /** The full answer for a case record, with its parties shown as the reader's role allows. */
  async view(record: CaseRecord, reader: Principal): Promise<CaseView> {
    // One round trip for all of it: this runs after every transition the API answers.
    const { parties, links, deadlines, referrals, imported_years } = await this.reads.viewRows(record.id);
    const unmasked = seesPii(reader);
    const now = this.clock.now();
    return toCaseView(
      record,
      {
        referrals: referrals.map((r) => toReferralSummary(r, now)),
        deadlines: toDeadlineViews(deadlines, now, coveredYearsWith(imported_years)),
        parties: parties.map((p) => this.parties.view(p, unmasked)),
        links: links.map((l): CaseLinkView =>
          l.case_id === record.id
            ? { caseId: l.linked_case_id, relation: 'merged_into' }
            : { caseId: l.case_id, relation: 'merged_from' },
        ),
      },
      // A person may act in any role they hold; a key in its one.
      reader.session?.roles ?? [reader.role],
    );
  }

  async list(filter: CaseFilter, reader: Principal): Promise<{ items: CaseSummary[]; nextCursor: string | null }> {
    // The scope and the unit filter as the unit codes they cover (units is small): with the codes in hand the
    // planner reads a grid's few cases from cases_unit_idx, and walks cases_pkey for a large subtree.
    const units = await this.reads.unitCodes(filter.unitCode, reader.scope);
    const from = filter.from ? instant(filter.from, 'from') : null;
    const to = filter.to ? instant(filter.to, 'to') : null;
    const before = this.cursors.decode('cases', filter.cursor, cursorShape.uuid);
    if (units?.length === 0) return { items: [], nextCursor: null };
    const rows = await this.reads.list({
      units,
      confidential: seesConfidential(reader),
      kind: filter.kind,
      stage: filter.stage,
      state: filter.state,
      category: filter.category,
      riskLevel: filter.riskLevel,
      from,
      to,
      pattern: filter.q ? `%${filter.q.replace(/[\\%_]/g, '\\$&')}%` : undefined,
      overdue: filter.overdue === undefined ? undefined : { value: filter.overdue, now: this.clock.now() },
      before,
      limit: filter.limit + 1,
    });
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
        confidential: r.confidential,
        assigneeId: r.assignee_id,
        inChargeId: r.in_charge_id,
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
    const found = await this.reads.visibility(id);
    if (!found || !seesCase(reader, found)) throw DomainError.notFound(`Case ${id}`);
    const after = this.cursors.decode('case-history', page.cursor, cursorShape.int) ?? 0;
    const rows = await this.reads.history(id, after, page.limit + 1);
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
