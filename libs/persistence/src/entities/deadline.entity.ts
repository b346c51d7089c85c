import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { CaseEntity } from './case.entity.js';
import { ReferralEntity } from './referral.entity.js';

/** One clock of a case or referral (its due row, or one of its warnings). */
@Entity('deadlines')
@Check('deadlines_kind_check', `kind IN ('due', 'warning')`)
@Check('deadlines_percent_check', `(kind = 'warning') = (percent IS NOT NULL)`)
@Check('deadlines_status_check', `status IN ('pending', 'paused', 'fired', 'met', 'lapsed', 'cancelled', 'superseded')`)
@Index('deadlines_case_idx', ['caseId', 'createdAt'])
@Index('deadlines_pending_due_idx', ['dueAt'], { where: `status = 'pending'` })
@Index('deadlines_open_due_idx', ['dueAt'], { where: `kind = 'due' AND ended_at IS NULL` })
@Index('deadlines_referral_idx', ['referralId'], { where: 'referral_id IS NOT NULL' })
// A case's own running clocks, for work queues (migrations/1764830000000-WorkQueues.ts): keys (due_at, case_id, id)
// and (case_id, due_at, id), with INCLUDE (key), which TypeORM cannot declare.
@Index('deadlines_queue_due_idx', { synchronize: false })
@Index('deadlines_queue_case_idx', { synchronize: false })
export class DeadlineEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'deadlines_pkey' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  @ForeignKey(() => CaseEntity, { name: 'deadlines_case_fk' })
  caseId!: string;

  @Column({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'integer', nullable: true })
  percent!: number | null;

  @Column({ name: 'clock_id', type: 'uuid' })
  clockId!: string;

  @Column({ type: 'text' })
  state!: string;

  @Column({ name: 'armed_version', type: 'integer' })
  armedVersion!: number;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt!: Date;

  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'jsonb' })
  derivation!: unknown;

  @Column({ name: 'fired_at', type: 'timestamptz', nullable: true })
  firedAt!: Date | null;

  @Column({ name: 'fired_version', type: 'integer', nullable: true })
  firedVersion!: number | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'referral_id', type: 'uuid', nullable: true })
  @ForeignKey(() => ReferralEntity, { name: 'deadlines_referral_id_fkey' })
  referralId!: string | null;
}
