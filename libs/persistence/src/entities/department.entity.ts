import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('departments')
export class DepartmentEntity {
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  /** The responsibility list (权责清单): the case categories this department accepts. */
  @Column({ type: 'text', array: true })
  categories!: string[];

  @Column({ type: 'text', name: 'webhook_url', nullable: true })
  webhookUrl!: string | null;

  /** Encrypted with the PII cipher; never returned by the API. */
  @Column({ type: 'text', name: 'webhook_secret', nullable: true })
  webhookSecret!: string | null;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
