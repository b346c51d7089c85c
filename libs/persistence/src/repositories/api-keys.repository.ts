import type { Database } from '../database.js';
import { ApiKeyUsageEntity } from '../entities/api-key-usage.entity.js';
import { ApiKeyEntity } from '../entities/api-key.entity.js';
import { UnitEntity } from '../entities/unit.entity.js';

/** A key as admins list it, with when it was last used. */
export interface ApiKeyListRow {
  id: string;
  name: string;
  role: string;
  unitCode: string | null;
  departmentCode: string | null;
  keyPrefix: string;
  createdAt: Date;
  createdBy: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** A valid key as authentication needs it: who it is, its unit's path (its scope), its expiry and last use. */
export interface ActiveKeyRow {
  id: string;
  name: string;
  role: string;
  unit_code: string | null;
  department_code: string | null;
  path: string | null;
  expires_at: Date | null;
  last_used_at: Date | null;
}

const LIST_COLUMNS = {
  id: 'k.id',
  name: 'k.name',
  role: 'k.role',
  unitCode: 'k.unit_code',
  departmentCode: 'k.department_code',
  keyPrefix: 'k.key_prefix',
  createdAt: 'k.created_at',
  createdBy: 'k.created_by',
  expiresAt: 'k.expires_at',
  revokedAt: 'k.revoked_at',
};

/** API keys and their usage. */
export class ApiKeysRepository {
  constructor(private readonly db: Database) {}

  async insert(key: ApiKeyEntity): Promise<void> {
    await this.db.orm((m) => m.createQueryBuilder().insert().into(ApiKeyEntity).values(key).execute());
  }

  /** Inserts the key unless one has its hash; whether it did. */
  async insertIfAbsent(key: ApiKeyEntity): Promise<boolean> {
    const result = await this.db.orm((m) =>
      m.createQueryBuilder().insert().into(ApiKeyEntity).values(key).orIgnore().returning('id').execute(),
    );
    return (result.raw as unknown[]).length > 0;
  }

  /** A page, newest first, before `before` (an id), of the keys that pass every given filter. */
  list(filter: {
    unitCodes: string[] | null;
    role: string | null;
    departmentCode: string | null;
    revoked: boolean | null;
    before: string | null;
    limit: number;
  }): Promise<ApiKeyListRow[]> {
    return this.db.orm((m) => {
      const q = m.createQueryBuilder(ApiKeyEntity, 'k').leftJoin(ApiKeyUsageEntity, 'u', 'u.keyId = k.id').select([]);
      for (const [alias, column] of Object.entries(LIST_COLUMNS)) q.addSelect(column, alias);
      q.addSelect('u.last_used_at', 'lastUsedAt');
      if (filter.unitCodes !== null) q.andWhere('k.unitCode = ANY(:unitCodes)', { unitCodes: filter.unitCodes });
      if (filter.role !== null) q.andWhere('k.role = :role', { role: filter.role });
      if (filter.departmentCode !== null)
        q.andWhere('k.departmentCode = :departmentCode', { departmentCode: filter.departmentCode });
      if (filter.revoked !== null) q.andWhere(`k.revokedAt IS ${filter.revoked ? 'NOT ' : ''}NULL`);
      if (filter.before !== null) q.andWhere('k.id < :before', { before: filter.before });
      return q.orderBy('k.id', 'DESC').limit(filter.limit).getRawMany<ApiKeyListRow>();
    });
  }

  /** The key, locked until the transaction ends (its usage left out), with its unit's path. */
  async lock(id: string): Promise<(ApiKeyListRow & { path: string | null }) | null> {
    const row = await this.db.orm((m) => {
      const q = m.createQueryBuilder(ApiKeyEntity, 'k').leftJoin(UnitEntity, 'u', 'u.code = k.unitCode').select([]);
      for (const [alias, column] of Object.entries(LIST_COLUMNS)) q.addSelect(column, alias);
      return q
        .addSelect('NULL::timestamptz', 'lastUsedAt')
        .addSelect('u.path', 'path')
        .where('k.id = :id', { id })
        .setLock('pessimistic_write', undefined, ['k'])
        .getRawOne<ApiKeyListRow & { path: string | null }>();
    });
    return row ?? null;
  }

  async setRevokedAt(id: string, revokedAt: Date): Promise<void> {
    await this.db.orm((m) => m.update(ApiKeyEntity, { id }, { revokedAt }));
  }

  async setExpiresAt(id: string, expiresAt: Date | null): Promise<void> {
    await this.db.orm((m) => m.update(ApiKeyEntity, { id }, { expiresAt }));
  }

  /** Tells every listener on `channel` that the key changed, when the transaction commits. */
  async notifyChanged(channel: string, id: string): Promise<void> {
    await this.db.query('SELECT pg_notify($1, $2)', [channel, id]);
  }

  /**
   * The key with this hash, unless revoked or expired at `now`. Every request that is not in the cache
   * authenticates with it: one hand-tuned statement, not a built one.
   */
  async findActive(keyHash: string, now: Date): Promise<ActiveKeyRow | null> {
    const [row] = await this.db.query<ActiveKeyRow>(
      `SELECT k.id, k.name, k.role, k.unit_code, k.department_code, u.path, k.expires_at, g.last_used_at
         FROM api_keys k LEFT JOIN units u ON u.code = k.unit_code LEFT JOIN api_key_usage g ON g.key_id = k.id
        WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $2)`,
      [keyHash, now],
    );
    return row ?? null;
  }

  /** Records the key's use at `at`, unless a use less than `everyMs` before it is already recorded. */
  async recordUse(keyId: string, at: Date, everyMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO api_key_usage (key_id, last_used_at) VALUES ($1, $2)
       ON CONFLICT ON CONSTRAINT api_key_usage_pkey DO UPDATE SET last_used_at = EXCLUDED.last_used_at
       WHERE api_key_usage.last_used_at <= EXCLUDED.last_used_at - make_interval(secs => $3)`,
      [keyId, at, everyMs / 1000],
    );
  }
}
