import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { CaseEntity } from './case.entity.js';

/** A party to a case; name, phone and id number are stored sealed, never in plaintext. */
@Entity('parties')
@Check('parties_role_check', `role IN ('applicant', 'respondent', 'third_party')`)
@Index('parties_case_idx', ['caseId'])
export class PartyEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'parties_pkey' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  @ForeignKey(() => CaseEntity, { name: 'parties_case_fk' })
  caseId!: string;

  @Column({ type: 'text' })
  role!: string;

  @Column({ name: 'name_enc', type: 'text' })
  nameEnc!: string;

  @Column({ name: 'phone_enc', type: 'text', nullable: true })
  phoneEnc!: string | null;

  @Column({ name: 'id_number_enc', type: 'text', nullable: true })
  idNumberEnc!: string | null;

  @Column({ type: 'text', array: true, default: () => `'{}'` })
  vulnerable!: string[];

  /** One of the representatives a group of petitioners chose (信访工作条例 art. 20 ¶3). */
  @Column({ type: 'boolean', default: false })
  representative!: boolean;

  @Column({ name: 'pii_digest', type: 'text' })
  piiDigest!: string;

  @Column({ name: 'added_seq', type: 'integer' })
  addedSeq!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
