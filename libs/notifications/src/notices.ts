import { createHash } from 'node:crypto';
import type { PersonTopic } from '#domain';

/** A notice to put in one person's inbox. */
export interface NewNotice {
  /** The outbox row's id, or one derived from it per person (`noticeIdFor`): the same notice has the same id. */
  id: string;
  userId: string;
  caseId: string;
  /** The case event that raised it. */
  seq: number;
  topic: PersonTopic;
  referralId: string | null;
  /** Free text from the engine (a clock's key, a note), never party data; sealed at rest. */
  detail: string | null;
}

/** A notice as its person reads it (GET /me/notices, and each event of the stream). */
export interface NoticeView {
  id: string;
  topic: string;
  caseId: string;
  caseReference: string;
  referralId: string | null;
  detail: string | null;
  seq: number;
  createdAt: string;
  readAt: string | null;
}

/** A notice in the order its person's inbox received it: what a stream sends and resumes from. */
export interface DeliveredNotice extends NoticeView {
  /** The notice's place in the inbox (a bigint, as text). */
  inboxSeq: string;
}

/** What Redis pub/sub carries about a notice: who it is for and which. It only wakes a stream; the row is the truth. */
export interface NoticeSignal {
  userId: string;
  noticeId: string;
}

/**
 * The id of the copy of notice `sourceId` (a UUIDv7: an outbox row's) in the inbox of `userId`: the same for the
 * same pair however often it is made, so delivering it again inserts nothing. It keeps the source's 48-bit time, so
 * it sorts with the other notices by when it was raised; the rest is a SHA-256 of the pair, with the version and
 * variant bits of a UUIDv7.
 */
export function noticeIdFor(sourceId: string, userId: string): string {
  const digest = createHash('sha256').update(`${sourceId.toLowerCase()}\n${userId.toLowerCase()}`).digest();
  const bytes = Buffer.alloc(16);
  Buffer.from(sourceId.replace(/-/g, '').slice(0, 12), 'hex').copy(bytes, 0);
  digest.copy(bytes, 6, 0, 10);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
