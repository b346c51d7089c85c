import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsUUID, Matches } from 'class-validator';
import { IsInstant, Optional, PageQuery, codeRule } from '../../common/dto.js';

// Instants carry their offset (`Z` or `+08:00`): a date alone or a local time would depend on the server's
// time zone, which an audit query must not.

export class CaseStateQuery {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'The instant to rebuild the case at (ISO 8601 with an offset). Defaults to now.',
  })
  @Optional()
  @IsInstant()
  asOf?: string;
}

/** The filters `GET /audit/events` and `GET /audit/export` share. */
export class AuditFilterQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @Optional()
  @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({
    description: 'The actor id: an API key principal id, or a system actor such as system:deadlines.',
  })
  @Optional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9:_-]{0,63}$/, { message: '$property must be an actor id' })
  actor?: string;

  @ApiPropertyOptional({ example: 'REFER' })
  @Optional()
  @Matches(/^[A-Z][A-Z_]{0,63}$/, { message: '$property must be an event name such as ACCEPT' })
  type?: string;

  @ApiPropertyOptional({ description: 'Events of this department’s referrals, and the REFER events that issued them.' })
  @Optional()
  @codeRule()
  departmentCode?: string;

  @ApiPropertyOptional({ description: 'Events recorded for this unit or any unit below it.' })
  @Optional()
  @codeRule()
  unitCode?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events at or after.' })
  @Optional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events before.' })
  @Optional()
  @IsInstant()
  to?: string;
}

/** The filters, with `cursor` and `limit` (≤ 200). */
export class AuditEventsQuery extends IntersectionType(AuditFilterQuery, PageQuery) {}

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;

export class AuditExportQuery extends AuditFilterQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'jsonl' })
  @Optional()
  @IsIn(EXPORT_FORMATS)
  format: (typeof EXPORT_FORMATS)[number] = 'jsonl';
}
