import type { Database } from '../database.js';
import { DeadlinePolicyEntity } from '../entities/deadline-policy.entity.js';
import { UnitEntity } from '../entities/unit.entity.js';
import { hydrate } from './hydrate.js';

/** Admins' deadline policies, one per (key, category, unit). */
export class PoliciesRepository {
  constructor(private readonly db: Database) {}

  /**
   * The policies for every unit, for the units above `scope` and within it (all of them without a scope), by key,
   * then unit and category with the unscoped first.
   */
  listBearingOn(scope: string | null): Promise<DeadlinePolicyEntity[]> {
    return this.db.orm((m) => {
      const q = m.createQueryBuilder(DeadlinePolicyEntity, 'p').leftJoin(UnitEntity, 'u', 'u.code = p.unitCode');
      if (scope !== null)
        q.where('(p.unitCode IS NULL OR starts_with(u.path, :scope) OR starts_with(:scope, u.path))', { scope });
      return q
        .orderBy('p.key', 'ASC')
        .addOrderBy('p.unitCode', 'ASC', 'NULLS FIRST')
        .addOrderBy('p.category', 'ASC', 'NULLS FIRST')
        .getMany();
    });
  }

  /** Sets the policy of its (key, category, unit), replacing the one there was; the policy as stored. */
  async upsert(policy: DeadlinePolicyEntity): Promise<DeadlinePolicyEntity> {
    return this.db.orm(async (m) => {
      const result = await m
        .createQueryBuilder()
        .insert()
        .into(DeadlinePolicyEntity)
        .values(policy)
        .orUpdate(['amount', 'unit', 'created_by', 'created_at'], 'deadline_policies_scope_key')
        .returning('*')
        .execute();
      return hydrate(m, DeadlinePolicyEntity, (result.raw as Record<string, unknown>[])[0]!);
    });
  }

  /** Whether the policy exists, and the path of its unit (null for a policy of every unit). */
  async findScope(id: string): Promise<{ path: string | null } | null> {
    const row = await this.db.orm((m) =>
      m
        .createQueryBuilder(DeadlinePolicyEntity, 'p')
        .leftJoin(UnitEntity, 'u', 'u.code = p.unitCode')
        .select('u.path', 'path')
        .where('p.id = :id', { id })
        .getRawOne<{ path: string | null }>(),
    );
    return row ?? null;
  }

  async delete(id: string): Promise<void> {
    await this.db.orm((m) => m.delete(DeadlinePolicyEntity, { id }));
  }
}
