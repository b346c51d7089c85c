import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Length,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  CASE_KINDS,
  CHANNELS,
  PARTY_ROLES,
  RISK_LEVELS,
  STAGES,
  VULNERABLE_FLAGS,
  type CaseKind,
  type Channel,
  type PartyRole,
  type RiskLevel,
  type Stage,
  type VulnerableFlag,
} from '#domain';
import { IsInstant, Optional, PageQuery, codeRule, phoneRule } from '../../common/dto.js';

export class PartyDto {
  @ApiProperty({ enum: PARTY_ROLES })
  @IsIn(PARTY_ROLES)
  role!: PartyRole;

  @ApiProperty({ maxLength: 100, description: 'PII: encrypted at rest, masked for roles that do not need it.' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({
    maxLength: 32,
    example: '13812345678',
    description:
      'PII. A mainland number as dialled, any other with its + country code; stored in E.164 (+8613812345678).',
  })
  @Optional()
  @phoneRule()
  phone?: string;

  @ApiPropertyOptional({ maxLength: 32, description: 'PII: resident ID or passport number.' })
  @Optional()
  @Matches(/^[0-9A-Za-z]{6,32}$/, { message: '$property must be 6 to 32 letters or digits' })
  idNumber?: string;

  @ApiPropertyOptional({ enum: VULNERABLE_FLAGS, isArray: true })
  @Optional()
  @IsArray()
  @ArrayUnique()
  @IsIn(VULNERABLE_FLAGS, { each: true })
  vulnerable?: VulnerableFlag[];

  @ApiPropertyOptional({
    description:
      'One of the representatives a group of petitioners chose (信访工作条例 art. 20 ¶3): at most 5 on a walk-in ' +
      'petition (422 above).',
  })
  @Optional()
  @IsBoolean()
  representative?: boolean;
}

export class CreateCaseDto {
  @ApiProperty({ enum: CASE_KINDS })
  @IsIn(CASE_KINDS)
  kind!: CaseKind;

  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel!: Channel;

  @ApiProperty({ description: 'The unit that registers and owns the case.' })
  @codeRule()
  unitCode!: string;

  @ApiProperty({ maxLength: 500 })
  @IsString()
  @Length(1, 500)
  summary!: string;

  @ApiProperty({ maxLength: 20000 })
  @IsString()
  @Length(1, 20000)
  description!: string;

  @ApiPropertyOptional({ description: 'Case category (e.g. neighbour, labour, property_management).' })
  @Optional()
  @codeRule()
  category?: string;

  @ApiProperty({ type: [PartyDto] })
  @IsArray()
  @ArrayMaxSize(50)
  // Each item an object: ValidateNested alone lets an array through as an item (validating its items instead).
  @IsObject({ each: true, message: '$property must hold objects' })
  @ValidateNested({ each: true })
  @Type(() => PartyDto)
  parties!: PartyDto[];

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When it happened: an ISO 8601 date-time with its offset, 1950–2199.',
  })
  @Optional()
  @IsInstant()
  occurredAt?: string;
}

/**
 * The body of `POST /cases/{id}/events`, as validated here; the payload is the machine's to check. The document
 * describes the body from the machines themselves, one schema per event type (event-schemas.ts).
 */
export class SendEventDto {
  @Matches(/^[A-Z][A-Z_]{0,63}$/, { message: '$property must be an event name such as ACCEPT' })
  type!: string;

  @Optional()
  @IsObject()
  payload?: Record<string, unknown>;

  @Optional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class ListCasesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CASE_KINDS })
  @Optional()
  @IsIn(CASE_KINDS)
  kind?: CaseKind;

  @ApiPropertyOptional({ enum: STAGES })
  @Optional()
  @IsIn(STAGES)
  stage?: Stage;

  @ApiPropertyOptional({ example: 'mediation.in_session' })
  @Optional()
  @Matches(/^[a-z_]+(\.[a-z_]+)*$/, { message: '$property must be a dotted state path' })
  @MaxLength(100)
  state?: string;

  @ApiPropertyOptional({ description: 'Cases owned by this unit or any unit below it.' })
  @Optional()
  @codeRule()
  unitCode?: string;

  @ApiPropertyOptional()
  @Optional()
  @codeRule()
  category?: string;

  @ApiPropertyOptional({ enum: RISK_LEVELS })
  @Optional()
  @IsIn(RISK_LEVELS)
  riskLevel?: RiskLevel;

  @ApiPropertyOptional({ description: 'Text in the reference or summary.' })
  @Optional()
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({ description: 'true: a clock of the current state is past due; false: none is.' })
  @Optional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Registered at or after (an ISO 8601 date-time with its offset).',
  })
  @Optional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Registered before (an ISO 8601 date-time with its offset).',
  })
  @Optional()
  @IsInstant()
  to?: string;
}
