import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsUUID, Matches, Min } from 'class-validator';
import { Optional, PageQuery } from '../../common/dto.js';

export const REFERRAL_STATES = [
  'issued',
  'acknowledged',
  'accepted',
  'in_progress',
  'replied',
  'rejected',
  'closed',
  'cancelled',
] as const;

export class ReferralEventDto {
  @ApiProperty({
    example: 'ACKNOWLEDGE',
    description: 'ACKNOWLEDGE, ACCEPT, REJECT, PROGRESS or REPLY; see `allowedEvents`.',
  })
  @Matches(/^[A-Z][A-Z_]{0,63}$/, { message: '$property must be an event name such as ACKNOWLEDGE' })
  type!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'ACKNOWLEDGE/ACCEPT `{note?}` · REJECT `{reason}` · PROGRESS `{note}` · REPLY `{resolved, result}`.',
  })
  @Optional()
  @IsObject()
  payload?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Apply only if the referral is still at this version (409 otherwise).' })
  @Optional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class ListReferralsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: REFERRAL_STATES, description: 'The referral state.' })
  @Optional()
  @IsIn(REFERRAL_STATES)
  status?: (typeof REFERRAL_STATES)[number];

  @ApiPropertyOptional({
    description: 'true: its running clock (acknowledgement or reply) is past due; false: it is not.',
  })
  @Optional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ format: 'uuid' })
  @Optional()
  @IsUUID()
  caseId?: string;
}
