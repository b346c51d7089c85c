import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { DepartmentEntity } from './department.entity.js';
import { UnitEntity } from './unit.entity.js';

/** A staff account: a person with roles, in a unit or a department (migrations/1764780000000-People.ts). */
@Entity('users')
@Check('users_username_check', `username ~ '^[a-z0-9][a-z0-9._@-]{1,63}$'`)
@Check(
  'users_roles_check',
  `cardinality(roles) BETWEEN 1 AND 7 AND roles <@ ARRAY['admin','intake','mediator','grid_worker','department','leader','auditor']::text[]`,
)
@Check('users_department_check', `('department' = ANY (roles)) = (department_code IS NOT NULL)`)
@Check(
  'users_scope_check',
  `unit_code IS NOT NULL OR department_code IS NOT NULL OR roles <@ ARRAY['admin','auditor']::text[]`,
)
// Unique whatever the case of the username: an expression TypeORM cannot declare.
@Index('users_username_key', { synchronize: false })
@Index('users_unit_idx', ['unitCode', 'id'])
export class UserEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'users_pkey' })
  id!: string;

  @Column({ type: 'text' })
  username!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  @Column({ name: 'unit_code', type: 'text', nullable: true })
  @ForeignKey(() => UnitEntity, { name: 'users_unit_fk' })
  unitCode!: string | null;

  @Column({ name: 'department_code', type: 'text', nullable: true })
  @ForeignKey(() => DepartmentEntity, { name: 'users_department_fk' })
  departmentCode!: string | null;

  @Column({ type: 'text', array: true })
  roles!: string[];

  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  @Column({ name: 'must_change_password', type: 'boolean', default: false })
  mustChangePassword!: boolean;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'roles_changed_at', type: 'timestamptz' })
  rolesChangedAt!: Date;

  @Column({ name: 'password_changed_at', type: 'timestamptz', nullable: true })
  passwordChangedAt!: Date | null;
}
