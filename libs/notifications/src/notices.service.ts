import type { Clock } from '#clock';
import { PERSON_TOPICS } from '#domain';
import type { PiiCipher } from '#parties';
import { cursorShape, type Cursors, type Database, type Page, type Tx } from '#persistence';
import type { DeliveredNotice, NewNotice, NoticeView } from './notices.js';

const TOPICS: ReadonlySet<string> = new Set(PERSON_TOPICS);

/** Notices a stream reads from PostgreSQL at a time. */
export const STREAM_BATCH = 100;

/** What to mark read: these notices, every one, or every one up to a notice of the list (its id and older). */
export type MarkRead = { ids: string[] } | { all: true } | { upTo: string };

export interface NoticeFilter {
  /** Only the notices not yet read. */
  unread?: boolean;
  cursor?: string;
  limit: number;
}

interface NoticeRow {
  id: string;
  topic: string;
  case_id: string;
  reference: string;
  referral_id: string | null;
  detail_enc: string | null;
  seq: number;
  created_at: Date;
  read_at: Date | null;
  inbox_seq: string;
}

const COLUMNS = `n.id, n.topic, n.case_id, c.reference, n.referral_id, n.detail_enc, n.seq, n.created_at, n.read_at,
                 n.inbox_seq::text AS inbox_seq`;

/**
 * People's notice inboxes. `deliver` is the only way a notice gets in: idempotent (a notice's id names it once),
 * and in each person's inbox in the order of commit (`inbox_seq`), which is what a live stream resumes from. Every
 * read is of one person's own notices; the detail is sealed at rest and opened on the way out.
 */
export class NoticesService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly cipher: PiiCipher,
    private readonly cursors: Cursors,
  ) {}

  /**
   * Puts the notices in their people's inboxes in the caller's transaction, and answers the ones that were not
   * there yet. A notice already delivered (a job run again) is left as it is. Each person's inbox is locked for the
   * rest of the transaction (a transaction-scoped advisory lock, people in id order so two deliveries cannot
   * deadlock), so the positions it gives follow the order in which deliveries commit.
   */
  async deliver(tx: Tx, notices: NewNotice[]): Promise<NewNotice[]> {
    for (const notice of notices)
      if (!TOPICS.has(notice.topic)) throw new Error(`notice ${notice.id}: unknown topic ${notice.topic}`);
    const byUser = new Map<string, NewNotice[]>();
    for (const notice of notices) {
      const own = byUser.get(notice.userId) ?? [];
      if (!own.some((n) => n.id === notice.id)) own.push(notice);
      byUser.set(notice.userId, own);
    }
    const now = this.clock.now();
    const delivered: NewNotice[] = [];
    for (const userId of [...byUser.keys()].sort()) {
      const own = byUser.get(userId)!;
      // Its own statement: the INSERT's snapshot is then taken after the lock is held, and sees what came before.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('concord:notices:' || $1::text, 0))`, [userId]);
      const inserted = await tx.query<{ id: string }>(
        `INSERT INTO notices (id, user_id, inbox_seq, case_id, referral_id, seq, topic, detail_enc, created_at)
         SELECT m.id, $1, top.seq + m.ord, m.case_id, m.referral_id, m.seq, m.topic, m.detail_enc, $8
           FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::int[], $6::text[], $7::text[])
                  WITH ORDINALITY AS m(id, case_id, referral_id, seq, topic, detail_enc, ord)
          CROSS JOIN (SELECT coalesce(max(inbox_seq), 0) AS seq FROM notices WHERE user_id = $1) AS top
         ON CONFLICT (id) DO NOTHING
         RETURNING id`,
        [
          userId,
          own.map((n) => n.id),
          own.map((n) => n.caseId),
          own.map((n) => n.referralId),
          own.map((n) => n.seq),
          own.map((n) => n.topic),
          own.map((n) => (n.detail === null ? null : this.cipher.encrypt(n.detail))),
          now,
        ],
      );
      const ids = new Set(inserted.map((r) => r.id));
      delivered.push(...own.filter((n) => ids.has(n.id)));
    }
    return delivered;
  }

  /**
   * Who an owner notice (催办, 督办, a breach…) reaches in person: the case's assignee and the leader in charge of it
   * and, for a notice about a referral, the department's person working that referral. Nobody, when none is set.
   */
  async ownerRecipients(tx: Tx, caseId: string, referralId: string | null): Promise<string[]> {
    const rows = await tx.query<{ user_id: string }>(
      `SELECT DISTINCT v.user_id
         FROM cases c
         LEFT JOIN referrals r ON r.id = $2 AND r.case_id = c.id
        CROSS JOIN LATERAL (VALUES (c.assignee_id), (c.in_charge_id), (r.assignee_id)) AS v(user_id)
        WHERE c.id = $1 AND v.user_id IS NOT NULL
        ORDER BY v.user_id`,
      [caseId, referralId],
    );
    return rows.map((r) => r.user_id);
  }

  /** A person's notices, newest first (by when they were raised), all or the unread ones; cursor-paginated. */
  async list(userId: string, filter: NoticeFilter): Promise<Page<NoticeView> & { unread: number }> {
    const after = this.cursors.decode('me-notices', filter.cursor, cursorShape.uuid);
    const rows = await this.db.query<NoticeRow>(
      `SELECT ${COLUMNS} FROM notices n JOIN cases c ON c.id = n.case_id
        WHERE n.user_id = $1 ${filter.unread ? 'AND n.read_at IS NULL' : ''} AND ($2::uuid IS NULL OR n.id < $2)
        ORDER BY n.id DESC LIMIT $3`,
      [userId, after, filter.limit + 1],
    );
    const items = rows.slice(0, filter.limit).map((r) => this.viewOf(r));
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > filter.limit && last ? this.cursors.encode('me-notices', last.id) : null,
      unread: await this.unreadCount(userId),
    };
  }

  async unreadCount(userId: string): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM notices WHERE user_id = $1 AND read_at IS NULL`,
      [userId],
    );
    return row!.n;
  }

  /**
   * Marks a person's notices read, and answers how many changed and how many are left unread. Ids that are not the
   * person's own, or already read, change nothing (and say nothing about anyone else's).
   */
  async markRead(userId: string, what: MarkRead): Promise<{ marked: number; unread: number }> {
    const now = this.clock.now();
    let marked: number;
    if ('ids' in what)
      marked = (
        await this.db.query(
          `UPDATE notices SET read_at = $3 WHERE user_id = $1 AND id = ANY($2::uuid[]) AND read_at IS NULL RETURNING id`,
          [userId, what.ids, now],
        )
      ).length;
    else if ('upTo' in what)
      marked = (
        await this.db.query(
          `UPDATE notices SET read_at = $3 WHERE user_id = $1 AND id <= $2 AND read_at IS NULL RETURNING id`,
          [userId, what.upTo, now],
        )
      ).length;
    else
      marked = (
        await this.db.query(`UPDATE notices SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL RETURNING id`, [
          userId,
          now,
        ])
      ).length;
    return { marked, unread: await this.unreadCount(userId) };
  }

  /**
   * Where a stream starts: after the notice the client saw last (`Last-Event-ID`), when it is one of the person's
   * own; else after everything the inbox holds now (a new stream sends only what comes).
   */
  async resumeFrom(userId: string, lastEventId: string | null): Promise<string> {
    if (lastEventId !== null) {
      const [seen] = await this.db.query<{ inbox_seq: string }>(
        `SELECT inbox_seq::text AS inbox_seq FROM notices WHERE user_id = $1 AND id = $2`,
        [userId, lastEventId],
      );
      if (seen) return seen.inbox_seq;
    }
    const [top] = await this.db.query<{ inbox_seq: string }>(
      `SELECT coalesce(max(inbox_seq), 0)::text AS inbox_seq FROM notices WHERE user_id = $1`,
      [userId],
    );
    return top!.inbox_seq;
  }

  /** The person's notices delivered after position `afterSeq`, in the order they were delivered. */
  async since(userId: string, afterSeq: string, limit = STREAM_BATCH): Promise<DeliveredNotice[]> {
    const rows = await this.db.query<NoticeRow>(
      `SELECT ${COLUMNS} FROM notices n JOIN cases c ON c.id = n.case_id
        WHERE n.user_id = $1 AND n.inbox_seq > $2::bigint ORDER BY n.inbox_seq LIMIT $3`,
      [userId, afterSeq, limit],
    );
    return rows.map((r) => ({ ...this.viewOf(r), inboxSeq: r.inbox_seq }));
  }

  private viewOf(row: NoticeRow): NoticeView {
    return {
      id: row.id,
      topic: row.topic,
      caseId: row.case_id,
      caseReference: row.reference,
      referralId: row.referral_id,
      detail: row.detail_enc === null ? null : this.cipher.decrypt(row.detail_enc),
      seq: row.seq,
      createdAt: row.created_at.toISOString(),
      readAt: row.read_at?.toISOString() ?? null,
    };
  }
}
