import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn, Unique } from 'typeorm';
import { DepartmentEntity } from './department.entity.js';
import { UnitEntity } from './unit.entity.js';

/** An API key: who it speaks for (role, unit or department), the hash of its secret, its lifetime. */
@Entity('api_keys')
@Unique('api_keys_key_hash_key', ['keyHash'])
@Check('api_keys_role_check', `role IN ('admin', 'intake', 'mediator', 'department', 'auditor')`)
@Check('api_keys_department_role_check', `(role = 'department') = (department_code IS NOT NULL)`)
@Index('api_keys_unit_idx', ['unitCode', 'id'])
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'api_keys_pkey' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  role!: string;

  @Column({ name: 'unit_code', type: 'text', nullable: true })
  @ForeignKey(() => UnitEntity, { name: 'api_keys_unit_fk' })
  unitCode!: string | null;

  @Column({ name: 'department_code', type: 'text', nullable: true })
  @ForeignKey(() => DepartmentEntity, { name: 'api_keys_department_fk' })
  departmentCode!: string | null;

  @Column({ name: 'key_hash', type: 'text' })
  keyHash!: string;

  @Column({ name: 'key_prefix', type: 'text' })
  keyPrefix!: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;
}
