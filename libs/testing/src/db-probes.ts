import { verifyCaseChain, type ChainVerdict, type EventRow } from '#audit';
import type { Database } from '#persistence';

/** Row counts of every table a transition writes, to prove a refused request wrote nothing. */
export async function rowCounts(db: Database): Promise<Record<string, number>> {
  const [row] = await db.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM case_events) AS case_events,
            (SELECT count(*) FROM outbox) AS outbox, (SELECT count(*) FROM parties) AS parties,
            (SELECT count(*) FROM case_links) AS case_links, (SELECT count(*) FROM deadlines) AS deadlines, (SELECT count(*) FROM idempotency_keys) AS idempotency_keys,
            (SELECT count(*) FROM referrals) AS referrals, (SELECT count(*) FROM deliveries) AS deliveries,
            (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM user_sessions) AS user_sessions,
            (SELECT count(*) FROM oidc_logins) AS oidc_logins,
            (SELECT count(*) FROM notices) AS notices,
            (SELECT coalesce(sum(version), 0) FROM cases) AS versions`,
  );
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

/**
 * Tables a request may write whatever its answer: api_key_usage is the bookkeeping of authentication (when a
 * key was last used), not data the request changed.
 */
export const BOOKKEEPING_TABLES: readonly string[] = ['api_key_usage'];

/** Row counts of every table but the bookkeeping ones, by name: a table added later is counted too. */
export async function everyTableCount(db: Database): Promise<Record<string, number>> {
  const tables = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT (c.relname = ANY($1::text[])) ORDER BY 1`,
    [BOOKKEEPING_TABLES],
  );
  const [row] = await db.query<Record<string, string>>(
    `SELECT ${tables.map((t) => `(SELECT count(*) FROM "${t.name}") AS "${t.name}"`).join(', ')}`,
  );
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

export async function verifyChain(db: Database, caseId: string): Promise<ChainVerdict> {
  const rows = await db.query<EventRow>('SELECT * FROM case_events WHERE case_id = $1 ORDER BY seq', [caseId]);
  const [head] = await db.query<{ head_hash: string }>('SELECT head_hash FROM cases WHERE id = $1', [caseId]);
  return verifyCaseChain(rows, head?.head_hash);
}
