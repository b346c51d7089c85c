import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn, Unique } from 'typeorm';
import { CaseEntity } from './case.entity.js';
import { ReferralEntity } from './referral.entity.js';
import { UserEntity } from './user.entity.js';

/** One notice in one person's inbox (migrations/1764810000000-Notices.ts). */
@Entity('notices')
@Unique('notices_user_seq_key', ['userId', 'inboxSeq'])
@Check('notices_topic_check', `topic ~ '^[a-z][a-z_]{0,63}$'`)
@Check('notices_inbox_seq_check', `inbox_seq >= 1`)
@Check('notices_seq_check', `seq >= 1`)
// Both (user_id, id DESC): a person's notices newest first, all of them or the unread ones.
@Index('notices_inbox_idx', ['userId', 'id'])
@Index('notices_unread_idx', ['userId', 'id'], { where: 'read_at IS NULL' })
export class NoticeEntity {
  /** The outbox row's id (or one derived from it for this person): a second delivery is a no-op. */
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'notices_pkey' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  @ForeignKey(() => UserEntity, { name: 'notices_user_fk' })
  userId!: string;

  /** The notice's place in its person's inbox, in the order of delivery (the live stream resumes from it). */
  @Column({ name: 'inbox_seq', type: 'bigint' })
  inboxSeq!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  @ForeignKey(() => CaseEntity, { name: 'notices_case_fk' })
  caseId!: string;

  @Column({ name: 'referral_id', type: 'uuid', nullable: true })
  @ForeignKey(() => ReferralEntity, { name: 'notices_referral_fk' })
  referralId!: string | null;

  /** The case event that raised it. */
  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'text' })
  topic!: string;

  /** The engine's free-text detail, sealed with the data key (PiiCipher). */
  @Column({ name: 'detail_enc', type: 'text', nullable: true })
  detailEnc!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt!: Date | null;
}
