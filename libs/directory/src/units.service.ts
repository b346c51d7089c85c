import { DomainError, ErrorCode, type Principal, UNIT_LEVELS, type UnitLevel } from '#domain';
import type { Clock } from '#clock';
import { cursorShape, toPage, UnitEntity, type Cursors, type Database, type UnitsRepository } from '#persistence';

export interface Unit {
  code: string;
  name: string;
  level: UnitLevel;
  parentCode: string | null;
  createdAt: Date;
}

const toUnit = (r: UnitEntity): Unit => ({
  code: r.code,
  name: r.name,
  level: r.level as UnitLevel,
  parentCode: r.parentCode,
  createdAt: r.createdAt,
});

/** The unit hierarchy 区/县 → 街道/乡镇 → 社区/村 → 网格: each unit's parent is exactly one level up. */
export class UnitsService {
  constructor(
    private readonly db: Database,
    private readonly units: UnitsRepository,
    private readonly clock: Clock,
    private readonly cursors: Cursors,
  ) {}

  async create(
    input: { code: string; name: string; level: UnitLevel; parentCode?: string | null },
    by: Principal,
  ): Promise<Unit> {
    return this.db.transaction(async () => {
      const parentCode = input.parentCode ?? null;
      let path = `/${input.code}/`;
      if (input.level === 'district') {
        if (parentCode !== null)
          throw DomainError.validation([
            { field: 'parentCode', message: 'a district is the top level and has no parent' },
          ]);
        if (by.scope !== null) throw DomainError.forbidden('Only an admin of every unit can create a district.');
      } else {
        if (parentCode === null)
          throw DomainError.validation([{ field: 'parentCode', message: `a ${input.level} needs a parent unit` }]);
        const parent = await this.units.find(parentCode);
        if (!parent)
          throw DomainError.validation([{ field: 'parentCode', message: `unit ${parentCode} does not exist` }]);
        const expected = UNIT_LEVELS[UNIT_LEVELS.indexOf(input.level) - 1];
        if (parent.level !== expected) {
          throw DomainError.validation([
            {
              field: 'parentCode',
              message: `the parent of a ${input.level} must be a ${expected}, not a ${parent.level}`,
            },
          ]);
        }
        if (by.scope !== null && !parent.path.startsWith(by.scope))
          throw DomainError.forbidden(`Unit ${parentCode} is outside your scope.`);
        path = `${parent.path}${input.code}/`;
      }
      const unit = Object.assign(new UnitEntity(), {
        code: input.code,
        name: input.name,
        level: input.level,
        parentCode,
        path,
        createdAt: this.clock.now(),
      });
      if (!(await this.units.insertIfAbsent(unit)))
        throw new DomainError(ErrorCode.Conflict, `Unit ${input.code} already exists.`);
      return toUnit(unit);
    });
  }

  async list(filter: {
    parentCode?: string;
    cursor?: string;
    limit: number;
  }): Promise<{ items: Unit[]; nextCursor: string | null }> {
    const rows = await this.units.list({
      parentCode: filter.parentCode ?? null,
      after: this.cursors.decode('units', filter.cursor, cursorShape.text),
      limit: filter.limit + 1,
    });
    return toPage(rows, filter.limit, toUnit, (last) => this.cursors.encode('units', last.code));
  }
}
