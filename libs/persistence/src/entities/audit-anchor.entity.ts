import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A China-time day's digest over every case's chain head, chained to the previous day's. */
@Entity('audit_anchors')
export class AuditAnchorEntity {
  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'audit_anchors_pkey' })
  day!: string;

  @Column({ type: 'integer' })
  cases!: number;

  /** A bigint: pg hands it back as text. */
  @Column({ type: 'bigint' })
  events!: string;

  @Column({ type: 'text' })
  digest!: string;

  @Column({ name: 'prev_anchor', type: 'text' })
  prevAnchor!: string;

  @Column({ type: 'text' })
  anchor!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
