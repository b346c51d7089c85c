import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity.js';

/** When a key was last used, kept apart from the key's row so that bookkeeping never fires its notify trigger. */
@Entity('api_key_usage')
export class ApiKeyUsageEntity {
  @PrimaryColumn({ name: 'key_id', type: 'uuid', primaryKeyConstraintName: 'api_key_usage_pkey' })
  @ForeignKey(() => ApiKeyEntity, { name: 'api_key_usage_key_fk', onDelete: 'CASCADE' })
  keyId!: string;

  @Column({ name: 'last_used_at', type: 'timestamptz' })
  lastUsedAt!: Date;
}
