import { createHash } from 'node:crypto';
import type { Clock } from '#clock';
import { cursorShape, toPage, type Cursors, type Database, type Page } from '#persistence';

/**
 * Daily anchors: a hash over every case's chain head at the end of a China-time day, chained day to day.
 *
 * For day D (`YYYY-MM-DD`, China time, UTC+8, no DST), the heads are, for every case with an event before
 * 00:00 China time of D + 1 (for Concord's millisecond times: `at ≤ D 23:59:59.999+08:00`), the event with
 * the greatest `seq` among those events and that event's stored `hash`. One line per case,
 *
 *     <case_id> <seq> <hash>\n
 *
 * (case id lowercase and hyphenated as PostgreSQL prints a uuid, seq in decimal, hash in lowercase hex; one
 * space between fields, a line feed after each line, the last included), lines sorted by case id ascending
 * (byte order, the order of PostgreSQL's `ORDER BY case_id`). Then
 *
 *     digest = hex(sha256(UTF-8 bytes of all lines concatenated))
 *     anchor = hex(sha256(ASCII bytes of prev_anchor followed by digest))   prev_anchor of the first day = 64 zeros
 *
 * `cases` is the number of lines and `events` the sum of their seqs (the events the heads commit to). An
 * auditor recomputes a day with one SQL statement (see the README, "Verification").
 *
 * Why: a rewrite that re-chains every later hash and moves `head_hash` passes chain verification, but the
 * heads it leaves no longer hash to the anchors already taken (and published).
 */
export const ANCHOR_GENESIS = '0'.repeat(64);

/** Anchors are taken only of a day that ended at least this long ago, so a transaction that read its time
 * just before midnight and committed just after is in the day it belongs to. */
export const ANCHOR_SETTLE_MS = 5 * 60_000;

const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `value` is a calendar day `YYYY-MM-DD` (not merely shaped like one). */
export function isDay(value: string): boolean {
  return (
    DAY.test(value) &&
    !Number.isNaN(Date.parse(`${value}T00:00:00.000Z`)) &&
    new Date(`${value}T00:00:00.000Z`).toISOString().startsWith(value)
  );
}

/** The China-time day of an instant. */
export function chinaDay(instant: Date): string {
  return new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** 00:00 China time of `day`. */
export function chinaDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - CHINA_OFFSET_MS);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export interface ChainHead {
  caseId: string;
  seq: number;
  hash: string;
}

/** The digest of a day's heads, which must be sorted by case id. */
export function anchorDigest(heads: Iterable<ChainHead>): string {
  const hash = createHash('sha256');
  for (const h of heads) hash.update(`${h.caseId} ${h.seq} ${h.hash}\n`);
  return hash.digest('hex');
}

export function anchorHash(prevAnchor: string, digest: string): string {
  return createHash('sha256').update(prevAnchor).update(digest).digest('hex');
}

export interface AnchorRecord {
  day: string;
  cases: number;
  events: number;
  digest: string;
  prevAnchor: string;
  anchor: string;
  createdAt: string;
}

export interface AnchorReport {
  valid: boolean;
  /** Stored anchors recomputed and found to match. */
  checked: number;
  /** The first day whose anchor does not match the events (or the previous anchor). */
  brokenDay?: string;
  reason?: string;
}

interface AnchorRow {
  day: string;
  cases: number;
  events: string;
  digest: string;
  prev_anchor: string;
  anchor: string;
  created_at: Date;
}

const ANCHOR_COLUMNS = `day::text AS day, cases, events, digest, prev_anchor, anchor, created_at`;

const toRecord = (r: AnchorRow): AnchorRecord => ({
  day: r.day,
  cases: r.cases,
  events: Number(r.events),
  digest: r.digest,
  prevAnchor: r.prev_anchor,
  anchor: r.anchor,
  createdAt: r.created_at.toISOString(),
});

/**
 * The chain heads as of the end of a day, carried forward one day at a time: the heads at the end of D are
 * those at the end of D - 1, moved on by D's own events. So a run over many days reads each event once (one
 * query per day, by the `at` index), instead of every earlier event again for each day.
 */
class HeadBook {
  private readonly heads = new Map<string, { seq: number; hash: string }>();
  private ids: string[] = [];
  private sorted = true;

  /** Heads as of just before `day` (normally none: anchoring starts at the first event's day). */
  static async before(db: Database, day: string): Promise<HeadBook> {
    const book = new HeadBook();
    book.add(
      await db.query(
        `SELECT DISTINCT ON (case_id) case_id, seq, hash FROM case_events WHERE at < $1 ORDER BY case_id, seq DESC`,
        [chinaDayStart(day)],
      ),
    );
    return book;
  }

  async advance(db: Database, day: string): Promise<void> {
    this.add(
      await db.query(
        `SELECT DISTINCT ON (case_id) case_id, seq, hash FROM case_events WHERE at >= $1 AND at < $2 ORDER BY case_id, seq DESC`,
        [chinaDayStart(day), chinaDayStart(addDays(day, 1))],
      ),
    );
  }

  summary(): { cases: number; events: number; digest: string } {
    if (!this.sorted) {
      this.ids.sort();
      this.sorted = true;
    }
    let events = 0;
    const heads = this.ids.map((caseId): ChainHead => {
      const head = this.heads.get(caseId)!;
      events += head.seq;
      return { caseId, ...head };
    });
    return { cases: heads.length, events, digest: anchorDigest(heads) };
  }

  private add(rows: Array<Record<string, unknown>>): void {
    for (const row of rows as Array<{ case_id: string; seq: number; hash: string }>) {
      const known = this.heads.get(row.case_id);
      if (!known) {
        this.ids.push(row.case_id);
        this.sorted = false;
      }
      if (!known || row.seq > known.seq) this.heads.set(row.case_id, { seq: row.seq, hash: row.hash });
    }
  }
}

/** Takes, verifies and lists the daily anchors (`audit_anchors`). */
export class Anchors {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settleMs = ANCHOR_SETTLE_MS,
  ) {}

  /** The latest day that may be anchored now: finished, and settled for `settleMs`. */
  lastFinishedDay(): string {
    return addDays(chinaDay(new Date(this.clock.now().getTime() - this.settleMs)), -1);
  }

  /**
   * Writes the missing anchors, in day order, from the day after the last one stored (or the first event's
   * day) through `day`, but never a day that has not finished. Idempotent: a day already anchored (by a
   * concurrent run, say) is kept as stored and the chain continues from it. Returns the anchors written.
   */
  async anchorThrough(day: string): Promise<AnchorRecord[]> {
    if (!isDay(day)) throw new Error(`not a day: ${day}`);
    const finished = this.lastFinishedDay();
    const through = day < finished ? day : finished;
    const [latest] = await this.db.query<{ day: string; anchor: string }>(
      `SELECT day::text AS day, anchor FROM audit_anchors ORDER BY day DESC LIMIT 1`,
    );
    let from: string;
    if (latest) from = addDays(latest.day, 1);
    else {
      const [first] = await this.db.query<{ at: Date | null }>(`SELECT min(at) AS at FROM case_events`);
      if (!first?.at) return [];
      from = chinaDay(first.at);
    }
    if (from > through) return [];

    const book = await HeadBook.before(this.db, from);
    let prev = latest?.anchor ?? ANCHOR_GENESIS;
    const written: AnchorRecord[] = [];
    for (let d = from; d <= through; d = addDays(d, 1)) {
      await book.advance(this.db, d);
      const { cases, events, digest } = book.summary();
      const anchor = anchorHash(prev, digest);
      const [inserted] = await this.db.query<AnchorRow>(
        `INSERT INTO audit_anchors (day, cases, events, digest, prev_anchor, anchor, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (day) DO NOTHING RETURNING ${ANCHOR_COLUMNS}`,
        [d, cases, events, digest, prev, anchor, this.clock.now()],
      );
      if (inserted) {
        written.push(toRecord(inserted));
        prev = anchor;
      } else {
        const [stored] = await this.db.query<{ anchor: string }>(`SELECT anchor FROM audit_anchors WHERE day = $1`, [
          d,
        ]);
        prev = stored!.anchor;
      }
    }
    return written;
  }

  /**
   * Recomputes every stored anchor from `case_events`, oldest first: each day must follow the previous one,
   * name its anchor as `prev_anchor` (64 zeros for the first), and carry the digest, counts and anchor of the
   * events as they stand now. Stops at the first day that does not.
   */
  async verifyAnchors(): Promise<AnchorReport> {
    const stored = await this.db.query<AnchorRow>(`SELECT ${ANCHOR_COLUMNS} FROM audit_anchors ORDER BY day`);
    if (stored.length === 0) return { valid: true, checked: 0 };
    let checked = 0;
    const broken = (day: string, reason: string): AnchorReport => ({ valid: false, checked, brokenDay: day, reason });
    const book = await HeadBook.before(this.db, stored[0]!.day);
    let prevAnchor = ANCHOR_GENESIS;
    let expectedDay = stored[0]!.day;
    for (const row of stored) {
      if (row.day !== expectedDay) return broken(expectedDay, `the anchor of ${expectedDay} is missing`);
      if (row.prev_anchor !== prevAnchor) return broken(row.day, 'prev_anchor is not the previous day’s anchor');
      if (row.anchor !== anchorHash(row.prev_anchor, row.digest))
        return broken(row.day, 'anchor is not sha256(prev_anchor ‖ digest)');
      await book.advance(this.db, row.day);
      const now = book.summary();
      if (now.digest !== row.digest) {
        return broken(
          row.day,
          `the chain heads at the end of the day no longer match its digest (${now.cases} cases, ${now.events} events now; ${row.cases} and ${Number(row.events)} anchored)`,
        );
      }
      if (now.cases !== row.cases || now.events !== Number(row.events))
        return broken(row.day, 'the counts do not match the digest');
      prevAnchor = row.anchor;
      expectedDay = addDays(row.day, 1);
      checked++;
    }
    return { valid: true, checked };
  }

  /** Stored anchors, newest first. */
  async list(page: { cursor?: string; limit: number }, cursors: Cursors): Promise<Page<AnchorRecord>> {
    const before = cursors.decode('audit-anchors', page.cursor, cursorShape.text);
    const rows = await this.db.query<AnchorRow>(
      `SELECT ${ANCHOR_COLUMNS} FROM audit_anchors WHERE ($1::date IS NULL OR day < $1::date) ORDER BY day DESC LIMIT $2`,
      [before, page.limit + 1],
    );
    return toPage(rows, page.limit, toRecord, (last) => cursors.encode('audit-anchors', last.day));
  }
}
