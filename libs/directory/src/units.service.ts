import { DomainError, ErrorCode, type Principal, UNIT_LEVELS, type UnitLevel } from '#domain';
import type { Clock } from '#clock';
import { cursorShape, toPage, UnitEntity, type Cursors, type Database, type UnitsRepository } from '#persistence';

export interface Unit {
  code: string;
  name: string;
  level: UnitLevel;
  parentCode: string | null;
  createdAt: Date;
  /** When the unit was retired; null while it is in service. */
  retiredAt: Date | null;
}

/** What a unit's PATCH changed: the security log's facts about it. Absent fields did not change. */
export interface UnitChange {
  name?: { old: string; new: string };
  retiredAt?: Date;
}

const toUnit = (r: UnitEntity): Unit => ({
  code: r.code,
  name: r.name,
  level: r.level as UnitLevel,
  parentCode: r.parentCode,
  createdAt: r.createdAt,
  retiredAt: r.retiredAt ?? null,
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
        const parent = await this.units.findLocked(parentCode, 'key share');
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
        if (parent.retiredAt)
          throw DomainError.validation([
            { field: 'parentCode', message: `unit ${parentCode} is retired and takes no new units` },
          ]);
        path = `${parent.path}${input.code}/`;
      }
      const unit = Object.assign(new UnitEntity(), {
        code: input.code,
        name: input.name,
        level: input.level,
        parentCode,
        path,
        createdAt: this.clock.now(),
        retiredAt: null,
      });
      if (!(await this.units.insertIfAbsent(unit)))
        throw new DomainError(ErrorCode.Conflict, `Unit ${input.code} already exists.`);
      return toUnit(unit);
    });
  }

  /**
   * Renames the unit and/or retires it. Admins of every unit change any unit; an admin scoped to a unit changes
   * the units of its subtree (any other is a 404, as for reads), and may not retire its own scope's root. A unit is
   * retired only once nothing is open in it: no case short of archive.closed, no child unit in service (409 with the
   * counts). `audit` is called with what changed, in the same transaction, when anything did.
   */
  async update(
    code: string,
    input: { name?: string; retired?: true },
    by: Pick<Principal, 'scope'>,
    audit: (change: UnitChange, unit: Unit) => Promise<void>,
  ): Promise<Unit> {
    return this.db.transaction(async () => {
      const unit = await this.units.findLocked(code, 'update');
      if (!unit || (by.scope !== null && !unit.path.startsWith(by.scope))) throw DomainError.notFound(`Unit ${code}`);
      const change: UnitChange = {};
      if (input.name !== undefined && input.name !== unit.name) change.name = { old: unit.name, new: input.name };
      if (input.retired && !unit.retiredAt) {
        if (unit.path === by.scope)
          throw DomainError.forbidden(
            `Unit ${code} is the root of your scope: an admin of a unit above it retires it.`,
          );
        const { openCases, activeChildUnits } = await this.units.retirementBlockers(code);
        if (openCases > 0 || activeChildUnits > 0) {
          const blockers = [
            ...(openCases > 0 ? [`${openCases} open case${openCases === 1 ? '' : 's'}`] : []),
            ...(activeChildUnits > 0
              ? [`${activeChildUnits} child unit${activeChildUnits === 1 ? '' : 's'} not retired`]
              : []),
          ];
          throw new DomainError(
            ErrorCode.Conflict,
            `Unit ${code} has ${blockers.join(' and ')}: close its cases and retire its child units first.`,
            { openCases, activeChildUnits },
          );
        }
        change.retiredAt = this.clock.now();
      }
      if (change.name === undefined && change.retiredAt === undefined) return toUnit(unit);
      await this.units.update(code, { name: change.name?.new, retiredAt: change.retiredAt });
      const updated = toUnit({
        ...unit,
        name: change.name?.new ?? unit.name,
        retiredAt: change.retiredAt ?? unit.retiredAt,
      });
      await audit(change, updated);
      return updated;
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
