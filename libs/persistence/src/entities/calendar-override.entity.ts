import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** A deployment's own holiday or working day, winning over every schedule. */
@Entity('calendar_overrides')
@Check('calendar_overrides_kind_check', `kind IN ('holiday', 'workday')`)
export class CalendarOverrideEntity {
  /** `YYYY-MM-DD`. */
  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'calendar_overrides_pkey' })
  day!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
