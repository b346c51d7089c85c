import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The first answer to a request made with an `Idempotency-Key`, sealed, replayed to its retries. */
@Entity('idempotency_keys')
@Index('idempotency_keys_created_at_idx', ['createdAt'])
@Index('idempotency_keys_plaintext_idx', ['createdAt'], { where: 'response IS NOT NULL' })
export class IdempotencyKeyEntity {
  @PrimaryColumn({ name: 'principal_id', type: 'uuid', primaryKeyConstraintName: 'idempotency_keys_pkey' })
  principalId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'idempotency_keys_pkey' })
  key!: string;

  @Column({ name: 'request_hash', type: 'text' })
  requestHash!: string;

  @Column({ type: 'integer', nullable: true })
  status!: number | null;

  /** Plaintext answers of an older release, sealed and cleared by the purge; no longer written. */
  @Column({ type: 'jsonb', nullable: true })
  response!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'response_sealed', type: 'text', nullable: true })
  responseSealed!: string | null;
}
