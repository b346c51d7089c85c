import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID, Matches } from 'class-validator';
import { IsInstant, Optional, PageQuery } from '../../common/dto.js';

export class SecurityLogQuery extends PageQuery {
  @ApiPropertyOptional({
    example: 'api_key.revoked',
    description: '`api_key.created`, `api_key.revoked`, `api_key.rotated`, …',
  })
  @Optional()
  @Matches(/^[a-z][a-z_]{0,30}(\.[a-z][a-z_]{0,30}){1,3}$/, {
    message: '$property must be an action such as api_key.revoked',
  })
  action?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The id of the key (principal) that acted.' })
  @Optional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Entries at or after.' })
  @Optional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Entries before.' })
  @Optional()
  @IsInstant()
  to?: string;
}
