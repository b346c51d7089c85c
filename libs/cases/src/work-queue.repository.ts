import { listableUnitCodes } from '#directory';
import type { Database } from '#persistence';

/** The views of a person's work queue (docs/api.md, "Work queues"). */
export const QUEUE_VIEWS = ['mine', 'unassigned', 'due_soon', 'overdue', 'supervised', 'in_charge'] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];

/**
 * A clock that still runs: a due row not ended and not paused. A breached clock (`fired`) whose state was not left
 * still runs — the petition waiting past its 15 days, the referral urged and still unacknowledged — and is the
 * most overdue of all; a paused one (a hearing during 复核) is not due while it is. `d` is the deadlines alias.
 * migrations/1764830000000-WorkQueues.ts indexes exactly these rows.
 */
export const running = (d: string) =>
  `${d}.kind = 'due' AND ${d}.ended_at IS NULL AND ${d}.status IN ('pending', 'fired')`;

/** A referral is on its department's desk until it is answered (replied) or ends. */
export const OPEN_REFERRAL = `r.state NOT IN ('replied', 'rejected', 'closed', 'cancelled')`;

/** A row of either queue; the referral columns are null for a case. */
export interface QueueRow {
  id: string;
  reference: string;
  kind: string;
  stage: string;
  state: string;
  category: string | null;
  risk_level: string | null;
  unit_code: string;
  supervised: boolean;
  confidential: boolean;
  assignee_id: string | null;
  assignee_name: string | null;
  in_charge_id: string | null;
  in_charge_name: string | null;
  due_key: string | null;
  due_at: Date | null;
  /** due_at as PostgreSQL writes it, to the microsecond: where a cursor resumes. */
  due_text: string | null;
  case_id: string;
  department_code: string | null;
  urged: boolean | null;
}

/** The filters of every view: the case's kind, stage, category and risk. */
export interface QueueFilters {
  kind?: string;
  stage?: string;
  category?: string;
  riskLevel?: string;
  /** The owning unit's subtree: applied as the reader's unit codes (QueueReader.units), not as a condition. */
  unitCode?: string;
}

/** Whose queue, and what of it may be shown: scope as unit codes (null: every unit), confidential cases or not. */
export interface QueueReader {
  userId: string;
  units: string[] | null;
  confidential: boolean;
  /** For department staff: its department (their queue is its referrals). */
  departmentCode: string | null;
}

/** Which view, its instants and where the page starts. `after.dueAt` null: in the part without a running clock. */
export interface QueuePageQuery {
  view: QueueView;
  filters: QueueFilters;
  now: Date;
  soon: Date;
  after: { dueAt: string | null; id: string } | null;
  limit: number;
}

/** Counts of every view, each at most `cap + 1` (so that "more than cap" can be told). */
export type QueueCountRow = Record<QueueView, number>;

/** A statement's parameters: each added where it is used (PostgreSQL refuses one it cannot type, unused). */
class Params {
  readonly values: unknown[] = [];
  private readonly named = new Map<string, string>();
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
  /** One parameter for a value used in several places. */
  once(name: string, value: unknown): string {
    let placeholder = this.named.get(name);
    if (!placeholder) this.named.set(name, (placeholder = this.add(value)));
    return placeholder;
  }
}

/** A case's own running clocks, as `e` (a running clock of a referral is the department's, not the case's). */
const OWN_RUNNING = `e.referral_id IS NULL AND ${running('e')}`;

/**
 * A page of cases `p` (id, due_key, due_at) with the columns of a queue row; the case rows and their people are
 * read for the page alone.
 */
const CASE_PAGE = (page: string, order: string) => `
  SELECT c.id, c.reference, c.kind, c.stage, c.state, c.category, c.risk_level, c.unit_code, c.supervised, c.confidential,
         c.assignee_id, a.name AS assignee_name, c.in_charge_id, l.name AS in_charge_name, c.id AS case_id,
         NULL::text AS department_code, NULL::boolean AS urged, p.due_key, p.due_at, p.due_at::text AS due_text
    FROM (${page}) p JOIN cases c ON c.id = p.id
         LEFT JOIN users a ON a.id = c.assignee_id LEFT JOIN users l ON l.id = c.in_charge_id
   ORDER BY ${order}`;

/** The referral's earliest running clock (its acknowledgement, reply or transfer clock), as `n`. */
const REFERRAL_CLOCK = `LEFT JOIN LATERAL (SELECT d.key, d.due_at FROM deadlines d WHERE d.referral_id = r.id AND ${running('d')}
                                             ORDER BY d.due_at, d.id LIMIT 1) n ON true`;

/**
 * The statements behind GET /me/queue and /me/queue/counts, each written for the indexes of
 * migrations/1764830000000-WorkQueues.ts (docs/operations.md, "Scale").
 *
 * A case view is sorted by each case's earliest running clock, and paged in two parts: the cases with a running
 * clock, by due time, then those with none, by id. The first part is read one of two ways:
 * - a small view (a person's own cases, a community's unassigned ones) is read whole from its index, each case with
 *   its earliest clock, and sorted;
 * - a large one (every unassigned case of a district) walks the running clocks soonest first
 *   (deadlines_queue_due_idx) and keeps those of its cases, asking cases_queue_open_idx, until a page is full.
 * The walk reads about limit × clocks ÷ view entries, the whole read the view's entries (each with its clock):
 * they cost the same at √(limit × clocks) cases. The whole read goes first, in one statement that stops once it
 * has found half that many (the threshold): a view that large is handed to the walk, which then reads at most
 * about four times √(limit × clocks) entries, and a filtered view is known to be large after fewer of its entries
 * are read. A rare filter over a large view (a district's unassigned petitions in escalation) is answered by
 * reading the view's entries, never by a walk through most clocks to find a few; a risk filter seeks its cases
 * in the view's index (keyed by unit and risk). Both reads read index entries only until the page is known; case
 * rows are read for the page alone.
 *
 * A referral view is one department's open referrals: few (those on its desk), read whole and sorted.
 */
export class WorkQueueRepository {
  /** `walkFrom`: a fixed threshold instead of √(limit × running clocks) ÷ 2, so that tests can take either read. */
  constructor(
    private readonly db: Database,
    private readonly options: { walkFrom?: number } = {},
  ) {}

  /** The codes of the units the reader's scope covers (null: every unit). */
  /** The codes of the units within `scope` and, when given, `unitCode`'s subtree; null: every unit. */
  unitCodes(scope: string | null, unitCode?: string): Promise<string[] | null> {
    return listableUnitCodes(this.db, unitCode, scope);
  }

  /** A page of a case view: `limit` rows at most, those with a running clock first. */
  async casePage(reader: QueueReader, query: QueuePageQuery): Promise<QueueRow[]> {
    const rows: QueueRow[] = [];
    if (query.after === null || query.after.dueAt !== null) {
      const whole = await this.readWhole(reader, query);
      rows.push(...(whole ?? (await this.walk(reader, query))));
    }
    const timed = query.view === 'due_soon' || query.view === 'overdue';
    if (rows.length < query.limit && !timed) {
      const afterId = query.after?.dueAt === null ? query.after.id : null;
      rows.push(...(await this.unclocked(reader, query, afterId, query.limit - rows.length)));
    }
    return rows;
  }

  /**
   * The first part of a small view: every case of it with its earliest running clock, sorted; or null when the
   * view holds the threshold's number of cases or more, √(limit × running clocks) ÷ 2 (or `walkFrom`), counted on
   * the way and no further: the walk reads that page. One statement either way, reading the view's index once.
   */
  private async readWhole(reader: QueueReader, query: QueuePageQuery): Promise<QueueRow[] | null> {
    const p = new Params();
    const threshold =
      this.options.walkFrom !== undefined
        ? `${p.add(this.options.walkFrom)}::int`
        : // reltuples: the planner's own estimate of the index's entries (-1 before the first VACUUM or ANALYZE).
          `(SELECT greatest(ceil(sqrt(${p.add(query.limit)} * greatest(reltuples, 0)) / 2), 1)::int
              FROM pg_class WHERE oid = 'deadlines_queue_due_idx'::regclass)`;
    const view = caseConditions('v', reader, query, p).join(' AND ');
    // s.small: a large view's page is not read (the walk reads it).
    const where = ['s.small', ...dueWindow('n.due_at', query, p)];
    if (query.after?.dueAt)
      where.push(`(n.due_at, v.id) > (${p.add(query.after.dueAt)}::timestamptz, ${p.add(query.after.id)}::uuid)`);
    const page = `SELECT v.id, n.key AS due_key, n.due_at
                    FROM v CROSS JOIN LATERAL (
                           SELECT e.key, e.due_at FROM deadlines e WHERE e.case_id = v.id AND ${OWN_RUNNING}
                            ORDER BY e.due_at, e.id LIMIT 1) n
                   WHERE ${where.join(' AND ')}
                   ORDER BY n.due_at, v.id LIMIT ${p.add(query.limit)}`;
    const rows = await this.db.query<QueueRow & { small: boolean }>(
      `WITH t AS (SELECT ${threshold} AS n),
            v AS MATERIALIZED (SELECT v.id FROM cases v WHERE ${view} LIMIT (SELECT n FROM t)),
            s AS (SELECT count(*) < (SELECT n FROM t) AS small FROM v)
       SELECT s.small, q.* FROM s LEFT JOIN LATERAL (${CASE_PAGE(page, 'p.due_at, p.id')}) q ON true`,
      p.values,
    );
    if (!rows[0]!.small) return null;
    return rows.filter((r) => r.id !== null);
  }

  /** The first part of a large view: the running clocks soonest first, those of the view's cases. */
  private walk(reader: QueueReader, query: QueuePageQuery): Promise<QueueRow[]> {
    const p = new Params();
    const where = ['d.referral_id IS NULL', running('d'), ...dueWindow('d.due_at', query, p)];
    if (query.after?.dueAt)
      where.push(`(d.due_at, d.case_id) > (${p.add(query.after.dueAt)}::timestamptz, ${p.add(query.after.id)}::uuid)`);
    where.push(
      // OFFSET 0 keeps this a probe of each clock's case in the walk's order (cases_queue_open_idx, index only),
      // rather than a join the planner may turn around.
      `EXISTS (SELECT 1 FROM cases m WHERE m.id = d.case_id AND ${caseConditions('m', reader, query, p, 'probe').join(' AND ')}
               OFFSET 0)`,
      // The case's earliest running clock only (a case may run two: a stage's and a statute's across stages).
      `NOT EXISTS (SELECT 1 FROM deadlines e WHERE e.case_id = d.case_id AND ${OWN_RUNNING}
                     AND (e.due_at, e.id) < (d.due_at, d.id))`,
    );
    const page = `SELECT d.case_id AS id, d.key AS due_key, d.due_at FROM deadlines d WHERE ${where.join(' AND ')}
                   ORDER BY d.due_at, d.case_id LIMIT ${p.add(query.limit)}`;
    return this.db.query<QueueRow>(CASE_PAGE(page, 'p.due_at, p.id'), p.values);
  }

  /** The second part: cases of the view with no running clock, by id. */
  private unclocked(
    reader: QueueReader,
    query: QueuePageQuery,
    afterId: string | null,
    limit: number,
  ): Promise<QueueRow[]> {
    const p = new Params();
    const where = [
      ...caseConditions('v', reader, query, p),
      `NOT EXISTS (SELECT 1 FROM deadlines e WHERE e.case_id = v.id AND ${OWN_RUNNING})`,
    ];
    if (afterId) where.push(`v.id > ${p.add(afterId)}::uuid`);
    const page = `SELECT v.id, NULL::text AS due_key, NULL::timestamptz AS due_at FROM cases v
                   WHERE ${where.join(' AND ')} ORDER BY v.id LIMIT ${p.add(limit)}`;
    return this.db.query<QueueRow>(CASE_PAGE(page, 'p.id'), p.values);
  }

  /** A page of a department's referral view, soonest running clock first (none last), then id. */
  referralPage(reader: QueueReader, query: QueuePageQuery): Promise<QueueRow[]> {
    const p = new Params();
    const where = [...referralConditions(reader, query, p), ...dueWindow('n.due_at', query, p)];
    if (query.after?.dueAt) {
      const due = `${p.add(query.after.dueAt)}::timestamptz`;
      const id = `${p.add(query.after.id)}::uuid`;
      where.push(`(n.due_at > ${due} OR (n.due_at = ${due} AND r.id > ${id}) OR n.due_at IS NULL)`);
    } else if (query.after) where.push(`n.due_at IS NULL AND r.id > ${p.add(query.after.id)}::uuid`);
    return this.db.query<QueueRow>(
      `SELECT r.id, c.reference, c.kind, c.stage, r.state, c.category, c.risk_level, c.unit_code,
              r.supervised_at IS NOT NULL AS supervised, c.confidential, r.assignee_id, a.name AS assignee_name,
              c.in_charge_id, l.name AS in_charge_name, r.case_id, r.department_code, r.urged_at IS NOT NULL AS urged,
              n.key AS due_key, n.due_at, n.due_at::text AS due_text
         FROM referrals r JOIN cases c ON c.id = r.case_id ${REFERRAL_CLOCK}
              LEFT JOIN users a ON a.id = r.assignee_id LEFT JOIN users l ON l.id = c.in_charge_id
        WHERE ${where.join(' AND ')}
        ORDER BY n.due_at NULLS LAST, r.id LIMIT ${p.add(query.limit)}`,
      p.values,
    );
  }

  /**
   * Every view's count in one statement, each stopping at `cap + 1` rows: the views of a person's own cases are
   * small, but "unassigned" in a district's scope holds tens of thousands, and a badge need not count them all.
   * Each count reads its view's index alone.
   */
  async caseCounts(
    reader: QueueReader,
    filters: QueueFilters,
    now: Date,
    soon: Date,
    cap: number,
  ): Promise<QueueCountRow> {
    const p = new Params();
    const limit = p.add(cap + 1);
    const count = (view: QueueView) =>
      `(SELECT count(*)::int FROM (SELECT 1 FROM cases c WHERE ${caseConditions('c', reader, { view, filters }, p).join(' AND ')}
                                    LIMIT ${limit}) v) AS ${view}`;
    // Due soon and overdue are judged on each of the person's cases' earliest running clock, in one pass.
    const mine = caseConditions('c', reader, { view: 'due_soon', filters }, p).join(' AND ');
    const [from, to] = [p.add(now), p.add(soon)];
    const [row] = await this.db.query<QueueCountRow>(
      `SELECT ${count('mine')}, ${count('unassigned')}, ${count('supervised')}, ${count('in_charge')}, t.due_soon, t.overdue
         FROM (SELECT count(*) FILTER (WHERE n.due_at >= ${from} AND n.due_at < ${to})::int AS due_soon,
                      count(*) FILTER (WHERE n.due_at < ${from})::int AS overdue
                 FROM cases c
                 CROSS JOIN LATERAL (SELECT e.due_at FROM deadlines e WHERE e.case_id = c.id AND ${OWN_RUNNING}
                                      ORDER BY e.due_at LIMIT 1) n
                WHERE ${mine}) t`,
      p.values,
    );
    return row!;
  }

  /** Every view's count of a department's referral queue (none is taken in charge: `in_charge` is 0). */
  async referralCounts(reader: QueueReader, filters: QueueFilters, now: Date, soon: Date): Promise<QueueCountRow> {
    const p = new Params();
    // One pass over the department's open referrals (few: those on its desk), each view a filter of it.
    const all = referralConditions(reader, { view: null, filters }, p);
    const me = p.once('me', reader.userId);
    const [from, to] = [p.add(now), p.add(soon)];
    const [row] = await this.db.query<QueueCountRow>(
      `SELECT count(*) FILTER (WHERE r.assignee_id = ${me})::int AS mine,
              count(*) FILTER (WHERE r.assignee_id IS NULL)::int AS unassigned,
              count(*) FILTER (WHERE r.assignee_id = ${me} AND n.due_at >= ${from} AND n.due_at < ${to})::int AS due_soon,
              count(*) FILTER (WHERE r.assignee_id = ${me} AND n.due_at < ${from})::int AS overdue,
              count(*) FILTER (WHERE r.urged_at IS NOT NULL OR r.supervised_at IS NOT NULL)::int AS supervised,
              0 AS in_charge
         FROM referrals r JOIN cases c ON c.id = r.case_id ${REFERRAL_CLOCK}
        WHERE ${all.join(' AND ')}`,
      p.values,
    );
    return row!;
  }
}

/** An open case of the view that the reader may see, as `c`, with the filters. */
function caseConditions(
  c: string,
  reader: QueueReader,
  query: { view: QueueView; filters: QueueFilters },
  p: Params,
  read: 'scan' | 'probe' = 'scan',
): string[] {
  const where = [`${c}.state <> 'archive.closed'`, caseView(c, query.view, () => p.once('me', reader.userId))];
  if (reader.units) where.push(`${c}.unit_code = ANY(${p.once('units', reader.units)}::text[])`);
  // Every unit, for a reader of every unit filtering a view of the scope by risk: true of every case, it lets a scan
  // of the view's index, keyed (unit_code, risk_level), seek each unit's cases of that risk instead of reading them
  // all. Not for a probe of one case, nor for a person's own views (keyed by the person).
  else if (query.filters.riskLevel && read === 'scan' && (query.view === 'unassigned' || query.view === 'supervised'))
    where.push(`${c}.unit_code = ANY(ARRAY(SELECT code FROM units))`);
  if (!reader.confidential) where.push(`NOT ${c}.confidential`);
  where.push(...filterConditions(c, query.filters, p));
  return where;
}

/** The department's open referrals the reader may see, of the view (of every view without one), filtered. */
function referralConditions(
  reader: QueueReader,
  query: { view: QueueView | null; filters: QueueFilters },
  p: Params,
): string[] {
  // A department's own referrals, those of confidential cases included (the discipline-inspection body's).
  const where = [`r.department_code = ${p.add(reader.departmentCode)}`, OPEN_REFERRAL];
  if (query.view) where.push(referralView(query.view, () => p.once('me', reader.userId)));
  if (reader.units) where.push(`c.unit_code = ANY(${p.once('units', reader.units)}::text[])`);
  where.push(...filterConditions('c', query.filters, p));
  return where;
}

/** The due-soon or overdue window on the running clock's due time `due`; none for the other views. */
function dueWindow(due: string, query: QueuePageQuery, p: Params): string[] {
  if (query.view === 'due_soon') return [`${due} >= ${p.once('now', query.now)}`, `${due} < ${p.add(query.soon)}`];
  if (query.view === 'overdue') return [`${due} < ${p.once('now', query.now)}`];
  return [];
}

/** Which cases a view holds, as `c`; `me` is the person's id parameter. Due soon and overdue add their window. */
function caseView(c: string, view: QueueView, me: () => string): string {
  switch (view) {
    case 'mine':
      return `${c}.assignee_id = ${me()}`;
    case 'unassigned':
      return `${c}.assignee_id IS NULL`;
    case 'due_soon':
    case 'overdue':
      return `(${c}.assignee_id = ${me()} OR ${c}.in_charge_id = ${me()})`;
    case 'supervised':
      return `${c}.supervised`;
    case 'in_charge':
      return `${c}.in_charge_id = ${me()}`;
  }
}

/** Which referrals a view holds (department staff); `in_charge` holds none. */
function referralView(view: QueueView, me: () => string): string {
  switch (view) {
    case 'mine':
    case 'due_soon':
    case 'overdue':
      return `r.assignee_id = ${me()}`;
    case 'unassigned':
      return `r.assignee_id IS NULL`;
    case 'supervised':
      return `(r.urged_at IS NOT NULL OR r.supervised_at IS NOT NULL)`;
    case 'in_charge':
      return 'false';
  }
}

function filterConditions(c: string, filters: QueueFilters, p: Params): string[] {
  const where: string[] = [];
  if (filters.kind) where.push(`${c}.kind = ${p.once('kind', filters.kind)}`);
  if (filters.stage) where.push(`${c}.stage = ${p.once('stage', filters.stage)}`);
  if (filters.category) where.push(`${c}.category = ${p.once('category', filters.category)}`);
  if (filters.riskLevel) where.push(`${c}.risk_level = ${p.once('riskLevel', filters.riskLevel)}`);
  return where;
}
