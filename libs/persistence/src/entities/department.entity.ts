import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A government department that takes referrals, with the categories it handles and its webhook. */
@Entity('departments')
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

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
