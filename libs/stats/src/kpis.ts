import { DomainError, ErrorCode, inScope, type Principal } from '#domain';
import type { Clock } from '#clock';
import type { UnitsRepository } from '#persistence';
import type { Counts, KpiRepository } from './kpis.repository.js';

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

const ratio = (n: number, d: number, digits = 4): number | null => (d === 0 ? null : Number((n / d).toFixed(digits)));

/** The figures of summed counts, by the definitions above. */
export function figures(c: Counts): CaseFigures {
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
    private readonly kpis: KpiRepository,
    private readonly units: UnitsRepository,
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
    const row = await this.kpis.report(root?.path ?? null, query.from ?? null, to, now);
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

  private root(unitCode: string | undefined, reader: Principal) {
    return reportRoot(this.units, unitCode, reader);
  }
}

/** The subtree: the unit asked for (which must be in scope), else the reader's scope, else everything. */
export async function reportRoot(
  units: UnitsRepository,
  unitCode: string | undefined,
  reader: Principal,
): Promise<{ code: string; path: string } | null> {
  if (unitCode === undefined) return reader.scope === null ? null : { code: reader.unitCode!, path: reader.scope };
  const unit = await units.find(unitCode);
  if (!unit || !inScope(reader, unit.path)) throw DomainError.notFound(`Unit ${unitCode}`);
  return { code: unit.code, path: unit.path };
}
