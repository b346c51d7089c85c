import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'HealthCheck', description: 'One dependency’s answer.' })
export class HealthCheckDto {
  @ApiProperty()
  ok!: boolean;

  @ApiProperty({ type: 'integer', description: 'How long it took to answer (or to fail).' })
  latencyMs!: number;

  @ApiPropertyOptional({ description: 'Why it failed.' })
  error?: string;
}

@ApiSchema({ name: 'HealthChecks' })
export class HealthChecksDto {
  @ApiProperty({ type: HealthCheckDto })
  postgres!: HealthCheckDto;

  @ApiProperty({ type: HealthCheckDto })
  redis!: HealthCheckDto;
}

@ApiSchema({ name: 'CalendarCoverage' })
export class CalendarCoverageYearDto {
  @ApiProperty({ type: 'integer' })
  year!: number;

  @ApiProperty({ enum: ['official', 'imported', 'missing'] })
  coverage!: 'official' | 'imported' | 'missing';
}

@ApiSchema({ name: 'HealthCalendar' })
export class HealthCalendarDto {
  @ApiProperty({ type: [CalendarCoverageYearDto], description: 'The current and the next China year.' })
  years!: CalendarCoverageYearDto[];
}

@ApiSchema({ name: 'Health', description: 'Whether PostgreSQL and Redis answer, and whether the calendar is covered.' })
export class HealthDto {
  @ApiProperty({ enum: ['ok', 'unavailable'] })
  status!: 'ok' | 'unavailable';

  @ApiProperty({ type: HealthChecksDto })
  checks!: HealthChecksDto;

  @ApiProperty({
    type: HealthCalendarDto,
    nullable: true,
    description: 'Null while PostgreSQL does not answer.',
  })
  calendar!: HealthCalendarDto | null;

  @ApiProperty({
    type: [String],
    description: 'A year without a holiday schedule: deadlines still run, counting weekends only there.',
  })
  warnings!: string[];
}
