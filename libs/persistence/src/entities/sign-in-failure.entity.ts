import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Consecutive failed sign-ins of an account (`user:<username>`) or a client address (`address:<ip>`). */
@Entity('sign_in_failures')
export class SignInFailureEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'sign_in_failures_pkey' })
  key!: string;

  @Column({ type: 'integer' })
  failures!: number;

  @Column({ name: 'last_at', type: 'timestamptz' })
  lastAt!: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;
}
