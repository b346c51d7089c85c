import type { DepartmentFunction } from '#domain';
import { Check, Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/** A government department that takes referrals, with the categories it handles and its webhook. */
@Entity('departments')
@Check('departments_function_check', `function IN ('discipline_inspection')`)
@Unique('departments_function_key', ['function'])
export class DepartmentEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'departments_pkey' })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', array: true, default: () => `'{}'` })
  categories!: string[];

  @Column({ name: 'webhook_url', type: 'text', nullable: true })
  webhookUrl!: string | null;

  /** Sealed with the data key; never read back in plaintext outside the webhook sender. */
  @Column({ name: 'webhook_secret', type: 'text', nullable: true })
  webhookSecret!: string | null;

  /** `discipline_inspection` for the one body that receives accusations (纪检监察); null for the others. */
  @Column({ type: 'text', nullable: true })
  function!: DepartmentFunction | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
