import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { CaseLinkView, CaseSummary, CaseView, HistoryEntry } from '#cases';
import {
  CASE_KINDS,
  CHANNELS,
  OUTCOMES,
  RISK_LEVELS,
  STAGES,
  type CaseKind,
  type Channel,
  type Outcome,
  type RiskLevel,
  type Stage,
} from '#domain';
import { pageOf } from '../../common/api-docs.js';
import { DeadlineViewDto } from '../../deadlines/dto/deadline-views.dto.js';
import { ReferralSummaryDto } from '../../referrals/dto/referral-views.dto.js';
import { ActorDto, PartyViewDto } from './people.dto.js';

// The answers of the case routes, as the libraries build them (libs/cases/src/case-view.ts, case-queries.ts).

@ApiSchema({ name: 'CaseLink', description: 'A merge between this case and another.' })
export class CaseLinkDto implements CaseLinkView {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({
    enum: ['merged_into', 'merged_from'],
    description: 'merged_into: this case was merged into caseId; merged_from: caseId was merged into this one.',
  })
  relation!: 'merged_into' | 'merged_from';
}

@ApiSchema({ name: 'CaseSummary', description: 'A case as lists show it.' })
export class CaseSummaryDto implements CaseSummary {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'DSP-2026-000123' })
  reference!: string;

  @ApiProperty({ enum: CASE_KINDS })
  kind!: CaseKind;

  @ApiProperty({ example: 'mediation.in_session', description: 'The state, as a dotted path.' })
  state!: string;

  @ApiProperty({ enum: STAGES })
  stage!: Stage;

  @ApiProperty({ type: 'integer', description: 'Incremented by every event; see `expectedVersion`.' })
  version!: number;

  @ApiProperty({ description: 'The owning unit.' })
  unitCode!: string;

  @ApiProperty({ enum: CHANNELS })
  channel!: Channel;

  @ApiProperty({ type: String, nullable: true })
  category!: string | null;

  @ApiProperty({ enum: RISK_LEVELS, nullable: true })
  riskLevel!: RiskLevel | null;

  @ApiProperty({ enum: OUTCOMES, nullable: true, description: 'Once archived.' })
  outcome!: Outcome | null;

  @ApiProperty({ description: 'Marked for supervision (督办).' })
  supervised!: boolean;

  @ApiProperty({
    description:
      'An accusation (检举控告类, 信访工作条例 art. 30): only admin and auditor keys within their scope, and the ' +
      'discipline-inspection department through its referral, see it; every read of it is in the security log.',
  })
  confidential!: boolean;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The user working the case (machine version 2 on: CLAIM, ASSIGN, ASSIGN_MEDIATOR), or null.',
  })
  assigneeId!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The leader in personal charge of the case (领导包案, 信访工作条例 art. 18 ¶2: TAKE_CHARGE), or null.',
  })
  inChargeId!: string | null;

  @ApiProperty()
  summary!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

@ApiSchema({
  name: 'Case',
  description: 'A case with its clocks, referrals, links and parties (docs/api.md, "Cases").',
})
export class CaseViewDto extends CaseSummaryDto implements CaseView {
  @ApiProperty({ example: 'K7M2QX9DTR4B', description: 'The query code (查询码) for GET /public/progress.' })
  queryCode!: string;

  @ApiProperty({ type: 'integer', description: 'The machine version the case runs on.' })
  machineVersion!: number;

  @ApiProperty()
  description!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  occurredAt!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The machine’s own record of the case (mediator, agreement, follow-up, …).',
  })
  details!: Record<string, unknown>;

  @ApiProperty({
    type: [String],
    example: ['CLASSIFY', 'ASSIGN_MEDIATOR', 'REFER'],
    description: 'The events a client may send now (POST /cases/{id}/events).',
  })
  allowedEvents!: string[];

  @ApiProperty({ type: [DeadlineViewDto] })
  deadlines!: DeadlineViewDto[];

  @ApiProperty({ type: [ReferralSummaryDto] })
  referrals!: ReferralSummaryDto[];

  @ApiProperty({ type: [CaseLinkDto] })
  links!: CaseLinkDto[];

  @ApiProperty({ type: [PartyViewDto] })
  parties!: PartyViewDto[];
}

@ApiSchema({
  name: 'HistoryEntry',
  description: 'An event of a case, with every hashed field and the chain’s two hashes.',
})
export class HistoryEntryDto implements HistoryEntry {
  @ApiProperty({ type: 'integer', description: 'The per-case sequence number, from 1.' })
  seq!: number;

  @ApiProperty({ example: 'REFER' })
  type!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Its schema is `<kind>.v<machineVersion>.<type>` (`referral.v<n>.<type>` on a referral’s event).',
  })
  payload!: unknown;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What the engine looked up for the event (the owning unit, departments, the clock that fired).',
  })
  facts!: unknown;

  @ApiProperty({ type: ActorDto })
  actor!: ActorDto;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ type: 'integer' })
  machineVersion!: number;

  @ApiProperty({ description: 'The state after the event (the referral’s, on a referral’s event).' })
  state!: string;

  @ApiProperty({ description: 'The owning unit after the event.' })
  unitCode!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'On a referral’s event only: the referral.' })
  referralId?: string;

  @ApiProperty({ example: '0'.repeat(64), description: 'The previous event’s hash; 64 zeros for the first.' })
  prevHash!: string;

  @ApiProperty({ description: 'sha256(prevHash ‖ canonical JSON of the event), hex.' })
  hash!: string;
}

export const CasePage = pageOf(CaseSummaryDto, 'CasePage');
export const HistoryPage = pageOf(HistoryEntryDto, 'HistoryPage');
