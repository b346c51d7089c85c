import type { Database } from '#persistence';
import { DISPUTE_DEADLINES, PETITION_DEADLINES, REFERRAL_DEADLINES } from '#workflows';

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

/**
 * The per-case facts of every KPI, one row per case of the population: registered in [$2, $3) under $1 (parameters
 * as REPORT_SQL's). `extra` adds columns of `c` (the case) or `u` (its unit) that a statement groups by.
 */
const caseFacts = (extra = '') => `
  SELECT c.id, c.category, u.path,${extra}
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
            bool_or(d.ended_at IS NOT NULL OR d.status = 'fired' OR (d.status = 'pending' AND d.due_at <= $4)) AS judged,
            bool_or(d.status IN ('fired', 'lapsed') OR (d.status = 'pending' AND d.due_at < $4)
                    OR (d.status = 'cancelled' AND d.ended_at > d.due_at)) AS breached,
            bool_or(d.status = 'pending' AND d.due_at < $4) AS overdue
       FROM deadlines d
      WHERE d.case_id = c.id AND d.referral_id IS NULL AND d.kind = 'due' AND d.key <> ALL($7::text[])
        AND d.status <> 'superseded') cl
   WHERE ($1::text IS NULL OR starts_with(u.path, $1))
     AND ($2::timestamptz IS NULL OR c.created_at >= $2) AND c.created_at < $3`;

// $1 root path (NULL: all), $2 from (NULL: no lower bound), $3 to, $4 now, $5 decisions, $6 intake clocks,
// $7 citizen clocks, $8 the referral reply clock. A clock's breach is read from its status: met means in time (a
// paused clock's due time is stale until it runs again); a superseded clock counts through its successor. One statement: the per-case facts are computed once
// (one pass over each case's events and clocks, both indexed by case) and aggregated three ways.
const REPORT_SQL = `
WITH k AS (
${caseFacts()}
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

/** What a series groups by: the SQL of the group's value, over `c` (the case) and `u` (its owning unit). */
export type SeriesBy = 'unit' | 'category' | 'channel' | 'riskLevel';
const GROUPS: Record<SeriesBy, string> = {
  // The direct child of the root ($9; NULL: the top-level units) whose subtree owns the case, or the root itself.
  unit: `coalesce((SELECT s.code FROM units s WHERE s.parent_code IS NOT DISTINCT FROM $9::text AND starts_with(u.path, s.path)), $9::text)`,
  category: 'c.category',
  channel: 'c.channel',
  riskLevel: 'c.risk_level',
};
export type SeriesInterval = 'day' | 'week' | 'month';

// $1–$7 as REPORT_SQL's, $8 the interval (day, week, month: date_trunc's field; a week starts on Monday as ISO's
// does), $9 the root unit's code (NULL: every unit). The per-case facts of REPORT_SQL, counted per bucket of
// registration time in China time and per group, so a bucket's figures are what the report gives for its bounds.
const seriesSql = (by: SeriesBy) => `
WITH k AS (
${caseFacts(`
         to_char(date_trunc($8::text, c.created_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD') AS bucket,
         ${GROUPS[by]} AS grp,`)}
)
SELECT
  (SELECT coalesce(json_agg(t), '[]') FROM (
     SELECT k.bucket, k.grp, ${AGGREGATES} FROM k GROUP BY k.bucket, k.grp) t) AS cells,
  (SELECT coalesce(json_agg(json_build_object('code', s.code, 'name', s.name) ORDER BY s.code COLLATE "C"), '[]')
     FROM units s WHERE s.parent_code IS NOT DISTINCT FROM $9::text) AS children,
  (SELECT s.name FROM units s WHERE s.code = $9::text) AS root_name`;

export interface SeriesRow {
  /** One per (bucket, group) with cases: the bucket's China-time start date (YYYY-MM-DD) and the group's value. */
  cells: Array<Counts & { bucket: string; grp: string | null }>;
  /** The root's direct children (the unit groups). */
  children: Array<{ code: string; name: string }>;
  root_name: string | null;
}

export type Counts = Record<keyof typeof COUNTS | 'satisfaction_sum', number>;
export interface ReportRow {
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

/** The statement behind GET /stats/kpis (its definitions above), typed by its row. */
export class KpiRepository {
  constructor(private readonly db: Database) {}

  /** The figures of the cases under `rootPath` (every case when null) received in [from, to), as of `now`. */
  async report(rootPath: string | null, from: Date | null, to: Date, now: Date): Promise<ReportRow> {
    const [row] = (await this.db.query<ReportRow>(REPORT_SQL, [
      rootPath,
      from,
      to,
      now,
      CENTRE_DECISIONS,
      INTAKE_CLOCKS,
      CITIZEN_CLOCKS,
      REFERRAL_DEADLINES.reply.key,
    ])) as [ReportRow];
    return row;
  }

  /** The figures of the cases under the root (every case when null) received in [from, to), as of `now`, per bucket and group. */
  async series(
    root: { code: string; path: string } | null,
    by: SeriesBy,
    interval: SeriesInterval,
    from: Date,
    to: Date,
    now: Date,
  ): Promise<SeriesRow> {
    const [row] = (await this.db.query<SeriesRow>(seriesSql(by), [
      root?.path ?? null,
      from,
      to,
      now,
      CENTRE_DECISIONS,
      INTAKE_CLOCKS,
      CITIZEN_CLOCKS,
      interval,
      root?.code ?? null,
    ])) as [SeriesRow];
    return row;
  }
}
