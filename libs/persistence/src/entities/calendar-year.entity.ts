import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { CalendarChangeEntity } from './calendar-change.entity.js';

/** A year's holiday schedule as recorded from its notice, winning over the shipped data of that year. */
@Entity('calendar_years')
@Check('calendar_years_year_check', `year BETWEEN 1950 AND 2199`)
@Check('calendar_years_holidays_check', `jsonb_typeof(holidays) = 'array'`)
@Check('calendar_years_workdays_check', `jsonb_typeof(workdays) = 'array'`)
export class CalendarYearEntity {
  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'calendar_years_pkey' })
  year!: number;

  @Column({ type: 'text' })
  source!: string;

  /** `[{date, name}]`. */
  @Column({ type: 'jsonb' })
  holidays!: Array<{ date: string; name: string }>;

  /** `[{date, name}]`: make-up working days. */
  @Column({ type: 'jsonb' })
  workdays!: Array<{ date: string; name: string }>;

  @Column({ name: 'change_id', type: 'uuid' })
  @ForeignKey(() => CalendarChangeEntity, { name: 'calendar_years_change_fk' })
  changeId!: string;

  @Column({ name: 'recorded_by', type: 'uuid' })
  recordedBy!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
