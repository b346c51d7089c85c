import { ApiPropertyOptional } from '@nestjs/swagger';
import { startOfChinaDay, toInstant } from '#domain';
import { IsInstant, Optional, codeRule } from '../../common/dto.js';

/** An instant with its offset, or a bare date: 00:00 China Standard Time that day, as the working-day calendar counts days. */
export function boundOf(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  return value.length === 10 ? startOfChinaDay(value) : toInstant(value);
}

export class KpisQuery {
  @ApiPropertyOptional({ description: 'The subtree reported on; defaults to the reader’s scope (or every unit).' })
  @Optional()
  @codeRule()
  unitCode?: string;

  @ApiPropertyOptional({
    example: '2026-03-01',
    description: 'Cases registered at or after this (inclusive). Default: no lower bound.',
  })
  @Optional()
  @IsInstant({ orDate: true })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-04-01',
    description: 'Cases registered before this (exclusive). Default: now.',
  })
  @Optional()
  @IsInstant({ orDate: true })
  to?: string;
}
