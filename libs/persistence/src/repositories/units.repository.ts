import type { Database } from '../database.js';
import { UnitEntity } from '../entities/unit.entity.js';

/** The unit hierarchy. */
export class UnitsRepository {
  constructor(private readonly db: Database) {}

  find(code: string): Promise<UnitEntity | null> {
    return this.db.orm((m) => m.findOneBy(UnitEntity, { code }));
  }

  /** Inserts the unit unless one has its code; whether it did. */
  async insertIfAbsent(unit: UnitEntity): Promise<boolean> {
    const result = await this.db.orm((m) =>
      m.createQueryBuilder().insert().into(UnitEntity).values(unit).orIgnore().returning('code').execute(),
    );
    return (result.raw as unknown[]).length > 0;
  }

  /** A page in code order, after `after`, of the children of `parentCode` (of every unit without it). */
  list(filter: { parentCode: string | null; after: string | null; limit: number }): Promise<UnitEntity[]> {
    const query = this.db.orm(async (m) => {
      const q = m.createQueryBuilder(UnitEntity, 'u');
      if (filter.parentCode !== null) q.andWhere('u.parentCode = :parentCode', { parentCode: filter.parentCode });
      if (filter.after !== null) q.andWhere('u.code > :after', { after: filter.after });
      return q.orderBy('u.code', 'ASC').limit(filter.limit).getMany();
    });
    return query;
  }

  /**
   * The codes of the units within `scope` (a path) and within the subtree of `unitCode`, either of which may be
   * absent; an unknown unit covers none.
   */
  async codesWithin(scope: string | null, unitCode: string | null): Promise<string[]> {
    const rows = await this.db.orm((m) => {
      const q = m.createQueryBuilder(UnitEntity, 'u').select('u.code', 'code');
      if (scope !== null) q.andWhere('starts_with(u.path, :scope)', { scope });
      if (unitCode !== null)
        q.andWhere('starts_with(u.path, (SELECT s.path FROM units s WHERE s.code = :unitCode))', { unitCode });
      return q.getRawMany<{ code: string }>();
    });
    return rows.map((r) => r.code);
  }
}
