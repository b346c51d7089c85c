import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One read of the audit (itself recorded); append-only. */
@Entity('audit_access_log')
@Index('audit_access_log_at_idx', ['at', 'id'])
@Index('audit_access_log_principal_idx', ['principalId', 'at'])
@Index('audit_access_log_case_idx', ['caseId', 'at'], { where: 'case_id IS NOT NULL' })
export class AuditAccessLogEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'audit_access_log_pkey' })
  id!: string;

  @Column({ name: 'principal_id', type: 'uuid' })
  principalId!: string;

  @Column({ name: 'principal_role', type: 'text' })
  principalRole!: string;

  @Column({ name: 'principal_name', type: 'text' })
  principalName!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'case_id', type: 'uuid', nullable: true })
  caseId!: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  detail!: Record<string, unknown>;

  @Column({ type: 'timestamptz' })
  at!: Date;
}
