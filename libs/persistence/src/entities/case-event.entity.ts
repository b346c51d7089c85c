import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { CaseEntity } from './case.entity.js';
import { ReferralEntity } from './referral.entity.js';

/** One event of a case's append-only, hash-chained history (a trigger refuses UPDATE and DELETE). */
@Entity('case_events')
@Check('case_events_seq_check', `seq >= 1`)
@Index('case_events_referral_idx', ['referralId', 'seq'], { where: 'referral_id IS NOT NULL' })
@Index('case_events_at_idx', ['at', 'caseId', 'seq'])
@Index('case_events_type_at_idx', ['type', 'at'])
// On (actor ->> 'id', at): an expression TypeORM cannot declare.
@Index('case_events_actor_at_idx', { synchronize: false })
@Index('case_events_unit_at_idx', ['unitCode', 'at'])
export class CaseEventEntity {
  @PrimaryColumn({ name: 'case_id', type: 'uuid', primaryKeyConstraintName: 'case_events_pkey' })
  @ForeignKey(() => CaseEntity, { name: 'case_events_case_fk' })
  caseId!: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'case_events_pkey' })
  seq!: number;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ type: 'jsonb' })
  facts!: unknown;

  @Column({ type: 'jsonb' })
  actor!: unknown;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'machine_version', type: 'integer' })
  machineVersion!: number;

  @Column({ type: 'text' })
  state!: string;

  @Column({ name: 'unit_code', type: 'text' })
  unitCode!: string;

  @Column({ name: 'prev_hash', type: 'text' })
  prevHash!: string;

  @Column({ type: 'text' })
  hash!: string;

  @Column({ name: 'referral_id', type: 'uuid', nullable: true })
  @ForeignKey(() => ReferralEntity, { name: 'case_events_referral_id_fkey' })
  referralId!: string | null;

  /** Operational correlation, not part of the event's hash. */
  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;
}
