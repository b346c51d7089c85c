import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, IsUUID, Matches, ValidateBy } from 'class-validator';
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

/** The longest access reason, in characters (code points). */
export const REASON_MAX = 500;

/** Why a reason is not 1–500 printable characters (no control, format, private-use or unassigned ones). */
const reasonProblem = (value: unknown): string | null => {
  if (typeof value !== 'string') return 'must be a string';
  const length = [...value].length;
  if (length === 0) return 'must not be blank';
  if (length > REASON_MAX) return `must be at most ${REASON_MAX} characters`;
  if (/\p{C}/u.test(value)) return 'must be printable characters only (no line breaks or control characters)';
  return null;
};

export class AuditExportQuery extends AuditFilterQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'jsonl' })
  @Optional()
  @IsIn(EXPORT_FORMATS)
  format: (typeof EXPORT_FORMATS)[number] = 'jsonl';

  @ApiPropertyOptional({
    example: '2026 年一季度纪检抽查',
    minLength: 1,
    maxLength: REASON_MAX,
    description:
      'Why the events are exported (the access reason): trimmed, 1–500 printable characters, kept with the ' +
      'export’s entry in the audit access log. Optional for API callers; the console always sends one.',
  })
  @Optional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @ValidateBy({
    name: 'isReason',
    validator: {
      validate: (value) => reasonProblem(value) === null,
      defaultMessage: (args) => `$property ${reasonProblem(args?.value)}`,
    },
  })
  reason?: string;
}
