import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { CaseEntity } from './case.entity.js';

/** A relation between two cases (one merged into another). */
@Entity('case_links')
@Check('case_links_relation_check', `relation IN ('merged_into')`)
@Index('case_links_linked_idx', ['linkedCaseId'])
export class CaseLinkEntity {
  @PrimaryColumn({ name: 'case_id', type: 'uuid', primaryKeyConstraintName: 'case_links_pkey' })
  @ForeignKey(() => CaseEntity, { name: 'case_links_case_fk' })
  caseId!: string;

  @PrimaryColumn({ name: 'linked_case_id', type: 'uuid', primaryKeyConstraintName: 'case_links_pkey' })
  @ForeignKey(() => CaseEntity, { name: 'case_links_linked_fk' })
  linkedCaseId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'case_links_pkey' })
  relation!: string;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
