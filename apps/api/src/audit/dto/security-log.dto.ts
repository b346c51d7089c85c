import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '../../common/dto.js';

/** An instant with its offset, in years PostgreSQL and every client agree on (1970–9999). */
const instant = () => (target: object, property: string) => {
  IsISO8601({ strict: true })(target, property);
  Matches(/^(19[7-9]\d|[2-9]\d{3})-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: '$property must be an ISO 8601 date-time with an offset, from 1970 on, e.g. 2026-03-02T09:00:00+08:00',
  })(target, property);
};

export class SecurityLogQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'api_key.revoked', description: '`api_key.created`, `api_key.revoked`, `api_key.rotated`, …' })
  @IsOptional()
  @Matches(/^[a-z][a-z_]{0,30}(\.[a-z][a-z_]{0,30}){1,3}$/, { message: '$property must be an action such as api_key.revoked' })
  action?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The id of the key (principal) that acted.' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Entries at or after.' })
  @IsOptional()
  @instant()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Entries before.' })
  @IsOptional()
  @instant()
  to?: string;
}
