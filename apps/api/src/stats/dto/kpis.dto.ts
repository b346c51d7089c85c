import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, Matches } from 'class-validator';
import { codeRule } from '../../common/dto.js';

/** An instant with its offset, or a bare date: 00:00 China Standard Time that day, as the working-day calendar counts days. */
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

export function toInstant(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  return new Date(value.length === 10 ? `${value}T00:00:00+08:00` : value);
}

const instantRule = () =>
  Matches(INSTANT, { message: '$property must be a date (YYYY-MM-DD, China time) or an ISO 8601 instant with its offset' });

export class KpisQuery {
  @ApiPropertyOptional({ description: 'The subtree reported on; defaults to the reader’s scope (or every unit).' })
  @IsOptional()
  @codeRule()
  unitCode?: string;

  @ApiPropertyOptional({ example: '2026-03-01', description: 'Cases registered at or after this (inclusive). Default: no lower bound.' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @instantRule()
  from?: string;

  @ApiPropertyOptional({ example: '2026-04-01', description: 'Cases registered before this (exclusive). Default: now.' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @instantRule()
  to?: string;
}
