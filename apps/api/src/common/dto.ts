import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, MaxLength, Min, ValidateBy, ValidateIf } from 'class-validator';
import { DATE_FORMAT, DomainError, ErrorCode, INSTANT_FORMAT, dateProblem, instantProblem, s, validate } from '#domain';

/** A unit, department or category code: letters, digits, `_` and `-`, up to 64. */
export const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const CODE_MESSAGE = 'must be a code of letters, digits, "_" or "-" (at most 64)';

/** The name of the constraint {@link Optional} adds; a null reported by it is the only error of its field. */
export const NOT_NULL = 'notNull';

/**
 * An optional field: it may be left out, but when it is present it must be a value. class-validator's own
 * `IsOptional` lets `null` through to the service (a 500, or a null stored where none belongs), so every DTO
 * uses this instead. Query strings cannot carry null; they use it all the same, for one rule.
 */
export function Optional(): PropertyDecorator {
  return (target, property) => {
    ValidateIf((_, value) => value !== undefined)(target, property);
    ValidateBy({
      name: NOT_NULL,
      validator: {
        validate: (value) => value !== null,
        defaultMessage: () => '$property must be omitted or have a value, not null',
      },
    })(target, property as string);
  };
}

/**
 * Why a value is not a date-or-instant: a bare date (00:00 China time that day) or an instant, by the one
 * rule of libs/domain/src/dates.ts.
 */
function dateOrInstantProblem(value: unknown): string | null {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return dateProblem(value);
  const problem = instantProblem(value);
  return problem?.startsWith('must be an ISO')
    ? `must be ${DATE_FORMAT} (00:00 China time) or ${INSTANT_FORMAT}`
    : problem;
}

/**
 * An instant: an ISO 8601 date-time with its offset, whose date exists and lies in the years the working-day
 * calendar supports (libs/domain/src/dates.ts). With `orDate`, a bare date is taken too, as 00:00 China time.
 */
export function IsInstant(options: { orDate?: boolean } = {}): PropertyDecorator {
  const problemOf = options.orDate ? dateOrInstantProblem : instantProblem;
  return ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value) => problemOf(value) === null,
      defaultMessage: (args) => `$property ${problemOf(args?.value)}`,
    },
  });
}

/** A date `YYYY-MM-DD` that exists, in the years the working-day calendar supports. */
export function IsCalendarDate(): PropertyDecorator {
  return ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: (value) => dateProblem(value) === null,
      defaultMessage: (args) => `$property ${dateProblem(args?.value)}`,
    },
  });
}

/** A date in the path, by the same rule: 400 with the field's error otherwise. */
export function requirePathDate(value: string, field = 'date'): string {
  const problem = dateProblem(value);
  if (problem)
    throw new DomainError(ErrorCode.MalformedRequest, 'The path has an invalid parameter.', {}, [
      { field, message: problem },
    ]);
  return value;
}

/** `cursor` and `limit` (≤ 200) of every list. */
export class PageQuery {
  @ApiPropertyOptional({
    description: 'The nextCursor of the previous page: opaque and signed, good only for the list that gave it out.',
  })
  @Optional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @Optional()
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
