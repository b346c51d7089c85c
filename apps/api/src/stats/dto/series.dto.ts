import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import {
  MAX_BUCKETS,
  SERIES_BY,
  SERIES_INTERVALS,
  type SeriesBucket,
  type SeriesBy,
  type SeriesGroup,
  type SeriesInterval,
  type SeriesReport,
} from '#stats';
import { Optional } from '../../common/dto.js';
import { CaseFiguresDto } from './kpi-views.dto.js';
import { KpisQuery } from './kpis.dto.js';

export class SeriesQuery extends KpisQuery {
  @ApiPropertyOptional({
    enum: SERIES_BY,
    default: 'unit',
    description:
      'The groups: the direct children of the subtree’s root (rolled up; the root’s own cases form its own group), ' +
      'or the case’s category, channel or risk level.',
  })
  @Optional()
  @IsIn(SERIES_BY)
  by: SeriesBy = 'unit';

  @ApiPropertyOptional({
    enum: SERIES_INTERVALS,
    default: 'day',
    description: 'Calendar days, ISO weeks (Monday to Sunday) or months, in China time.',
  })
  @Optional()
  @IsIn(SERIES_INTERVALS)
  interval: SeriesInterval = 'day';
}

@ApiSchema({ name: 'SeriesBucket', description: 'A bucket of registration time, cut to the period.' })
export class SeriesBucketDto implements SeriesBucket {
  @ApiProperty({ format: 'date-time', description: 'Inclusive.' })
  start!: string;

  @ApiProperty({ format: 'date-time', description: 'Exclusive.' })
  end!: string;

  @ApiProperty({
    example: '2026-W10',
    description: 'The China-time day (2026-03-02), ISO week (2026-W10) or month (2026-03).',
  })
  label!: string;
}

@ApiSchema({ name: 'SeriesGroup' })
export class SeriesGroupDto implements SeriesGroup {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'A unit code, category, channel or risk level; null when the case has none.',
  })
  key!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The unit’s name (unit groups only).' })
  name!: string | null;

  @ApiProperty({ type: [CaseFiguresDto], description: 'One per bucket, in the buckets’ order.' })
  points!: CaseFiguresDto[];
}

@ApiSchema({
  name: 'SeriesReport',
  description:
    'KPIs of the cases registered in [from, to) within a unit’s subtree, per bucket of registration time and per ' +
    'group. A bucket’s figures are those GET /stats/kpis gives with the bucket’s start and end as from and to ' +
    '(libs/stats/src/series.ts).',
})
export class SeriesReportDto implements SeriesReport {
  @ApiProperty({ type: String, nullable: true, description: 'The root of the subtree; null: every unit.' })
  unitCode!: string | null;

  @ApiProperty({ enum: SERIES_BY })
  by!: SeriesBy;

  @ApiProperty({ enum: SERIES_INTERVALS })
  interval!: SeriesInterval;

  @ApiProperty({ format: 'date-time' })
  from!: string;

  @ApiProperty({ format: 'date-time' })
  to!: string;

  @ApiProperty({ format: 'date-time', description: 'The instant "now" stood for (overdue, clocks not yet due).' })
  asOf!: string;

  @ApiProperty({ type: [SeriesBucketDto], maxItems: MAX_BUCKETS })
  buckets!: SeriesBucketDto[];

  @ApiProperty({ type: [CaseFiguresDto], description: 'Every group together, one per bucket.' })
  totals!: CaseFiguresDto[];

  @ApiProperty({ type: [SeriesGroupDto] })
  groups!: SeriesGroupDto[];
}
