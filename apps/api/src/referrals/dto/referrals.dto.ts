import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsUUID, Matches, Min } from 'class-validator';
import { Optional, PageQuery } from '../../common/dto.js';

export const REFERRAL_STATES = [
  'issued',
  'acknowledged',
  'accepted',
  'in_progress',
  // A petition handed on (转送, referral version 2): it may object, then it may no longer (信访工作条例 art. 23 ¶3).
  'transfer.objectable',
  'transfer.within_remit',
  'replied',
  'rejected',
  'closed',
  'cancelled',
] as const;

/**
 * The body of `POST /referrals/{id}/events`, as validated here; the payload is the machine's to check. The
 * document describes the body from the referral machine itself, one schema per event type (event-schemas.ts).
 */
export class ReferralEventDto {
  @Matches(/^[A-Z][A-Z_]{0,63}$/, { message: '$property must be an event name such as ACKNOWLEDGE' })
  type!: string;

  @Optional()
  @IsObject()
  payload?: Record<string, unknown>;

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
