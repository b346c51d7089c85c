import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '../../../domain/src/index.js';

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  role!: Role;

  @Column({ type: 'text', name: 'unit_code', nullable: true })
  unitCode!: string | null;

  @Column({ type: 'text', name: 'department_code', nullable: true })
  departmentCode!: string | null;

  /** SHA-256 of the key; the key itself is shown once and never stored. */
  @Column({ type: 'text', name: 'key_hash' })
  keyHash!: string;

  /** The first characters of the key, so an admin can tell keys apart. */
  @Column({ type: 'text', name: 'key_prefix' })
  keyPrefix!: string;

  @Column({ type: 'uuid', name: 'created_by', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
