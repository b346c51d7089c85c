import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../clock/src/index.js';
import { DomainError, type Role } from '../../domain/src/index.js';
import { uuidv7, type Database } from '../../persistence/src/index.js';
import type { Principal } from './principal.js';

export interface NewApiKey {
  role: Role;
  name: string;
  unitCode?: string | null;
  departmentCode?: string | null;
}

interface KeyRow {
  id: string;
  name: string;
  role: Role;
  unit_code: string | null;
  department_code: string | null;
  path: string | null;
}

/** How long an authenticated key is trusted without asking PostgreSQL again. */
const CACHE_MS = 10_000;
const CACHE_MAX = 10_000;

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * API keys: `ck_<role>_<43 random characters>`. Only their SHA-256 is stored, so a database leak does not
 * leak keys; the key is shown once, when created.
 */
export class ApiKeysService {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async create(request: NewApiKey, creator: Principal | null): Promise<{ id: string; key: string; principal: Principal }> {
    const unitCode = request.unitCode ?? null;
    const departmentCode = request.departmentCode ?? null;
    if ((request.role === 'department') !== (departmentCode !== null)) {
      throw DomainError.validation([
        { field: 'departmentCode', message: request.role === 'department' ? 'is required for a department key' : 'is only for department keys' },
      ]);
    }
    return this.db.transaction(async (tx) => {
      let path: string | null = null;
      if (unitCode !== null) {
        const [unit] = await tx.query<{ path: string }>('SELECT path FROM units WHERE code = $1', [unitCode]);
        if (!unit) throw DomainError.validation([{ field: 'unitCode', message: `unit ${unitCode} does not exist` }]);
        path = unit.path;
      }
      if (creator && creator.scope !== null && (path === null || !path.startsWith(creator.scope))) {
        throw DomainError.forbidden('An admin scoped to a unit can only create keys within that unit.');
      }
      if (departmentCode !== null) {
        const [dept] = await tx.query('SELECT 1 FROM departments WHERE code = $1', [departmentCode]);
        if (!dept) throw DomainError.validation([{ field: 'departmentCode', message: `department ${departmentCode} does not exist` }]);
      }
      const id = uuidv7(this.clock.now().getTime());
      const key = `ck_${request.role}_${randomBytes(32).toString('base64url')}`;
      await tx.query(
        `INSERT INTO api_keys (id, name, role, unit_code, department_code, key_hash, key_prefix, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [id, request.name, request.role, unitCode, departmentCode, hashKey(key), key.slice(0, 12), creator?.id ?? null, this.clock.now()],
      );
      return { id, key, principal: { id, name: request.name, role: request.role, unitCode, scope: path, departmentCode } };
    });
  }

  /** Makes `key` a global admin key if it is not already known (CONCORD_ADMIN_KEY). */
  async bootstrapAdmin(key: string): Promise<void> {
    await this.db.query(
      `INSERT INTO api_keys (id, name, role, key_hash, key_prefix, created_at)
       VALUES ($1, 'bootstrap admin (CONCORD_ADMIN_KEY)', 'admin', $2, $3, $4)
       ON CONFLICT ON CONSTRAINT api_keys_key_hash_key DO NOTHING`,
      [uuidv7(this.clock.now().getTime()), hashKey(key), key.slice(0, 12), this.clock.now()],
    );
  }

  async authenticate(key: string): Promise<Principal | null> {
    const hash = hashKey(key);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.principal;
    const [row] = await this.db.query<KeyRow>(
      `SELECT k.id, k.name, k.role, k.unit_code, k.department_code, u.path
       FROM api_keys k LEFT JOIN units u ON u.code = k.unit_code
       WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
      [hash],
    );
    if (!row) return null;
    const principal: Principal = {
      id: row.id,
      name: row.name,
      role: row.role,
      unitCode: row.unit_code,
      scope: row.path,
      departmentCode: row.department_code,
    };
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(hash, { principal, until: now + CACHE_MS });
    return principal;
  }
}
