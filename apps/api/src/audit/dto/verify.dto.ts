import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { Optional, PageQuery } from '../../common/dto.js';

export class VerifyQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Verify this case only; omitted = every case, and the daily anchors.',
  })
  @Optional()
  @IsUUID()
  caseId?: string;
}

/** `GET /audit/anchors`: `cursor` and `limit` (≤ 200), newest day first. */
export class AnchorsQuery extends PageQuery {}
