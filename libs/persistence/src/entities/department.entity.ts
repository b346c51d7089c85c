import type { DepartmentFunction } from '#domain';
import { Check, Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/** A government department that takes referrals, with the categories it handles and its webhook. */
@Entity('departments')
@Check('departments_function_check', `function IN ('discipline_inspection')`)
@Unique('departments_function_key', ['function'])
@Check(
  'departments_previous_secret_check',
  '(webhook_previous_secret IS NULL) = (webhook_previous_secret_until IS NULL)',
)
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

  /** After a rotation, the secret before it (sealed alike): it signs too, next to the new one, until `…Until`. */
  @Column({ name: 'webhook_previous_secret', type: 'text', nullable: true })
  webhookPreviousSecret!: string | null;

  /** The end of the rotation's overlap window, read by the sender at signing time. */
  @Column({ name: 'webhook_previous_secret_until', type: 'timestamptz', nullable: true })
  webhookPreviousSecretUntil!: Date | null;

  /** `discipline_inspection` for the one body that receives accusations (纪检监察); null for the others. */
  @Column({ type: 'text', nullable: true })
  function!: DepartmentFunction | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
