import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { ReferralSummary, ReferralView } from '#cases';
import { CASE_KINDS, REFERRAL_ROLES, RISK_LEVELS } from '#domain';
import { pageOf } from '../../common/api-docs.js';
import { ActorDto, PartyViewDto } from '../../cases/dto/people.dto.js';
import { DeadlineViewDto } from '../../deadlines/dto/deadline-views.dto.js';
import { REFERRAL_STATES } from './referrals.dto.js';

// The answers of the referral routes, as libs/cases/src/referral-queries.ts builds them.

@ApiSchema({ name: 'ReferralSummary', description: 'A referral as a case answer and the inbox list it.' })
export class ReferralSummaryDto implements ReferralSummary {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ example: 'DSP-2026-000123' })
  caseReference!: string;

  @ApiProperty({ example: 'JUSTICE' })
  departmentCode!: string;

  @ApiProperty({ enum: REFERRAL_ROLES })
  role!: string;

  @ApiProperty({ enum: REFERRAL_STATES })
  state!: string;

  @ApiProperty({ type: 'integer', description: 'Incremented by every event; see `expectedVersion`.' })
  version!: number;

  @ApiProperty({ description: 'Not acknowledged in time (催办).' })
  urged!: boolean;

  @ApiProperty({ description: 'Not answered in time (督办).' })
  supervised!: boolean;

  @ApiProperty({ type: Boolean, nullable: true, description: 'The reply’s verdict; null until replied.' })
  resolved!: boolean | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the running clock (acknowledgement or reply) comes due; null once answered.',
  })
  dueAt!: string | null;

  @ApiProperty()
  overdue!: boolean;

  @ApiProperty({ format: 'date-time' })
  issuedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  answeredAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

@ApiSchema({ name: 'ReferralCase', description: 'What the department reads of the referred case.' })
export class ReferralCaseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'DSP-2026-000123' })
  reference!: string;

  @ApiProperty({ enum: CASE_KINDS })
  kind!: string;

  @ApiProperty({ type: String, nullable: true })
  category!: string | null;

  @ApiProperty({ enum: RISK_LEVELS, nullable: true })
  riskLevel!: string | null;

  @ApiProperty()
  summary!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty()
  unitCode!: string;
}

@ApiSchema({ name: 'ReferralEventEntry', description: 'An event of the referral in its case’s chain.' })
export class ReferralEventEntryDto {
  @ApiProperty({ type: 'integer', description: 'Its sequence number in the case’s history.' })
  seq!: number;

  @ApiProperty({ example: 'ACKNOWLEDGE' })
  type!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Its schema is `referral.v<n>.<type>`; the issuing REFER’s is the case’s `<kind>.v<n>.REFER`.',
  })
  payload!: unknown;

  @ApiProperty({ type: ActorDto })
  actor!: ActorDto;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ description: 'The referral’s state after it (the case’s, for the issuing REFER).' })
  state!: string;
}

@ApiSchema({
  name: 'Referral',
  description: 'A referral as its department reads it: what to do, by when, about which case, and what happened.',
})
export class ReferralViewDto extends ReferralSummaryDto implements ReferralView {
  @ApiProperty()
  instructions!: string;

  @ApiProperty({ type: 'integer', nullable: true, description: 'The reply limit the REFER set; null: the default.' })
  dueInWorkingDays!: number | null;

  @ApiProperty({ description: 'Whether the department sees the parties’ PII.' })
  shareParties!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  urgedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  supervisedAt!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The reply’s result.' })
  result!: string | null;

  @ApiProperty({ type: String, nullable: true })
  rejectionReason!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why Concord cancelled it (the case moved on).' })
  cancellationReason!: string | null;

  @ApiProperty({
    type: [String],
    example: ['ACKNOWLEDGE'],
    description: 'The events the department may send now; empty for every other reader.',
  })
  allowedEvents!: string[];

  @ApiProperty({ type: [DeadlineViewDto] })
  deadlines!: DeadlineViewDto[];

  @ApiProperty({ type: ReferralCaseDto })
  case!: ReferralCaseDto;

  @ApiProperty({ type: [PartyViewDto], description: 'Masked for the department unless the REFER shared them.' })
  parties!: PartyViewDto[];

  @ApiProperty({ type: [ReferralEventEntryDto], description: 'The issuing REFER first.' })
  events!: ReferralEventEntryDto[];
}

export const ReferralPage = pageOf(ReferralSummaryDto, 'ReferralPage');
