import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn, Unique } from 'typeorm';
import { UnitEntity } from './unit.entity.js';
import { UserEntity } from './user.entity.js';

/** A case: its machine's state and snapshot, where it stands, and the head of its hash chain. */
@Entity('cases')
@Unique('cases_reference_key', ['reference'])
@Unique('cases_query_code_key', ['queryCode'])
@Check('cases_kind_check', `kind IN ('dispute', 'petition')`)
@Check('cases_stage_check', `stage IN ('intake', 'triage', 'mediation', 'escalation', 'archive')`)
@Check('cases_version_check', `version >= 1`)
// Both (…, id DESC): newest first within a unit or a stage.
@Index('cases_unit_idx', ['unitCode', 'id'])
@Index('cases_stage_idx', ['stage', 'id'])
@Index('cases_created_at_idx', ['createdAt'])
@Index('cases_clock_skew_idx', ['createdAt'], { where: 'uuidv7_instant(id) <> created_at' })
// Work queues (migrations/1764830000000-WorkQueues.ts): partial indexes of open cases with INCLUDE columns, which
// TypeORM cannot declare. Keys: (id); (assignee_id, unit_code); (in_charge_id, unit_code); (unit_code, risk_level) twice.
@Index('cases_queue_open_idx', { synchronize: false })
@Index('cases_queue_assignee_idx', { synchronize: false })
@Index('cases_queue_in_charge_idx', { synchronize: false })
@Index('cases_queue_unassigned_idx', { synchronize: false })
@Index('cases_queue_supervised_idx', { synchronize: false })
// Trigram (gin_trgm_ops) indexes for the search box: an operator class TypeORM cannot declare.
@Index('cases_reference_trgm_idx', { synchronize: false })
@Index('cases_summary_trgm_idx', { synchronize: false })
export class CaseEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'cases_pkey' })
  id!: string;

  @Column({ type: 'text' })
  reference!: string;

  @Column({ name: 'query_code', type: 'text' })
  queryCode!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'machine_version', type: 'integer' })
  machineVersion!: number;

  @Column({ type: 'text' })
  state!: string;

  @Column({ type: 'text' })
  stage!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'unit_code', type: 'text' })
  @ForeignKey(() => UnitEntity, { name: 'cases_unit_fk' })
  unitCode!: string;

  @Column({ type: 'text' })
  channel!: string;

  @Column({ type: 'text', nullable: true })
  category!: string | null;

  @Column({ name: 'risk_level', type: 'text', nullable: true })
  riskLevel!: string | null;

  @Column({ type: 'text', nullable: true })
  outcome!: string | null;

  @Column({ type: 'boolean', default: false })
  supervised!: boolean;

  /** An accusation (信访工作条例 art. 30): seen only by admins, auditors and the department it was referred to. */
  @Column({ type: 'boolean', default: false })
  confidential!: boolean;

  /** The person working the case (version 2 on): a copy of the machine's context, set by the chain's events. */
  @Column({ name: 'assignee_id', type: 'uuid', nullable: true })
  @ForeignKey(() => UserEntity, { name: 'cases_assignee_fk' })
  assigneeId!: string | null;

  /** The leader in personal charge of the case (领导包案, 信访工作条例 art. 18). */
  @Column({ name: 'in_charge_id', type: 'uuid', nullable: true })
  @ForeignKey(() => UserEntity, { name: 'cases_in_charge_fk' })
  inChargeId!: string | null;

  @Column({ type: 'text' })
  summary!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', nullable: true })
  occurredAt!: Date | null;

  @Column({ type: 'jsonb' })
  snapshot!: unknown;

  @Column({ name: 'head_hash', type: 'text' })
  headHash!: string;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
