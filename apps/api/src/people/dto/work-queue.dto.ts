import { ApiProperty, ApiPropertyOptional, ApiSchema, IntersectionType } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import {
  DUE_SOON_HOURS,
  QUEUE_COUNT_CAP,
  QUEUE_VIEWS,
  type PersonRef,
  type QueueCounts,
  type QueueItem,
  type QueueView,
} from '#cases';
import { CASE_KINDS, RISK_LEVELS, STAGES, type CaseKind, type RiskLevel, type Stage } from '#domain';
import { pageOf } from '../../common/api-docs.js';
import { Optional, PageQuery, codeRule } from '../../common/dto.js';

/** The filters every view takes, and the counts too: the case's kind, stage, category, risk and unit. */
export class QueueFiltersQuery {
  @ApiPropertyOptional({ enum: CASE_KINDS })
  @Optional()
  @IsIn(CASE_KINDS)
  kind?: CaseKind;

  @ApiPropertyOptional({ enum: STAGES })
  @Optional()
  @IsIn(STAGES)
  stage?: Stage;

  @ApiPropertyOptional()
  @Optional()
  @codeRule()
  category?: string;

  @ApiPropertyOptional({ enum: RISK_LEVELS, description: 'The case’s risk level.' })
  @Optional()
  @IsIn(RISK_LEVELS)
  risk?: RiskLevel;

  @ApiPropertyOptional({
    example: 'XC-XH-01',
    description:
      'Cases owned by this unit or any unit below it, within my scope: a unit outside it (or unknown) has nothing ' +
      'in my queue. For department staff, their referrals of cases owned there.',
  })
  @Optional()
  @codeRule()
  unitCode?: string;
}

export class QueueQuery extends IntersectionType(QueueFiltersQuery, PageQuery) {
  @ApiPropertyOptional({
    enum: QUEUE_VIEWS,
    default: 'mine',
    description:
      'mine: assigned to me; unassigned: in my scope, nobody’s; due_soon: mine (or in my charge) with the next clock ' +
      `due within ${DUE_SOON_HOURS} hours; overdue: mine (or in my charge) with the next clock past due; supervised: ` +
      'in my scope and supervised (督办) — for department staff, my department’s urged or supervised referrals; ' +
      'in_charge: in my personal charge (领导包案).',
  })
  @Optional()
  @IsIn(QUEUE_VIEWS)
  view: QueueView = 'mine';
}

@ApiSchema({ name: 'PersonRef', description: 'A person: their id and name.' })
export class PersonRefDto implements PersonRef {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;
}

@ApiSchema({
  name: 'NextDue',
  description: 'The earliest clock still running (a breached one whose state was not left runs).',
})
export class NextDueDto {
  @ApiProperty({ example: 'dispute.mediation', description: 'The clock’s key.' })
  key!: string;

  @ApiProperty({ format: 'date-time' })
  dueAt!: string;

  @ApiProperty({ description: 'Past its due time now.' })
  overdue!: boolean;
}

@ApiSchema({
  name: 'QueueItem',
  description:
    'A case in a work queue; in a department person’s queue, a referral with its case’s fields (then `id` and ' +
    '`referralId` are the referral’s, `caseId` its case’s, and `state` and `supervised` the referral’s).',
})
export class QueueItemDto implements QueueItem {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'DSP-2026-000123' })
  reference!: string;

  @ApiProperty({ enum: CASE_KINDS })
  kind!: string;

  @ApiProperty({ enum: STAGES })
  stage!: string;

  @ApiProperty({ example: 'mediation.in_session', description: 'The case’s state; a referral’s own for a referral.' })
  state!: string;

  @ApiProperty({ type: String, nullable: true })
  category!: string | null;

  @ApiProperty({ enum: RISK_LEVELS, nullable: true })
  riskLevel!: string | null;

  @ApiProperty({ description: 'The owning unit.' })
  unitCode!: string;

  @ApiProperty({ description: 'Supervised (督办): the case, or for a referral the referral.' })
  supervised!: boolean;

  @ApiProperty({ description: 'An accusation (信访工作条例 art. 30): its reads are in the security log.' })
  confidential!: boolean;

  @ApiProperty({ type: PersonRefDto, nullable: true, description: 'Who works it.' })
  assignee!: PersonRefDto | null;

  @ApiProperty({ type: PersonRefDto, nullable: true, description: 'The leader in personal charge (领导包案).' })
  inCharge!: PersonRefDto | null;

  @ApiProperty({ type: NextDueDto, nullable: true, description: 'Null when no clock runs.' })
  nextDue!: NextDueDto | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'Referrals only.' })
  referralId?: string;

  @ApiPropertyOptional({ description: 'Referrals only.' })
  departmentCode?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Referrals only: the referral’s case.' })
  caseId?: string;

  @ApiPropertyOptional({ description: 'Referrals only: urged (催办).' })
  urged?: boolean;
}

export const QueuePage = pageOf(QueueItemDto, 'QueuePage');

@ApiSchema({ name: 'QueueCount', description: `A view’s count: at most ${QUEUE_COUNT_CAP}, \`capped\` above.` })
export class QueueCountDto {
  @ApiProperty({ type: 'integer', maximum: QUEUE_COUNT_CAP })
  count!: number;

  @ApiProperty({ description: `There are more than ${QUEUE_COUNT_CAP} (show "${QUEUE_COUNT_CAP}+").` })
  capped!: boolean;
}

@ApiSchema({ name: 'QueueCounts', description: 'Every view’s count, for badges.' })
export class QueueCountsDto implements QueueCounts {
  @ApiProperty({ type: QueueCountDto })
  mine!: QueueCountDto;

  @ApiProperty({ type: QueueCountDto })
  unassigned!: QueueCountDto;

  @ApiProperty({ type: QueueCountDto })
  due_soon!: QueueCountDto;

  @ApiProperty({ type: QueueCountDto })
  overdue!: QueueCountDto;

  @ApiProperty({ type: QueueCountDto })
  supervised!: QueueCountDto;

  @ApiProperty({ type: QueueCountDto })
  in_charge!: QueueCountDto;
}
