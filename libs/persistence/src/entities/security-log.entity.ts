import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One entry of the append-only security log (keys created, revoked, rotated…). */
@Entity('security_log')
@Check('security_log_action_check', `action ~ '^[a-z][a-z_]*(\\.[a-z][a-z_]*)+$'`)
@Index('security_log_at_idx', ['at', 'id'])
@Index('security_log_actor_idx', ['actorId', 'at', 'id'])
@Index('security_log_action_idx', ['action', 'at', 'id'])
@Index('security_log_unit_idx', ['unitCode', 'at', 'id'])
@Index('security_log_subject_idx', ['subjectType', 'subjectId', 'at'])
export class SecurityLogEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'security_log_pkey' })
  id!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ name: 'actor_role', type: 'text' })
  actorRole!: string;

  @Column({ name: 'actor_name', type: 'text' })
  actorName!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'subject_type', type: 'text' })
  subjectType!: string;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @Column({ name: 'unit_code', type: 'text', nullable: true })
  unitCode!: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  /** Facts about the change (a JSON object). */
  detail!: object;

  @Column({ name: 'client_address', type: 'text', nullable: true })
  clientAddress!: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;
}
