import type { Clock } from '#clock';
import { listableUnitCodes } from '#directory';
import {
  cursorShape,
  SecurityLogEntity,
  uuidv7,
  type Cursors,
  type Database,
  type Page,
  type SecurityLogRepository,
} from '#persistence';
import { type Principal } from '#domain';

/**
 * What happened: `api_key.created`, `api_key.revoked`, `api_key.rotated`; `case.confidential_read`, a read of a
 * confidential case (an accusation, 信访工作条例 art. 30); later sign-ins, role changes…
 */
export type SecurityAction =
  | 'api_key.created'
  | 'api_key.revoked'
  | 'api_key.rotated'
  | 'case.confidential_read'
  /** A department became (or stopped being) the discipline-inspection body, which receives accusations. */
  | 'department.function_set'
  /** Staff accounts: made, changed, disabled or enabled, their roles changed, a password reset or changed. */
  | 'user.created'
  | 'user.updated'
  | 'user.roles_changed'
  | 'user.disabled'
  | 'user.enabled'
  | 'user.password_reset'
  | 'user.password_changed'
  /** Sign-in: a session begun, a failed attempt (whatever the reason), an attempt while locked, a sign-out. */
  | 'session.signed_in'
  | 'session.sign_in_failed'
  | 'session.signed_out'
  /** A unit was renamed or retired (PATCH /units/:code). */
  | 'unit.updated'
  /** A department was renamed, its responsibility list or webhook changed, or its secret rotated. */
  | 'department.updated';

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
    private readonly log: SecurityLogRepository,
    private readonly clock: Clock,
    private readonly cursors: Cursors,
  ) {}

  async record(actor: SecurityActor, entry: SecurityEntry, origin: ClientOrigin | null): Promise<void> {
    const now = this.clock.now();
    await this.log.append(
      Object.assign(new SecurityLogEntity(), {
        id: uuidv7(now.getTime()),
        at: now,
        actorId: actor.id,
        actorRole: actor.role,
        actorName: actor.name,
        action: entry.action,
        subjectType: entry.subject.type,
        subjectId: entry.subject.id,
        unitCode: entry.unitCode,
        detail: entry.detail ?? {},
        clientAddress: origin?.address ?? null,
        userAgent: origin?.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
      }),
    );
  }

  /**
   * Records a read of each confidential case among `caseIds` (the others need no record): one entry per case,
   * under the case's unit so that the auditors of that unit see it, with the route that read it. Called after the
   * read succeeded and before the answer goes out.
   */
  async recordCaseReads(
    actor: Pick<Principal, 'id' | 'role' | 'name'>,
    caseIds: string[],
    read: string,
    origin: ClientOrigin | null,
  ): Promise<void> {
    if (caseIds.length === 0) return;
    const now = this.clock.now();
    await this.db.query(
      `INSERT INTO security_log (id, at, actor_id, actor_role, actor_name, action, subject_type, subject_id, unit_code,
                                 detail, client_address, user_agent)
       SELECT ids.id, $3, $4, $5, $6, 'case.confidential_read', 'case', c.id::text, c.unit_code,
              jsonb_build_object('read', $7::text), $8, $9
         FROM unnest($1::uuid[], $2::uuid[]) AS ids(id, case_id) JOIN cases c ON c.id = ids.case_id
        WHERE c.confidential`,
      [
        caseIds.map(() => uuidv7(now.getTime())),
        caseIds,
        now,
        actor.id,
        actor.role,
        actor.name,
        read,
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
    const rows = await this.log.list({
      unitCodes: units,
      action: filter.action ?? null,
      actorId: filter.actorId ?? null,
      from: filter.from ?? null,
      to: filter.to ?? null,
      after,
      limit: filter.limit + 1,
    });
    const items = rows.slice(0, filter.limit);
    const last = items.at(-1);
    return {
      items: items.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actor: { id: r.actorId, role: r.actorRole, name: r.actorName },
        action: r.action,
        subject: { type: r.subjectType, id: r.subjectId },
        unitCode: r.unitCode,
        detail: r.detail as Record<string, unknown>,
        clientAddress: r.clientAddress,
        userAgent: r.userAgent,
      })),
      nextCursor:
        rows.length > filter.limit && last
          ? this.cursors.encode('security-log', [last.at.toISOString(), last.id])
          : null,
    };
  }
}
