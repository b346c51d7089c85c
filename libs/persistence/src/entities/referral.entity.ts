import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { CaseEntity } from './case.entity.js';
import { DepartmentEntity } from './department.entity.js';
import { UserEntity } from './user.entity.js';

/** A referral (交办) of a case to a department, with its own machine. */
@Entity('referrals')
@Check('referrals_role_check', `role IN ('lead', 'assist')`)
@Check(
  'referrals_state_check',
  `state IN ('issued', 'acknowledged', 'accepted', 'in_progress', 'replied', 'rejected', 'closed', 'cancelled', ` +
    `'transfer.objectable', 'transfer.within_remit')`,
)
@Check('referrals_version_check', `version >= 1`)
@Check('referrals_one_due_check', `due_at IS NULL OR due_in_working_days IS NULL`)
// (department_code, id DESC): newest first within a department.
@Index('referrals_department_idx', ['departmentCode', 'id'])
@Index('referrals_case_idx', ['caseId', 'issuedSeq'])
// A department's open referrals by assignee: its work queue (migrations/1764830000000-WorkQueues.ts).
@Index('referrals_queue_idx', ['departmentCode', 'assigneeId'], {
  where: `state NOT IN ('replied', 'rejected', 'closed', 'cancelled')`,
})
export class ReferralEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'referrals_pkey' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  @ForeignKey(() => CaseEntity, { name: 'referrals_case_fk' })
  caseId!: string;

  @Column({ name: 'department_code', type: 'text' })
  @ForeignKey(() => DepartmentEntity, { name: 'referrals_department_fk' })
  departmentCode!: string;

  @Column({ type: 'text' })
  role!: string;

  @Column({ name: 'machine_version', type: 'integer' })
  machineVersion!: number;

  @Column({ type: 'text' })
  state!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  snapshot!: unknown;

  @Column({ type: 'text' })
  instructions!: string;

  @Column({ name: 'due_in_working_days', type: 'integer', nullable: true })
  dueInWorkingDays!: number | null;

  /** The reply's due time, when the REFER set it as an instant (version 2). */
  @Column({ name: 'due_at', type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

  @Column({ name: 'share_parties', type: 'boolean' })
  shareParties!: boolean;

  @Column({ name: 'issued_seq', type: 'integer' })
  issuedSeq!: number;

  @Column({ name: 'urged_at', type: 'timestamptz', nullable: true })
  urgedAt!: Date | null;

  @Column({ name: 'supervised_at', type: 'timestamptz', nullable: true })
  supervisedAt!: Date | null;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt!: Date | null;

  @Column({ type: 'boolean', nullable: true })
  resolved!: boolean | null;

  /** The department's person working the referral (version 2 on), set by the chain's CLAIM, ASSIGN, UNASSIGN. */
  @Column({ name: 'assignee_id', type: 'uuid', nullable: true })
  @ForeignKey(() => UserEntity, { name: 'referrals_assignee_fk' })
  assigneeId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
