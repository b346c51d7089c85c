import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One change to the working-day calendar (a year imported or replaced, an override set or removed); append-only. */
@Entity('calendar_changes')
@Check('calendar_changes_kind_check', `kind IN ('year_imported', 'year_replaced', 'override_set', 'override_removed')`)
@Check('calendar_changes_day_check', `(kind IN ('override_set', 'override_removed')) = (day IS NOT NULL)`)
@Check('calendar_changes_year_check', `year BETWEEN 1950 AND 2199`)
@Index('calendar_changes_year_idx', ['year', 'recordedAt'])
export class CalendarChangeEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'calendar_changes_pkey' })
  id!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'integer' })
  year!: number;

  @Column({ type: 'date', nullable: true })
  day!: string | null;

  @Column({ type: 'text' })
  summary!: string;

  @Column({ type: 'jsonb' })
  detail!: unknown;

  @Column({ name: 'changed_dates', type: 'date', array: true })
  changedDates!: string[];

  @Column({ name: 'recorded_by', type: 'uuid' })
  recordedBy!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
