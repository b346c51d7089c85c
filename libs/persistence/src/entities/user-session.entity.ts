import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn, Unique } from 'typeorm';
import { UserEntity } from './user.entity.js';

/** A person's server-side session; the cookie's token and the CSRF token are stored as SHA-256 only. */
@Entity('user_sessions')
@Unique('user_sessions_token_key', ['tokenHash'])
@Check('user_sessions_via_check', `via IN ('password', 'oidc')`)
@Index('user_sessions_user_idx', ['userId'], { where: 'revoked_at IS NULL' })
export class UserSessionEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'user_sessions_pkey' })
  id!: string;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  @Column({ name: 'csrf_hash', type: 'text' })
  csrfHash!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  @ForeignKey(() => UserEntity, { name: 'user_sessions_user_fk' })
  userId!: string;

  @Column({ type: 'text' })
  via!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason!: string | null;

  @Column({ name: 'client_address', type: 'text', nullable: true })
  clientAddress!: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;
}
