import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '#clock';
import { DomainError, ErrorCode, type Principal, type Role } from '#domain';
import { listableUnitCodes } from '#directory';
import {
  ApiKeyEntity,
  cursorShape,
  uuidv7,
  type ApiKeyListRow,
  type ApiKeysRepository,
  type Cursors,
  type Database,
  type DepartmentsRepository,
  type Page,
  type UnitsRepository,
} from '#persistence';
import { KEY_CACHE_MS, type KeyCache } from './key-cache.js';
import { API_KEYS_CHANNEL } from './key-revocations.js';
import type { ClientOrigin, SecurityActor, SecurityLog } from './security-log.js';

export interface NewApiKey {
  role: Role;
  name: string;
  unitCode?: string | null;
  departmentCode?: string | null;
  /** An instant with an offset, in the future and at most 5 years ahead; omitted = never expires. */
  expiresAt?: string | null;
}

/** A key as admins list it: never the secret or its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  unitCode: string | null;
  departmentCode: string | null;
  /** The first characters of the key (`ck_<role>_…`), to tell keys apart. */
  keyPrefix: string;
  createdAt: string;
  createdBy: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ApiKeyFilter {
  role?: Role;
  departmentCode?: string;
  /** Keys of this unit's subtree. */
  unitCode?: string;
  revoked?: boolean;
  cursor?: string;
  limit: number;
}

/** A key just made: the only time its secret is shown. */
export interface CreatedApiKey {
  id: string;
  key: string;
  role: Role;
  name: string;
  unitCode: string | null;
  departmentCode: string | null;
  expiresAt: string | null;
}

/** `lastUsedAt` is written at most this often per key. */
const USAGE_EVERY_MS = 60_000;
/** The furthest ahead a key may expire. */
const MAX_LIFETIME_YEARS = 5;

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const toView = (r: ApiKeyListRow): ApiKeyView => ({
  id: r.id,
  name: r.name,
  role: r.role as Role,
  unitCode: r.unitCode,
  departmentCode: r.departmentCode,
  keyPrefix: r.keyPrefix,
  createdAt: r.createdAt.toISOString(),
  createdBy: r.createdBy,
  expiresAt: iso(r.expiresAt),
  lastUsedAt: iso(r.lastUsedAt),
  revokedAt: iso(r.revokedAt),
});

/**
 * API keys: `ck_<role>_<43 random characters>`. Only their SHA-256 is stored, so a database leak does not
 * leak keys; the key is shown once, when created (or rotated).
 *
 * An admin administers the keys of its subtree: an admin scoped to a unit creates, lists, rotates and revokes
 * only keys whose unit lies within that unit's subtree (never an unscoped key); another key is "not found".
 * Every creation, revocation and rotation is written to the security log in the same transaction.
 */
export class ApiKeysService {
  constructor(
    private readonly db: Database,
    private readonly keys: ApiKeysRepository,
    private readonly units: UnitsRepository,
    private readonly departments: DepartmentsRepository,
    private readonly clock: Clock,
    private readonly cache: KeyCache,
    private readonly securityLog: SecurityLog,
    private readonly cursors: Cursors,
  ) {}

  async create(request: NewApiKey, creator: Principal, origin: ClientOrigin | null): Promise<CreatedApiKey> {
    const unitCode = request.unitCode ?? null;
    const departmentCode = request.departmentCode ?? null;
    if ((request.role === 'department') !== (departmentCode !== null)) {
      throw DomainError.validation([
        {
          field: 'departmentCode',
          message: request.role === 'department' ? 'is required for a department key' : 'is only for department keys',
        },
      ]);
    }
    const expiresAt = request.expiresAt ? this.checkedExpiry(request.expiresAt) : null;
    return this.db.transaction(async () => {
      if (unitCode !== null) {
        const unit = await this.units.find(unitCode);
        if (!unit) throw DomainError.validation([{ field: 'unitCode', message: `unit ${unitCode} does not exist` }]);
        if (creator.scope !== null && !unit.path.startsWith(creator.scope)) {
          throw DomainError.forbidden(
            `Unit ${unitCode} is outside your scope: an admin scoped to a unit creates keys within that unit only.`,
          );
        }
      } else if (creator.scope !== null) {
        throw DomainError.forbidden(
          'An admin scoped to a unit creates keys within that unit only: give a unitCode of your subtree.',
        );
      }
      if (departmentCode !== null) {
        if (!(await this.departments.exists(departmentCode)))
          throw DomainError.validation([
            { field: 'departmentCode', message: `department ${departmentCode} does not exist` },
          ]);
      }
      const created = await this.insert(
        { role: request.role, name: request.name, unitCode, departmentCode, expiresAt },
        creator.id,
      );
      await this.securityLog.record(
        creator,
        {
          action: 'api_key.created',
          subject: { type: 'api_key', id: created.id },
          unitCode,
          detail: { role: created.role, unitCode, departmentCode, expiresAt: created.expiresAt },
        },
        origin,
      );
      return created;
    });
  }

  /** Makes `key` a global admin key if it is not already known (CONCORD_ADMIN_KEY). A revoked one stays revoked. */
  async bootstrapAdmin(key: string): Promise<void> {
    await this.db.transaction(async () => {
      const now = this.clock.now();
      const row = Object.assign(new ApiKeyEntity(), {
        id: uuidv7(now.getTime()),
        name: 'bootstrap admin (CONCORD_ADMIN_KEY)',
        role: 'admin',
        unitCode: null,
        departmentCode: null,
        keyHash: hashKey(key),
        keyPrefix: key.slice(0, 12),
        createdBy: null,
        createdAt: now,
        revokedAt: null,
        expiresAt: null,
      });
      if (!(await this.keys.insertIfAbsent(row))) return;
      const actor: SecurityActor = { id: null, role: 'system', name: 'CONCORD_ADMIN_KEY' };
      await this.securityLog.record(
        actor,
        {
          action: 'api_key.created',
          subject: { type: 'api_key', id: row.id },
          unitCode: null,
          detail: { role: 'admin', unitCode: null, departmentCode: null, expiresAt: null, bootstrap: true },
        },
        null,
      );
    });
  }

  /** The keys of the admin's subtree, newest first. */
  async list(filter: ApiKeyFilter, admin: Principal): Promise<Page<ApiKeyView>> {
    const units = await listableUnitCodes(this.db, filter.unitCode, admin.scope);
    const rows = await this.keys.list({
      unitCodes: units,
      role: filter.role ?? null,
      departmentCode: filter.departmentCode ?? null,
      revoked: filter.revoked ?? null,
      // The page cursor: the id of the last key shown (ids are UUIDv7, newest last).
      before: this.cursors.decode('api-keys', filter.cursor, cursorShape.uuid),
      limit: filter.limit + 1,
    });
    const items = rows.slice(0, filter.limit).map(toView);
    return {
      items,
      nextCursor: rows.length > filter.limit && items.length ? this.cursors.encode('api-keys', items.at(-1)!.id) : null,
    };
  }

  /**
   * Revokes a key of the admin's subtree: refused from the next request on, on every API process (the
   * notification drops their cached entries). Revoking a revoked key changes nothing.
   */
  async revoke(id: string, admin: Principal, origin: ClientOrigin | null): Promise<void> {
    await this.db.transaction(async () => {
      const key = await this.lockInScope(id, admin);
      if (key.revokedAt !== null) return;
      await this.keys.setRevokedAt(id, this.clock.now());
      await this.announce(id);
      await this.securityLog.record(
        admin,
        {
          action: 'api_key.revoked',
          subject: { type: 'api_key', id },
          unitCode: key.unitCode,
          detail: { role: key.role },
        },
        origin,
      );
    });
  }

  /**
   * Replaces a key with a new one of the same role, name, unit, department and expiry, and revokes the old one
   * in the same transaction; with `overlapMinutes`, the old one instead expires that many minutes from now
   * (or at its own expiry, if sooner), so an integration can switch over.
   */
  async rotate(
    id: string,
    overlapMinutes: number,
    admin: Principal,
    origin: ClientOrigin | null,
  ): Promise<CreatedApiKey & { replaced: { id: string; revokedAt: string | null; expiresAt: string | null } }> {
    return this.db.transaction(async () => {
      const old = await this.lockInScope(id, admin);
      const now = this.clock.now();
      if (old.revokedAt !== null)
        throw new DomainError(ErrorCode.Conflict, `API key ${id} is revoked; create a new key instead.`);
      if (old.expiresAt !== null && old.expiresAt.getTime() <= now.getTime()) {
        throw new DomainError(ErrorCode.Conflict, `API key ${id} has expired; create a new key instead.`);
      }
      const created = await this.insert(
        {
          role: old.role as Role,
          name: old.name,
          unitCode: old.unitCode,
          departmentCode: old.departmentCode,
          expiresAt: old.expiresAt,
        },
        admin.id,
      );
      let revokedAt: Date | null = null;
      let expiresAt = old.expiresAt;
      if (overlapMinutes === 0) {
        revokedAt = now;
        await this.keys.setRevokedAt(id, revokedAt);
      } else {
        const end = new Date(now.getTime() + overlapMinutes * 60_000);
        if (expiresAt === null || end < expiresAt) expiresAt = end;
        await this.keys.setExpiresAt(id, expiresAt);
      }
      await this.announce(id);
      const detail = { role: old.role, unitCode: old.unitCode, departmentCode: old.departmentCode };
      await this.securityLog.record(
        admin,
        {
          action: 'api_key.created',
          subject: { type: 'api_key', id: created.id },
          unitCode: old.unitCode,
          detail: { ...detail, expiresAt: created.expiresAt, rotatedFrom: id },
        },
        origin,
      );
      await this.securityLog.record(
        admin,
        {
          action: 'api_key.rotated',
          subject: { type: 'api_key', id },
          unitCode: old.unitCode,
          detail: {
            ...detail,
            replacedBy: created.id,
            overlapMinutes,
            revokedAt: iso(revokedAt),
            expiresAt: iso(expiresAt),
          },
        },
        origin,
      );
      return { ...created, replaced: { id, revokedAt: iso(revokedAt), expiresAt: iso(expiresAt) } };
    });
  }

  /** The key's principal, or null when the key is unknown, revoked or expired (by the injected clock). */
  async authenticate(key: string): Promise<Principal | null> {
    const hash = hashKey(key);
    const now = this.clock.now().getTime();
    const cached = this.cache.get(hash, now);
    if (cached) {
      if (cached.usedAt === null || now - cached.usedAt >= USAGE_EVERY_MS) {
        cached.usedAt = now;
        await this.recordUse(cached.principal.id, now);
      }
      return cached.principal;
    }
    const epoch = this.cache.epoch;
    const row = await this.keys.findActive(hash, new Date(now));
    if (!row) return null;
    const principal: Principal = {
      id: row.id,
      name: row.name,
      role: row.role as Role,
      unitCode: row.unit_code,
      scope: row.path,
      departmentCode: row.department_code,
    };
    let usedAt = row.last_used_at?.getTime() ?? null;
    if (usedAt === null || now - usedAt >= USAGE_EVERY_MS) {
      await this.recordUse(row.id, now);
      usedAt = now;
    }
    // Never trusted past its expiry, whatever the cache's own lifetime.
    const until = Math.min(now + KEY_CACHE_MS, row.expires_at?.getTime() ?? Number.POSITIVE_INFINITY);
    this.cache.set(hash, principal, until, usedAt, epoch);
    return principal;
  }

  /** When the key was last used, at most once a minute whichever process records it. */
  private async recordUse(keyId: string, now: number): Promise<void> {
    await this.keys.recordUse(keyId, new Date(now), USAGE_EVERY_MS);
  }

  private async insert(
    key: { role: Role; name: string; unitCode: string | null; departmentCode: string | null; expiresAt: Date | null },
    createdBy: string,
  ): Promise<CreatedApiKey> {
    const now = this.clock.now();
    const id = uuidv7(now.getTime());
    const secret = `ck_${key.role}_${randomBytes(32).toString('base64url')}`;
    await this.keys.insert(
      Object.assign(new ApiKeyEntity(), {
        id,
        name: key.name,
        role: key.role,
        unitCode: key.unitCode,
        departmentCode: key.departmentCode,
        keyHash: hashKey(secret),
        keyPrefix: secret.slice(0, 12),
        createdBy,
        createdAt: now,
        revokedAt: null,
        expiresAt: key.expiresAt,
      }),
    );
    return {
      id,
      key: secret,
      role: key.role,
      name: key.name,
      unitCode: key.unitCode,
      departmentCode: key.departmentCode,
      expiresAt: iso(key.expiresAt),
    };
  }

  /** The key, locked, when it lies in the admin's subtree; otherwise "not found", like a key that does not exist. */
  private async lockInScope(id: string, admin: Principal): Promise<ApiKeyListRow & { path: string | null }> {
    const key = await this.keys.lock(id);
    if (!key || (admin.scope !== null && (key.path === null || !key.path.startsWith(admin.scope))))
      throw DomainError.notFound(`API key ${id}`);
    return key;
  }

  /**
   * Tells every API process, at commit, to forget the key (the trigger on api_keys says so too; PostgreSQL
   * delivers one of two identical notifications). This process forgets it now.
   */
  private async announce(id: string): Promise<void> {
    await this.keys.notifyChanged(API_KEYS_CHANNEL, id);
    this.cache.drop(id);
  }

  private checkedExpiry(value: string): Date {
    const at = new Date(value);
    const now = this.clock.now();
    const latest = new Date(now);
    latest.setUTCFullYear(latest.getUTCFullYear() + MAX_LIFETIME_YEARS);
    if (Number.isNaN(at.getTime()) || at.getTime() <= now.getTime() || at.getTime() > latest.getTime()) {
      throw DomainError.validation([
        { field: 'expiresAt', message: `must be in the future and at most ${MAX_LIFETIME_YEARS} years ahead` },
      ]);
    }
    return at;
  }
}
