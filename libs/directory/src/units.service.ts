import { DomainError, ErrorCode, type Principal, UNIT_LEVELS, type UnitLevel } from '#domain';
import type { Clock } from '#clock';
import { cursorShape, toPage, type Cursors, type Database } from '#persistence';

export interface Unit {
  code: string;
  name: string;
  level: UnitLevel;
  parentCode: string | null;
  createdAt: Date;
}

interface UnitRow {
  code: string;
  name: string;
  level: UnitLevel;
  parent_code: string | null;
  created_at: Date;
}

const toUnit = (r: UnitRow): Unit => ({
  code: r.code,
  name: r.name,
  level: r.level,
  parentCode: r.parent_code,
  createdAt: r.created_at,
});

/** The unit hierarchy 区/县 → 街道/乡镇 → 社区/村 → 网格: each unit's parent is exactly one level up. */
export class UnitsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly cursors: Cursors,
  ) {}

  async create(
    input: { code: string; name: string; level: UnitLevel; parentCode?: string | null },
    by: Principal,
  ): Promise<Unit> {
    return this.db.transaction(async (tx) => {
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
        const [parent] = await tx.query<{ level: UnitLevel; path: string }>(
          'SELECT level, path FROM units WHERE code = $1',
          [parentCode],
        );
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
      const rows = await tx.query<UnitRow>(
        `INSERT INTO units (code, name, level, parent_code, path, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (code) DO NOTHING RETURNING code, name, level, parent_code, created_at`,
        [input.code, input.name, input.level, parentCode, path, this.clock.now()],
      );
      if (!rows[0]) throw new DomainError(ErrorCode.Conflict, `Unit ${input.code} already exists.`);
      return toUnit(rows[0]);
    });
  }

  async list(filter: {
    parentCode?: string;
    cursor?: string;
    limit: number;
  }): Promise<{ items: Unit[]; nextCursor: string | null }> {
    const rows = await this.db.query<UnitRow>(
      `SELECT code, name, level, parent_code, created_at FROM units
       WHERE ($1::text IS NULL OR parent_code = $1) AND ($2::text IS NULL OR code > $2)
       ORDER BY code LIMIT $3`,
      [filter.parentCode ?? null, this.cursors.decode('units', filter.cursor, cursorShape.text), filter.limit + 1],
    );
    return toPage(rows, filter.limit, toUnit, (last) => this.cursors.encode('units', last.code));
  }
}
