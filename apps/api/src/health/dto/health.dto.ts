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

@ApiSchema({ name: 'QueuesCheck', description: 'BullMQ answers for every queue and none is paused.' })
export class QueuesCheckDto extends HealthCheckDto {
  @ApiPropertyOptional({ type: 'integer', description: 'How many queues answered.' })
  queues?: number;
}

@ApiSchema({ name: 'OutboxCheck', description: 'The outbox relay keeps up.' })
export class OutboxCheckDto extends HealthCheckDto {
  @ApiPropertyOptional({ description: 'Age in seconds of the oldest outbox row not yet relayed.' })
  oldestUnrelayedSeconds?: number;
}

@ApiSchema({ name: 'HealthChecks' })
export class HealthChecksDto {
  @ApiProperty({ type: HealthCheckDto })
  postgres!: HealthCheckDto;

  @ApiProperty({ type: HealthCheckDto })
  redis!: HealthCheckDto;

  @ApiProperty({ type: QueuesCheckDto })
  queues!: QueuesCheckDto;

  @ApiProperty({ type: OutboxCheckDto })
  outbox!: OutboxCheckDto;
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

@ApiSchema({ name: 'Liveness', description: 'The process answers.' })
export class LivenessDto {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}

@ApiSchema({
  name: 'Health',
  description: 'Readiness: PostgreSQL, Redis, the queues and the outbox relay; and whether the calendar is covered.',
})
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
