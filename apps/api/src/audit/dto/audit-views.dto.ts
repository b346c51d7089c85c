import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type {
  AnchorRecord,
  AnchorReport,
  AuditEvent,
  ChainReport,
  RebuiltCase,
  RebuiltReferral,
  Unmasked,
} from '#audit';
import type { SecurityLogItem } from '#auth';
import { STAGES, type Stage } from '#domain';
import { pageOf } from '../../common/api-docs.js';
import { HistoryEntryDto } from '../../cases/dto/case-views.dto.js';
import { PartyViewDto } from '../../cases/dto/people.dto.js';

// The answers of the auditor's routes, as libs/audit and libs/auth (security log) build them.

@ApiSchema({
  name: 'MachineSnapshot',
  description: 'A machine’s persisted state: its status, its state value and its context.',
})
export class SnapshotDto {
  @ApiProperty({ example: 'active', description: 'active, or done once final.' })
  status!: string;

  @ApiProperty({
    description: 'The state value: a string, or an object for a nested state (`{"mediation": "assigned"}`).',
    oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: true }],
  })
  value!: unknown;

  @ApiProperty({ type: 'object', additionalProperties: true })
  context!: Record<string, unknown>;
}

@ApiSchema({ name: 'RebuiltReferral' })
export class RebuiltReferralDto implements RebuiltReferral {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  departmentCode!: string;

  @ApiProperty({ example: 'replied', description: 'Its state at `asOf`.' })
  state!: string;

  @ApiProperty({ type: SnapshotDto })
  snapshot!: SnapshotDto;
}

@ApiSchema({ name: 'ReplayDivergence' })
export class DivergenceDto {
  @ApiProperty({ type: 'integer' })
  seq!: number;

  @ApiProperty({ description: 'The state the event row recorded.' })
  recorded!: string;

  @ApiProperty({ description: 'The state the replay reached.' })
  replayed!: string;
}

@ApiSchema({
  name: 'RebuiltCase',
  description: 'A case as it stood at an instant, rebuilt by replaying its events alone.',
})
export class RebuiltCaseDto implements RebuiltCase {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ format: 'date-time' })
  asOf!: string;

  @ApiProperty({ type: 'integer', description: 'The last event applied; equal to the case’s version then.' })
  seq!: number;

  @ApiProperty({ type: 'integer' })
  version!: number;

  @ApiProperty({ type: 'integer', description: 'The machine version the last applied event ran on.' })
  machineVersion!: number;

  @ApiProperty({ example: 'mediation.assigned' })
  state!: string;

  @ApiProperty({ enum: STAGES })
  stage!: Stage;

  @ApiProperty({ description: 'The owning unit after the last applied event.' })
  unitCode!: string;

  @ApiProperty({ type: SnapshotDto })
  snapshot!: SnapshotDto;

  @ApiProperty({ type: [RebuiltReferralDto], description: 'The referrals issued by then, in issue order.' })
  referrals!: RebuiltReferralDto[];

  @ApiProperty({
    type: Boolean,
    nullable: true,
    description:
      'With every event applied: whether the rebuilt case and its referrals equal what is stored. Null for an ' +
      'instant before the latest event.',
  })
  matchesStored!: boolean | null;

  @ApiProperty({
    type: DivergenceDto,
    nullable: true,
    description: 'The first event whose replayed state differs from the one it recorded; null when none does.',
  })
  divergence!: DivergenceDto | null;
}

@ApiSchema({ name: 'AuditEvent', description: 'An event of any case, with every hashed field and both hashes.' })
export class AuditEventDto extends HistoryEntryDto implements AuditEvent {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
}

export const AuditEventPage = pageOf(AuditEventDto, 'AuditEventPage');

@ApiSchema({ name: 'ChainBreak', description: 'The first event that does not fit its chain.' })
export class ChainBreakDto {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ type: 'integer' })
  seq!: number;

  @ApiProperty({ example: 'hash does not match the event' })
  reason!: string;
}

@ApiSchema({ name: 'AnchorReport', description: 'The daily anchors recomputed from the events.' })
export class AnchorReportDto implements AnchorReport {
  @ApiProperty()
  valid!: boolean;

  @ApiProperty({ type: 'integer', description: 'Stored anchors recomputed and found to match.' })
  checked!: number;

  @ApiPropertyOptional({ format: 'date', description: 'The first day whose anchor does not match.' })
  brokenDay?: string;

  @ApiPropertyOptional()
  reason?: string;
}

@ApiSchema({
  name: 'VerifyReport',
  description: 'What a verification found: every chain intact, or the first place one breaks.',
})
export class VerifyReportDto implements ChainReport {
  @ApiProperty({ description: 'Every chain (and, for all cases, every anchor) intact.' })
  valid!: boolean;

  @ApiProperty({ type: 'integer', description: 'Events whose link and content were checked and found intact.' })
  checked!: number;

  @ApiProperty({ type: 'integer', description: 'Cases whose whole chain, head included, was found intact.' })
  cases!: number;

  @ApiPropertyOptional({ type: ChainBreakDto })
  brokenAt?: ChainBreakDto;

  @ApiPropertyOptional({ type: AnchorReportDto, description: 'Only when every case was verified (no caseId).' })
  anchors?: AnchorReportDto;
}

@ApiSchema({
  name: 'Anchor',
  description: 'A day’s anchor: a digest of every chain’s head, chained to the day before.',
})
export class AnchorRecordDto implements AnchorRecord {
  @ApiProperty({ format: 'date' })
  day!: string;

  @ApiProperty({ type: 'integer' })
  cases!: number;

  @ApiProperty({ type: 'integer' })
  events!: number;

  @ApiProperty({ description: 'sha256 of the day’s chain heads, hex.' })
  digest!: string;

  @ApiProperty({ description: 'The previous day’s anchor (64 zeros for the first).' })
  prevAnchor!: string;

  @ApiProperty({ description: 'sha256(prevAnchor ‖ digest), hex.' })
  anchor!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export const AnchorPage = pageOf(AnchorRecordDto, 'AnchorPage');

@ApiSchema({ name: 'UnmaskedParties', description: 'A case’s parties with their PII in clear, and the disclosure.' })
export class UnmaskedDto implements Unmasked {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ type: [PartyViewDto] })
  parties!: PartyViewDto[];

  @ApiProperty({ description: 'The reason given, as the access log keeps it.' })
  reason!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;
}

@ApiSchema({ name: 'SecurityActor' })
export class SecurityActorDto {
  @ApiProperty({ type: String, nullable: true, description: 'The key’s principal id; null for Concord itself.' })
  id!: string | null;

  @ApiProperty({ example: 'admin', description: 'A role, or `system`.' })
  role!: string;

  @ApiProperty()
  name!: string;
}

@ApiSchema({ name: 'SecuritySubject' })
export class SecuritySubjectDto {
  @ApiProperty({ example: 'api_key' })
  type!: string;

  @ApiProperty()
  id!: string;
}

@ApiSchema({ name: 'SecurityLogEntry', description: 'A change to who may do what: who, from where, when.' })
export class SecurityLogItemDto implements SecurityLogItem {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ type: SecurityActorDto })
  actor!: SecurityActorDto;

  @ApiProperty({ example: 'api_key.revoked' })
  action!: string;

  @ApiProperty({ type: SecuritySubjectDto })
  subject!: SecuritySubjectDto;

  @ApiProperty({ type: String, nullable: true, description: 'The unit the entry is about; null: deployment-wide.' })
  unitCode!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Facts; never a secret or PII.' })
  detail!: Record<string, unknown>;

  @ApiProperty({ type: String, nullable: true })
  clientAddress!: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;
}

export const SecurityLogPage = pageOf(SecurityLogItemDto, 'SecurityLogPage');
