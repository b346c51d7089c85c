import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQuery, codeRule } from '../../common/dto.js';

/**
 * An instant: an ISO 8601 date-time with its offset (`Z` or `+08:00`). A date alone or a local time would
 * depend on the server's time zone, which an audit query must not.
 */
const instant = () => (target: object, property: string) => {
  IsISO8601({ strict: true })(target, property);
  Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: '$property must be an ISO 8601 date-time with an offset, e.g. 2026-03-02T09:00:00+08:00',
  })(target, property);
};

export class CaseStateQuery {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'The instant to rebuild the case at (ISO 8601 with an offset). Defaults to now.',
  })
  @IsOptional()
  @instant()
  asOf?: string;
}

/** The filters `GET /audit/events` and `GET /audit/export` share. */
export class AuditFilterQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({ description: 'The actor id: an API key principal id, or a system actor such as system:deadlines.' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9:_-]{0,63}$/, { message: '$property must be an actor id' })
  actor?: string;

  @ApiPropertyOptional({ example: 'REFER' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z_]{0,63}$/, { message: '$property must be an event name such as ACCEPT' })
  type?: string;

  @ApiPropertyOptional({ description: 'Events of this department’s referrals, and the REFER events that issued them.' })
  @IsOptional()
  @codeRule()
  departmentCode?: string;

  @ApiPropertyOptional({ description: 'Events recorded for this unit or any unit below it.' })
  @IsOptional()
  @codeRule()
  unitCode?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events at or after.' })
  @IsOptional()
  @instant()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events before.' })
  @IsOptional()
  @instant()
  to?: string;
}

/** The filters, with `cursor` and `limit` (≤ 200). */
export class AuditEventsQuery extends IntersectionType(AuditFilterQuery, PageQuery) {}

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;

export class AuditExportQuery extends AuditFilterQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'jsonl' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format: (typeof EXPORT_FORMATS)[number] = 'jsonl';
}
