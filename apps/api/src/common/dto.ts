import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { s, validate } from '../../../../libs/domain/src/index.js';

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

const PHONE = s.phone();

/**
 * A party's phone, by the same rule as the `ADD_PARTY` payload (`s.phone()` in libs/domain): a valid number
 * becomes its E.164 form before the handler sees it; anything else is refused with the same message.
 */
export const phoneRule = () =>
  applyDecorators(
    Transform(({ value }) => {
      const checked = validate(PHONE, value);
      return checked.ok ? checked.value : value;
    }),
    ValidateBy({
      name: 'isPhone',
      validator: {
        validate: (value) => validate(PHONE, value).ok,
        defaultMessage: (args) => {
          const checked = validate(PHONE, args?.value);
          return `$property ${checked.ok ? '' : checked.errors[0]!.message}`;
        },
      },
    }),
  );
