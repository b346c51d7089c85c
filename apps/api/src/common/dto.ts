import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** A unit, department or category code: letters, digits, `_` and `-`, up to 64. */
export const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const CODE_MESSAGE = 'must be a code of letters, digits, "_" or "-" (at most 64)';

/** `cursor` and `limit` (≤ 200) of every list. */
export class PageQuery {
  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;
}

export const codeRule = () => Matches(CODE, { message: `$property ${CODE_MESSAGE}` });
