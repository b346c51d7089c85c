import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { DepartmentEntity } from './department.entity.js';
import { ReferralEntity } from './referral.entity.js';

/**
 * One event announced to a department's webhook: a referral's, or (no `referralId`) a court-delegated case's report
 * to its court. `id` is the CloudEvent id, `body` the bytes signed.
 */
@Entity('deliveries')
@Check('deliveries_status_check', `status IN ('pending', 'delivered', 'dead')`)
@Index('deliveries_status_idx', ['status', 'id'])
@Index('deliveries_referral_idx', ['referralId', 'seq'])
export class DeliveryEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'deliveries_pkey' })
  id!: string;

  @Column({ name: 'referral_id', type: 'uuid', nullable: true })
  @ForeignKey(() => ReferralEntity, { name: 'deliveries_referral_fk' })
  referralId!: string | null;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ name: 'department_code', type: 'text' })
  @ForeignKey(() => DepartmentEntity, { name: 'deliveries_department_fk' })
  departmentCode!: string;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'text', default: 'pending' })
  status!: string;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'integer', default: 0 })
  generation!: number;

  @Column({ name: 'last_status', type: 'integer', nullable: true })
  lastStatus!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'dead_at', type: 'timestamptz', nullable: true })
  deadAt!: Date | null;
}
