import type { Database } from '../database.js';
import { UnitEntity } from '../entities/unit.entity.js';

/** The unit hierarchy. */
export class UnitsRepository {
  constructor(private readonly db: Database) {}

  find(code: string): Promise<UnitEntity | null> {
    return this.db.orm((m) => m.findOneBy(UnitEntity, { code }));
  }

  /**
   * The unit, row-locked for the rest of the transaction: `update` before changing it (retiring waits for the cases
   * and child units being added under it, and they for it), `key share` before adding a case or a child unit under
   * it (what its foreign key takes anyway, taken before its `retired_at` is read).
   */
  findLocked(code: string, mode: 'update' | 'key share'): Promise<UnitEntity | null> {
    return this.db.orm((m) =>
      m
        .createQueryBuilder(UnitEntity, 'u')
        .where('u.code = :code', { code })
        .setLock(mode === 'update' ? 'pessimistic_write' : 'for_key_share')
        .getOne(),
    );
  }

  /** What stands in the way of retiring the unit: its cases not closed, and its child units not retired. */
  async retirementBlockers(code: string): Promise<{ openCases: number; activeChildUnits: number }> {
    const [row] = await this.db.query<{ open_cases: string; active_children: string }>(
      `SELECT (SELECT count(*) FROM cases WHERE unit_code = $1 AND state <> 'archive.closed') AS open_cases,
              (SELECT count(*) FROM units WHERE parent_code = $1 AND retired_at IS NULL) AS active_children`,
      [code],
    );
    return { openCases: Number(row!.open_cases), activeChildUnits: Number(row!.active_children) };
  }

  /** Sets the unit's name and retirement as given (a field left undefined is kept). */
  async update(code: string, change: { name?: string; retiredAt?: Date }): Promise<void> {
    const set: Partial<UnitEntity> = {};
    if (change.name !== undefined) set.name = change.name;
    if (change.retiredAt !== undefined) set.retiredAt = change.retiredAt;
    await this.db.orm((m) => m.update(UnitEntity, { code }, set));
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
