import { Check, Column, Entity, ForeignKey, PrimaryColumn, Unique } from 'typeorm';
import { UnitEntity } from './unit.entity.js';

/** The limit of one clock (`key`), for everyone or for a category and/or unit subtree. */
@Entity('deadline_policies')
// NULLS NOT DISTINCT: one policy per scope, the unscoped one included.
@Unique('deadline_policies_scope_key', ['key', 'category', 'unitCode'])
@Check('deadline_policies_amount_check', `amount BETWEEN 1 AND 365`)
@Check('deadline_policies_unit_check', `unit IN ('working_days', 'calendar_days', 'hours')`)
export class DeadlinePolicyEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'deadline_policies_pkey' })
  id!: string;

  @Column({ type: 'text' })
  key!: string;

  @Column({ type: 'text', nullable: true })
  category!: string | null;

  @Column({ name: 'unit_code', type: 'text', nullable: true })
  @ForeignKey(() => UnitEntity, { name: 'deadline_policies_unit_fk' })
  unitCode!: string | null;

  @Column({ type: 'integer' })
  amount!: number;

  @Column({ type: 'text' })
  unit!: string;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
