import { DomainError, ErrorCode, instantProblem, type Principal, seesConfidential, toInstant } from '#domain';
import type { Clock } from '#clock';
import { listableUnitCodes } from '#directory';
import { cursorShape, toPage, type Cursors, type Database } from '#persistence';
import { coveredYearsWith, IMPORTED_YEARS_COLUMN, uncoveredSpan } from './deadline-view.js';

export interface DeadlineListItem {
  id: string;
  caseId: string;
  reference: string;
  kind: string;
  caseState: string;
  unitCode: string;
  /** Set when the clock is a referral's (its acknowledgement or reply); `state` is then the referral's. */
  referralId: string | null;
  key: string;
  state: string;
  startsAt: string;
  dueAt: string;
  /** `paused`: stopped by its machine; it is not due while it is. */
  status: 'pending' | 'paused' | 'breached';
  overdue: boolean;
  breachedAt: string | null;
  /** Years its span reaches that no holiday schedule covers now (see DeadlineView.uncoveredYears). */
  uncoveredYears: number[];
}

/** Where a page of open clocks ends: the last clock's due time and id. */
const DEADLINE_CURSOR = cursorShape.tuple(cursorShape.text, cursorShape.uuid);

/**
 * What a supervisor (督办) looks at: the open clocks of the cases in their scope, soonest due first — those
 * breached and still unresolved, and those coming due.
 */
export class DeadlineQueries {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly cursors: Cursors,
  ) {}

  async list(
    filter: { dueBefore?: string; status?: 'pending' | 'breached'; unitCode?: string; cursor?: string; limit: number },
    reader: Principal,
  ): Promise<{ items: DeadlineListItem[]; nextCursor: string | null }> {
    // The scope and the unit filter as the unit codes they cover (units is small), so the planner sees them:
    // for a grid it reads the grid's cases and their clocks; for a large subtree it walks the open clocks
    // soonest first and keeps those of its cases.
    const units = await listableUnitCodes(this.db, filter.unitCode, reader.scope);
    const where = [`d.kind = 'due'`, 'd.ended_at IS NULL'];
    const params: unknown[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (units) add((p) => `c.unit_code = ANY(${p}::text[])`, units);
    // The clocks of a confidential case (its referral's, an accusation's) show only to roles that see the case.
    if (!seesConfidential(reader)) where.push('NOT c.confidential');
    if (filter.dueBefore) {
      const problem = instantProblem(filter.dueBefore);
      if (problem)
        throw new DomainError(ErrorCode.MalformedRequest, 'The query string has invalid parameters.', {}, [
          { field: 'dueBefore', message: problem },
        ]);
      add((p) => `d.due_at < ${p}`, toInstant(filter.dueBefore));
    }
    if (filter.status) add((p) => `d.status = ${p}`, filter.status === 'breached' ? 'fired' : 'pending');
    const after = this.cursors.decode('deadlines', filter.cursor, DEADLINE_CURSOR);
    if (after) {
      params.push(new Date(after[0]), after[1]);
      where.push(`(d.due_at, d.id) > ($${params.length - 1}, $${params.length})`);
    }
    if (units?.length === 0) return { items: [], nextCursor: null };
    params.push(filter.limit + 1);
    const rows = await this.db.query<{
      id: string;
      case_id: string;
      reference: string;
      kind: string;
      case_state: string;
      unit_code: string;
      key: string;
      state: string;
      starts_at: Date;
      due_at: Date;
      status: string;
      fired_at: Date | null;
      referral_id: string | null;
      imported_years: number[];
    }>(
      `SELECT d.id, d.case_id, c.reference, c.kind, c.state AS case_state, c.unit_code, d.key, d.state, d.starts_at,
              d.due_at, d.status, d.fired_at, d.referral_id, ${IMPORTED_YEARS_COLUMN}
         FROM deadlines d JOIN cases c ON c.id = d.case_id
        WHERE ${where.join(' AND ')}
        ORDER BY d.due_at, d.id LIMIT $${params.length}`,
      params,
    );
    const now = this.clock.now().getTime();
    const covered = coveredYearsWith(rows[0]?.imported_years ?? []);
    return toPage(
      rows,
      filter.limit,
      (r): DeadlineListItem => ({
        id: r.id,
        caseId: r.case_id,
        reference: r.reference,
        kind: r.kind,
        caseState: r.case_state,
        unitCode: r.unit_code,
        referralId: r.referral_id,
        key: r.key,
        state: r.state,
        startsAt: r.starts_at.toISOString(),
        dueAt: r.due_at.toISOString(),
        status: r.status === 'fired' ? 'breached' : r.status === 'paused' ? 'paused' : 'pending',
        overdue: r.status !== 'paused' && r.due_at.getTime() < now,
        breachedAt: r.fired_at?.toISOString() ?? null,
        uncoveredYears: uncoveredSpan(r.starts_at, r.due_at, covered),
      }),
      (last) => this.cursors.encode('deadlines', [last.dueAt, last.id]),
    );
  }
}
