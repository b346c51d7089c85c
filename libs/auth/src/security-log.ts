import type { Clock } from '#clock';
import { listableUnitCodes } from '#directory';
import { cursorShape, uuidv7, type Cursors, type Database, type Page } from '#persistence';
import { type Principal } from '#domain';

/** What happened: `api_key.created`, `api_key.revoked`, `api_key.rotated`; later sign-ins, role changes… */
export type SecurityAction = 'api_key.created' | 'api_key.revoked' | 'api_key.rotated';

/** Where a request came from: `request.ip` (which honours CONCORD_TRUST_PROXY) and its User-Agent. */
export interface ClientOrigin {
  address: string | null;
  userAgent: string | null;
}

/** Who acted: a key's principal, or Concord itself (the bootstrap admin key). */
export type SecurityActor = Pick<Principal, 'id' | 'role' | 'name'> | { id: null; role: 'system'; name: string };

export interface SecurityEntry {
  action: SecurityAction;
  subject: { type: string; id: string };
  /** The unit of what the entry is about, so scoped readers see their subtree's entries; null = deployment-wide. */
  unitCode: string | null;
  /** Facts about the change; never a secret, a hash or PII. */
  detail?: Record<string, unknown>;
}

export interface SecurityLogItem {
  id: string;
  at: string;
  actor: { id: string | null; role: string; name: string };
  action: string;
  subject: { type: string; id: string };
  unitCode: string | null;
  detail: Record<string, unknown>;
  clientAddress: string | null;
  userAgent: string | null;
}

export interface SecurityLogFilter {
  action?: string;
  actorId?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
}

interface Row {
  id: string;
  at: Date;
  actor_id: string | null;
  actor_role: string;
  actor_name: string;
  action: string;
  subject_type: string;
  subject_id: string;
  unit_code: string | null;
  detail: Record<string, unknown>;
  client_address: string | null;
  user_agent: string | null;
}

const USER_AGENT_MAX = 400;

/** The page cursor: the (at, id) of the last entry shown. */
const CURSOR = cursorShape.tuple(cursorShape.text, cursorShape.uuid);

/**
 * The security log: who changed what about access, from where, when. Append-only (a trigger refuses UPDATE and
 * DELETE). `record` writes in the caller's transaction, so an entry exists exactly when its change committed.
 */
export class SecurityLog {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly cursors: Cursors,
  ) {}

  async record(actor: SecurityActor, entry: SecurityEntry, origin: ClientOrigin | null): Promise<void> {
    const now = this.clock.now();
    await this.db.query(
      `INSERT INTO security_log (id, at, actor_id, actor_role, actor_name, action, subject_type, subject_id, unit_code, detail,
                                 client_address, user_agent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        uuidv7(now.getTime()),
        now,
        actor.id,
        actor.role,
        actor.name,
        entry.action,
        entry.subject.type,
        entry.subject.id,
        entry.unitCode,
        JSON.stringify(entry.detail ?? {}),
        origin?.address ?? null,
        origin?.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
      ],
    );
  }

  /** Newest first. A unit-scoped reader sees the entries whose unit lies in its subtree. */
  async list(filter: SecurityLogFilter, reader: Principal): Promise<Page<SecurityLogItem>> {
    const units = await listableUnitCodes(this.db, undefined, reader.scope);
    const cursor = this.cursors.decode('security-log', filter.cursor, CURSOR);
    const after = cursor ? { at: new Date(cursor[0]), id: cursor[1] } : null;
    const rows = await this.db.query<Row>(
      `SELECT * FROM security_log
        WHERE ($1::text[] IS NULL OR unit_code = ANY($1))
          AND ($2::text IS NULL OR action = $2) AND ($3::uuid IS NULL OR actor_id = $3)
          AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5)
          AND ($6::timestamptz IS NULL OR (at, id) < ($6, $7::uuid))
        ORDER BY at DESC, id DESC LIMIT $8`,
      [
        units,
        filter.action ?? null,
        filter.actorId ?? null,
        filter.from ?? null,
        filter.to ?? null,
        after?.at ?? null,
        after?.id ?? null,
        filter.limit + 1,
      ],
    );
    const items = rows.slice(0, filter.limit);
    const last = items.at(-1);
    return {
      items: items.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actor: { id: r.actor_id, role: r.actor_role, name: r.actor_name },
        action: r.action,
        subject: { type: r.subject_type, id: r.subject_id },
        unitCode: r.unit_code,
        detail: r.detail,
        clientAddress: r.client_address,
        userAgent: r.user_agent,
      })),
      nextCursor:
        rows.length > filter.limit && last
          ? this.cursors.encode('security-log', [last.at.toISOString(), last.id])
          : null,
    };
  }
}
