import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { CaseFigures, DepartmentFigures, KpiReport, UnitKpis } from '#stats';
import { UNIT_LEVELS } from '#domain';

// The KPI report, as libs/stats/src/kpis.ts builds it; every definition is written there.

const count = (description: string) => ApiProperty({ type: 'integer', minimum: 0, description });
const rate = (description: string) =>
  ApiProperty({
    type: 'number',
    minimum: 0,
    maximum: 1,
    nullable: true,
    description: `${description}; null when 0 ÷ 0.`,
  });

@ApiSchema({ name: 'CaseFigures', description: 'Case KPIs over a population of cases.' })
export class CaseFiguresDto implements CaseFigures {
  @count('Cases registered in the period.')
  received!: number;

  @count('Cases that entered a handling stage at least once.')
  accepted!: number;

  @count('Outcome resolved or mediated.')
  resolved!: number;

  @count('Handled to an end (办结): resolved, mediated, unresolved, handled or transferred.')
  concluded!: number;

  @rate('resolved ÷ accepted')
  resolutionRate!: number | null;

  @rate('解决率: resolved ÷ concluded')
  solveRate!: number | null;

  @count('Judged cases none of whose own clocks breached.')
  onTime!: number;

  @count('Cases with at least one own clock judged (ended, fired or come due).')
  onTimeJudged!: number;

  @rate('onTime ÷ onTimeJudged')
  onTimeRate!: number | null;

  @count('Cases that left intake by a decision of the centre within their intake clock.')
  responded!: number;

  @count('Cases whose intake response is judged.')
  responseDue!: number;

  @rate('响应率: responded ÷ responseDue')
  responseRate!: number | null;

  @count('Follow-ups (回访) that reached the applicant.')
  followUpsReached!: number;

  @count('Reached follow-ups with satisfaction ≥ 4.')
  satisfied!: number;

  @ApiProperty({
    type: 'number',
    minimum: 1,
    maximum: 5,
    nullable: true,
    description: 'Mean satisfaction (1–5) of the reached follow-ups; null when there are none.',
  })
  averageSatisfaction!: number | null;

  @rate('满意率: satisfied ÷ followUpsReached')
  satisfactionRate!: number | null;

  @count('Cases that ever reached follow-up.')
  followedUp!: number;

  @count('Cases reopened.')
  reopened!: number;

  @rate('reopened ÷ followedUp')
  reopenRate!: number | null;

  @count('Cases with an own clock open and past due now.')
  overdueNow!: number;
}

@ApiSchema({
  name: 'UnitKpis',
  description: 'A unit’s figures: the cases owned by it or any unit below it.',
})
export class UnitKpisDto extends CaseFiguresDto implements UnitKpis {
  @ApiProperty()
  code!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: UNIT_LEVELS })
  level!: string;

  @ApiProperty({ type: String, nullable: true })
  parentCode!: string | null;
}

@ApiSchema({ name: 'CategoryKpis' })
export class CategoryKpisDto extends CaseFiguresDto {
  @ApiProperty({ type: String, nullable: true, description: 'The current category; null when unclassified.' })
  category!: string | null;
}

@ApiSchema({
  name: 'DepartmentKpis',
  description: 'A department’s figures over the referrals issued to it in the period.',
})
export class DepartmentKpisDto implements DepartmentFigures {
  @ApiProperty()
  code!: string;

  @ApiProperty()
  name!: string;

  @count('Referrals issued to it.')
  received!: number;

  @count('Replied or rejected.')
  answered!: number;

  @count('Answered at or before the due time of the reply clock.')
  answeredOnTime!: number;

  @rate('answeredOnTime ÷ answered')
  onTimeRate!: number | null;

  @count('Rejected.')
  rejected!: number;

  @count('Replied "resolved".')
  resolved!: number;

  @count('Not acknowledged in time (催办).')
  urged!: number;

  @count('Not answered in time (督办).')
  supervised!: number;
}

@ApiSchema({
  name: 'KpiReport',
  description: 'KPIs of the cases registered in [from, to) within a unit’s subtree (libs/stats/src/kpis.ts).',
})
export class KpiReportDto implements KpiReport {
  @ApiProperty({ type: String, nullable: true, description: 'The root of the subtree; null: every unit.' })
  unitCode!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Null: no lower bound.' })
  from!: string | null;

  @ApiProperty({ format: 'date-time' })
  to!: string;

  @ApiProperty({ format: 'date-time', description: 'The instant "now" stood for (overdue, clocks not yet due).' })
  asOf!: string;

  @ApiProperty({ type: CaseFiguresDto })
  totals!: CaseFiguresDto;

  @ApiProperty({ type: [UnitKpisDto] })
  byUnit!: UnitKpisDto[];

  @ApiProperty({ type: [CategoryKpisDto] })
  byCategory!: CategoryKpisDto[];

  @ApiProperty({ type: [DepartmentKpisDto] })
  byDepartment!: DepartmentKpisDto[];
}
