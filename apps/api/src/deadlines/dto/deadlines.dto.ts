import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  IsObject,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CLOCK_UNITS, type ClockUnit } from '#domain';
import { MAX_DAY_NAME, MAX_SOURCE, MAX_YEAR_HOLIDAYS, MAX_YEAR_WORKDAYS } from '#deadlines';
import { IsCalendarDate, IsInstant, Optional, PageQuery, codeRule } from '../../common/dto.js';

export class DeadlinesQuery extends PageQuery {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Only clocks due before this instant (an ISO 8601 date-time with its offset).',
  })
  @Optional()
  @IsInstant()
  dueBefore?: string;

  @ApiPropertyOptional({ enum: ['pending', 'breached'] })
  @Optional()
  @IsIn(['pending', 'breached'])
  status?: 'pending' | 'breached';

  @ApiPropertyOptional({ description: 'Cases owned by this unit or any below it.' })
  @Optional()
  @codeRule()
  unitCode?: string;
}

export class CalendarQuery {
  @ApiProperty({ format: 'date', example: '2026-02-01' })
  @IsCalendarDate()
  from!: string;

  @ApiProperty({ format: 'date', example: '2026-02-28', description: 'Inclusive; at most 400 days after from.' })
  @IsCalendarDate()
  to!: string;
}

export class CalendarOverrideDto {
  @ApiProperty({
    enum: ['holiday', 'workday'],
    description: 'holiday: a rest day; workday: a working day even on a weekend.',
  })
  @IsIn(['holiday', 'workday'])
  kind!: 'holiday' | 'workday';

  @ApiProperty({ example: '防汛停工日', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  // The calendar refuses an override without a name; stored blank, it would break every later deadline.
  @Matches(/\S/, { message: '$property must not be blank' })
  name!: string;
}

export class ScheduleDayDto {
  @ApiProperty({ example: '2027-02-06', format: 'date' })
  @IsCalendarDate()
  date!: string;

  @ApiProperty({
    example: '春节',
    maxLength: MAX_DAY_NAME,
    description: 'The holiday it belongs to (a make-up working day names its holiday too).',
  })
  @IsString()
  @Length(1, MAX_DAY_NAME)
  name!: string;
}

/**
 * One year's State Council schedule. Dates, duplicates, make-up days on weekdays and the year itself are
 * checked by the service (checkYearSchedule), one error per field.
 */
export class CalendarYearDto {
  @ApiProperty({
    example: '国办发明电〔2026〕X号',
    maxLength: MAX_SOURCE,
    description: 'The notice the schedule comes from.',
  })
  @IsString()
  @Length(1, MAX_SOURCE)
  source!: string;

  @ApiProperty({
    type: [ScheduleDayDto],
    maxItems: MAX_YEAR_HOLIDAYS,
    description: 'Every rest day of the notice, weekends inside a holiday included.',
  })
  @IsArray()
  @ArrayMaxSize(MAX_YEAR_HOLIDAYS)
  // Each item an object: ValidateNested alone lets an array through as an item (validating its items instead).
  @IsObject({ each: true, message: '$property must hold objects' })
  @ValidateNested({ each: true })
  @Type(() => ScheduleDayDto)
  holidays!: ScheduleDayDto[];

  @ApiProperty({
    type: [ScheduleDayDto],
    maxItems: MAX_YEAR_WORKDAYS,
    description: 'Make-up working days (调休上班): Saturdays or Sundays.',
  })
  @IsArray()
  @ArrayMaxSize(MAX_YEAR_WORKDAYS)
  // Each item an object: ValidateNested alone lets an array through as an item (validating its items instead).
  @IsObject({ each: true, message: '$property must hold objects' })
  @ValidateNested({ each: true })
  @Type(() => ScheduleDayDto)
  workdays!: ScheduleDayDto[];
}

export class DeadlinePolicyDto {
  @ApiProperty({ example: 'dispute.mediation', description: 'A clock key; GET /deadline-policies lists them.' })
  @Matches(/^[a-z_]+\.[a-z_]+$/, { message: '$property must be a clock key such as dispute.mediation' })
  key!: string;

  @ApiPropertyOptional({ description: 'Only for cases of this category.' })
  @Optional()
  @codeRule()
  category?: string;

  @ApiPropertyOptional({ description: 'Only for cases owned by this unit or any below it.' })
  @Optional()
  @codeRule()
  unitCode?: string;

  @ApiProperty({ minimum: 1, maximum: 365 })
  @IsInt()
  @Min(1)
  @Max(365)
  amount!: number;

  @ApiProperty({
    enum: CLOCK_UNITS,
    description:
      'working_days and calendar_days count on the working calendar (the end rolls over a rest day); hours are ' +
      'elapsed hours from the start, with no calendar.',
  })
  @IsIn(CLOCK_UNITS)
  unit!: ClockUnit;
}
