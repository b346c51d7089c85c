import type { Clock } from '#clock';
import type { Database } from '#persistence';

/** Rows counted at most: past this the backlog is reported as this many (the count stays an index-only scan). */
export const BACKLOG_CAP = 100_000;

export interface OutboxBacklog {
  /** Rows committed and not yet moved to BullMQ. */
  unrelayed: number;
  /** Rows moved to BullMQ whose job has not yet done its work. */
  unprocessed: number;
  /** Age (by Concord's clock) of the oldest unrelayed row, 0 with none. */
  oldestUnrelayedSeconds: number;
}

/** Reads the outbox's backlog through its two partial indexes: cheap however large the table. */
export async function outboxBacklog(db: Database, clock: Clock): Promise<OutboxBacklog> {
  const [row] = await db.query<{ unrelayed: number; unprocessed: number; oldest: Date | null }>(
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM outbox WHERE relayed_at IS NULL LIMIT $1) u)::int AS unrelayed,
            (SELECT count(*) FROM (SELECT 1 FROM outbox WHERE relayed_at IS NOT NULL AND processed_at IS NULL LIMIT $1) p)::int
              AS unprocessed,
            (SELECT created_at FROM outbox WHERE relayed_at IS NULL ORDER BY id LIMIT 1) AS oldest`,
    [BACKLOG_CAP],
  );
  const oldest = row?.oldest ? (clock.now().getTime() - row.oldest.getTime()) / 1000 : 0;
  return {
    unrelayed: row?.unrelayed ?? 0,
    unprocessed: row?.unprocessed ?? 0,
    oldestUnrelayedSeconds: Math.max(0, oldest),
  };
}
