import { DomainError, ErrorCode, inScope, type Principal } from '#domain';
import type { Clock } from '#clock';
import type { Database } from '#persistence';
import { DISPUTE_DEADLINES, PETITION_DEADLINES, REFERRAL_DEADLINES } from '#workflows';

/**
 * Key performance indicators over the cases registered in a period, for one unit's subtree.
 *
 * The population: every case whose `created_at` lies in [from, to) and whose owning unit (`cases.unit_code`,
 * the unit answerable for it now — escalation moves a case up) lies in the subtree. Per case:
 *
 * - **received**: every case of the population.
 * - **accepted**: the case entered a handling stage (triage, mediation or escalation) at least once, i.e. it
 *   left intake other than by DECLINE, MERGE, FORWARD (转送: handed to another body) or WITHDRAW. A dispute
 *   whose intake clock breached was escalated, so it counts as accepted (late).
 * - **resolved**: outcome `resolved` or `mediated` (the current outcome: a reopened case counts once it is
 *   resolved again). A petition ends `handled`, which is concluded but not counted as resolved.
 * - **concluded** (办结): outcome `resolved`, `mediated`, `unresolved`, `handled` or `transferred` — the case was
 *   handled to an end. Declined, merged, forwarded and withdrawn cases were never handled by the centre.
 * - **resolutionRate** = resolved ÷ accepted.
 * - **solveRate** (解决率, 12345) = resolved ÷ concluded.
 * - **onTimeRate** = onTime ÷ onTimeJudged, over the case's own due clocks (`deadlines` with `referral_id`
 *   NULL and kind `due`; not the petitioner's own clocks `petition.review_request` / `re_review_request`,
 *   which wait on the citizen). A clock is *breached* when it fired, or it ended (or, still open, now is)
 *   after its due time. A clock is *judged* once it ended, fired or came due. onTimeJudged counts cases with
 *   at least one judged clock; onTime those of them with no breached clock.
 * - **responseRate** (响应率) = responded ÷ responseDue. *responded*: the case left intake by a decision of the
 *   centre (ACCEPT, DECLINE, FORWARD, MERGE) at or before its intake clock's due time. *responseDue*: the case
 *   left intake by such a decision, or its intake clock came due before it left intake (or by now). A case
 *   still inside its intake time, or withdrawn by the applicant within it, is not yet judged.
 * - **satisfactionRate** (满意率) = satisfied ÷ followUpsReached: follow-ups (回访) that reached the applicant
 *   (`followUp.reached`) with satisfaction ≥ 4. **averageSatisfaction** = mean satisfaction (1–5) of the
 *   reached follow-ups. The case's current follow-up counts (a reopened case's earlier one was cleared).
 * - **reopenRate** = reopened ÷ followedUp: cases REOPENed, among cases that ever reached follow-up.
 * - **overdueNow**: cases with an own due clock (same clocks as onTimeRate) still open and past due now,
 *   by the injected clock.
 *
 * A rate whose denominator is 0 is null. Rates are rounded to 4 decimals, the average to 2; the counts
 * behind every rate are in the answer, so figures can be re-aggregated exactly.
 *
 * **By unit** each unit of the subtree carries the figures of the cases owned by it *or any unit below it*
 * (a street includes its communities and grids). **By category**: the case's current category (null when
 * unclassified). **By department**, over the referrals (交办) *issued* in [from, to) on cases owned in the
 * subtree: received, answered (replied or rejected), answeredOnTime (answered at or before the due time of
 * the referral's reply clock, which runs from the acknowledgement), rejected, resolved (replied "resolved"),
 * urged (催办: not acknowledged in time), supervised (督办: not answered in time); onTimeRate = answeredOnTime
 * ÷ answered.
 */
export interface CaseFigures {
  received: number;
  accepted: number;
  resolved: number;
  concluded: number;
  resolutionRate: number | null;
  solveRate: number | null;
  onTime: number;
  onTimeJudged: number;
  onTimeRate: number | null;
  responded: number;
  responseDue: number;
  responseRate: number | null;
  followUpsReached: number;
  satisfied: number;
  averageSatisfaction: number | null;
  satisfactionRate: number | null;
  followedUp: number;
  reopened: number;
  reopenRate: number | null;
  overdueNow: number;
}

export interface DepartmentFigures {
  received: number;
  answered: number;
  answeredOnTime: number;
  onTimeRate: number | null;
  rejected: number;
  resolved: number;
  urged: number;
  supervised: number;
}

export interface UnitKpis extends CaseFigures {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
}

export interface KpiReport {
  /** The root of the subtree reported on; null: every unit. */
  unitCode: string | null;
  from: string | null;
  to: string;
  /** The instant "now" stood for (overdue, clocks not yet due). */
  asOf: string;
  totals: CaseFigures;
  byUnit: UnitKpis[];
  byCategory: Array<CaseFigures & { category: string | null }>;
  byDepartment: Array<DepartmentFigures & { code: string; name: string }>;
}

export interface KpiQuery {
  unitCode?: string;
  from?: Date;
  to?: Date;
}

/** Counts summed per case, by their filter over the per-case facts (`k`). Additive, so they roll up. */
const COUNTS: Record<string, string> = {
  received: 'true',
  accepted: 'k.accepted',
  resolved: 'k.resolved',
  concluded: 'k.concluded',
  on_time: 'k.judged AND NOT k.breached',
  on_time_judged: 'k.judged',
  responded: 'k.responded',
  response_due: 'k.response_due',
  follow_ups_reached: 'k.reached',
  satisfied: 'k.reached AND k.satisfaction >= 4',
  followed_up: 'k.followed_up',
  reopened: 'k.reopened',
  overdue_now: 'k.overdue',
};

const AGGREGATES = [
  ...Object.entries(COUNTS).map(([name, filter]) => `count(*) FILTER (WHERE ${filter})::int AS ${name}`),
  'coalesce(sum(k.satisfaction) FILTER (WHERE k.reached), 0)::int AS satisfaction_sum',
].join(',\n      ');
const ROLLUP = [...Object.keys(COUNTS), 'satisfaction_sum']
  .map((n) => `coalesce(sum(p.${n}), 0)::int AS ${n}`)
  .join(', ');

const CENTRE_DECISIONS = ['ACCEPT', 'DECLINE', 'FORWARD', 'MERGE'];
const INTAKE_CLOCKS = [DISPUTE_DEADLINES.intake.key, PETITION_DEADLINES.intake.key];
/** Clocks that wait on the petitioner, not on the centre: their lapse is nobody's breach. */
const CITIZEN_CLOCKS = [PETITION_DEADLINES.reviewRequest.key, PETITION_DEADLINES.reReviewRequest.key];

// $1 root path (NULL: all), $2 from (NULL: no lower bound), $3 to, $4 now, $5 decisions, $6 intake clocks,
// $7 citizen clocks, $8 the referral reply clock. One statement: the per-case facts are computed once
// (one pass over each case's events and clocks, both indexed by case) and aggregated three ways.
const REPORT_SQL = `
WITH k AS (
  SELECT c.id, c.category, u.path,
         coalesce(c.outcome IN ('resolved', 'mediated'), false) AS resolved,
         coalesce(c.outcome IN ('resolved', 'mediated', 'unresolved', 'handled', 'transferred'), false) AS concluded,
         coalesce(ev.accepted, false) AS accepted,
         coalesce(ev.followed_up, false) AS followed_up,
         coalesce(ev.reopened, false) AS reopened,
         coalesce(ev.left_type = ANY($5::text[]) AND (cl.intake_due IS NULL OR ev.left_at <= cl.intake_due), false) AS responded,
         coalesce(ev.left_type = ANY($5::text[]) OR cl.intake_due <= coalesce(ev.left_at, $4), false) AS response_due,
         coalesce(cl.judged, false) AS judged,
         coalesce(cl.breached, false) AS breached,
         coalesce(cl.overdue, false) AS overdue,
         coalesce(c.snapshot #>> '{context,followUp,reached}' = 'true', false) AS reached,
         (c.snapshot #>> '{context,followUp,satisfaction}')::int AS satisfaction
    FROM cases c
    JOIN units u ON u.code = c.unit_code
   CROSS JOIN LATERAL (
     SELECT bool_or(split_part(e.state, '.', 1) IN ('triage', 'mediation', 'escalation')) AS accepted,
            bool_or(e.state = 'archive.follow_up') AS followed_up,
            bool_or(e.type = 'REOPEN') AS reopened,
            (array_agg(e.type ORDER BY e.seq) FILTER (WHERE e.state NOT LIKE 'intake.%'))[1] AS left_type,
            (array_agg(e.at ORDER BY e.seq) FILTER (WHERE e.state NOT LIKE 'intake.%'))[1] AS left_at
       FROM case_events e
      WHERE e.case_id = c.id AND e.referral_id IS NULL) ev
   CROSS JOIN LATERAL (
     SELECT min(d.due_at) FILTER (WHERE d.key = ANY($6::text[])) AS intake_due,
            bool_or(d.ended_at IS NOT NULL OR d.status = 'fired' OR d.due_at <= $4) AS judged,
            bool_or(d.status = 'fired' OR coalesce(d.ended_at, $4) > d.due_at) AS breached,
            bool_or(d.ended_at IS NULL AND d.due_at < $4) AS overdue
       FROM deadlines d
      WHERE d.case_id = c.id AND d.referral_id IS NULL AND d.kind = 'due' AND d.key <> ALL($7::text[])) cl
   WHERE ($1::text IS NULL OR starts_with(u.path, $1))
     AND ($2::timestamptz IS NULL OR c.created_at >= $2) AND c.created_at < $3
),
per_unit AS (
  SELECT k.path, ${AGGREGATES} FROM k GROUP BY k.path
),
r AS (
  SELECT r.department_code, r.state, r.answered_at, r.resolved, r.urged_at, r.supervised_at,
         (SELECT min(d.due_at) FROM deadlines d WHERE d.referral_id = r.id AND d.kind = 'due' AND d.key = $8) AS reply_due
    FROM referrals r
    JOIN cases c ON c.id = r.case_id
    JOIN units u ON u.code = c.unit_code
   WHERE ($1::text IS NULL OR starts_with(u.path, $1))
     AND ($2::timestamptz IS NULL OR r.created_at >= $2) AND r.created_at < $3
)
SELECT
  (SELECT row_to_json(t) FROM (SELECT ${ROLLUP} FROM per_unit p) t) AS totals,
  (SELECT coalesce(json_agg(t ORDER BY t.path COLLATE "C"), '[]') FROM (
     SELECT s.code, s.name, s.level, s.parent_code, s.path, ${ROLLUP}
       FROM units s LEFT JOIN per_unit p ON starts_with(p.path, s.path)
      WHERE $1::text IS NULL OR starts_with(s.path, $1)
      GROUP BY s.code) t) AS units,
  (SELECT coalesce(json_agg(t ORDER BY t.category COLLATE "C" NULLS LAST), '[]') FROM (
     SELECT k.category, ${AGGREGATES} FROM k GROUP BY k.category) t) AS categories,
  (SELECT coalesce(json_agg(t ORDER BY t.code COLLATE "C"), '[]') FROM (
     SELECT dep.code, dep.name,
            count(r.department_code)::int AS received,
            count(*) FILTER (WHERE r.answered_at IS NOT NULL)::int AS answered,
            count(*) FILTER (WHERE r.answered_at <= coalesce(r.reply_due, r.answered_at))::int AS answered_on_time,
            count(*) FILTER (WHERE r.state = 'rejected')::int AS rejected,
            count(*) FILTER (WHERE r.resolved)::int AS resolved,
            count(*) FILTER (WHERE r.urged_at IS NOT NULL)::int AS urged,
            count(*) FILTER (WHERE r.supervised_at IS NOT NULL)::int AS supervised
       FROM departments dep LEFT JOIN r ON r.department_code = dep.code
      GROUP BY dep.code) t) AS departments`;

type Counts = Record<keyof typeof COUNTS | 'satisfaction_sum', number>;
interface ReportRow {
  totals: Counts;
  units: Array<Counts & { code: string; name: string; level: string; parent_code: string | null }>;
  categories: Array<Counts & { category: string | null }>;
  departments: Array<{
    code: string;
    name: string;
    received: number;
    answered: number;
    answered_on_time: number;
    rejected: number;
    resolved: number;
    urged: number;
    supervised: number;
  }>;
}

const ratio = (n: number, d: number, digits = 4): number | null => (d === 0 ? null : Number((n / d).toFixed(digits)));

function figures(c: Counts): CaseFigures {
  return {
    received: c.received,
    accepted: c.accepted,
    resolved: c.resolved,
    concluded: c.concluded,
    resolutionRate: ratio(c.resolved, c.accepted),
    solveRate: ratio(c.resolved, c.concluded),
    onTime: c.on_time,
    onTimeJudged: c.on_time_judged,
    onTimeRate: ratio(c.on_time, c.on_time_judged),
    responded: c.responded,
    responseDue: c.response_due,
    responseRate: ratio(c.responded, c.response_due),
    followUpsReached: c.follow_ups_reached,
    satisfied: c.satisfied,
    averageSatisfaction: ratio(c.satisfaction_sum, c.follow_ups_reached, 2),
    satisfactionRate: ratio(c.satisfied, c.follow_ups_reached),
    followedUp: c.followed_up,
    reopened: c.reopened,
    reopenRate: ratio(c.reopened, c.followed_up),
    overdueNow: c.overdue_now,
  };
}

/** The KPIs of GET /stats/kpis (definitions above), within the reader's scope. Two queries. */
export class KpiQueries {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async report(query: KpiQuery, reader: Principal): Promise<KpiReport> {
    const root = await this.root(query.unitCode, reader);
    const now = this.clock.now();
    const to = query.to ?? now;
    if (query.from && query.from.getTime() >= to.getTime()) {
      throw new DomainError(ErrorCode.MalformedRequest, 'The period is empty: from must be before to.', {}, [
        { field: 'from', message: 'must be before to' },
      ]);
    }
    const [row] = (await this.db.query<ReportRow>(REPORT_SQL, [
      root?.path ?? null,
      query.from ?? null,
      to,
      now,
      CENTRE_DECISIONS,
      INTAKE_CLOCKS,
      CITIZEN_CLOCKS,
      REFERRAL_DEADLINES.reply.key,
    ])) as [ReportRow];
    return {
      unitCode: root?.code ?? null,
      from: query.from?.toISOString() ?? null,
      to: to.toISOString(),
      asOf: now.toISOString(),
      totals: figures(row.totals),
      byUnit: row.units.map((u) => ({
        code: u.code,
        name: u.name,
        level: u.level,
        parentCode: u.parent_code,
        ...figures(u),
      })),
      byCategory: row.categories.map((c) => ({ category: c.category, ...figures(c) })),
      byDepartment: row.departments.map((d) => ({
        code: d.code,
        name: d.name,
        received: d.received,
        answered: d.answered,
        answeredOnTime: d.answered_on_time,
        onTimeRate: ratio(d.answered_on_time, d.answered),
        rejected: d.rejected,
        resolved: d.resolved,
        urged: d.urged,
        supervised: d.supervised,
      })),
    };
  }

  /** The subtree: the unit asked for (which must be in scope), else the reader's scope, else everything. */
  private async root(unitCode: string | undefined, reader: Principal): Promise<{ code: string; path: string } | null> {
    if (unitCode === undefined) return reader.scope === null ? null : { code: reader.unitCode!, path: reader.scope };
    const [unit] = await this.db.query<{ code: string; path: string }>('SELECT code, path FROM units WHERE code = $1', [
      unitCode,
    ]);
    if (!unit || !inScope(reader, unit.path)) throw DomainError.notFound(`Unit ${unitCode}`);
    return unit;
  }
}
