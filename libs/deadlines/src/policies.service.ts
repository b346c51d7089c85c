import { type DeadlineSpec, DomainError, type Principal } from '#domain';
import type { Clock } from '#clock';
import { uuidv7, type Database } from '#persistence';
import { clockSpecs } from '#workflows';
import { checkAgainstStatute, STATUTORY_LIMITS } from './policy.js';

export interface DeadlinePolicy {
  id: string;
  key: string;
  category: string | null;
  unitCode: string | null;
  amount: number;
  unit: DeadlineSpec['unit'];
  createdBy: string;
  createdAt: string;
}

export interface ClockDefault {
  key: string;
  amount: number;
  unit: DeadlineSpec['unit'];
  warnAt: number[];
  onBreach: string;
  statutory: string | null;
}

type PolicyRow = {
  id: string;
  key: string;
  category: string | null;
  unit_code: string | null;
  amount: number;
  unit: DeadlineSpec['unit'];
  created_by: string;
  created_at: Date;
};

const toPolicy = (r: PolicyRow): DeadlinePolicy => ({
  id: r.id,
  key: r.key,
  category: r.category,
  unitCode: r.unit_code,
  amount: r.amount,
  unit: r.unit,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
});

/** Admins' overrides of the machines' default limits, per clock key, and optionally per category and unit. */
export class PoliciesService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  defaults(): ClockDefault[] {
    return [...clockSpecs().values()].map((spec) => ({
      key: spec.key,
      amount: spec.amount,
      unit: spec.unit,
      warnAt: spec.warnAt,
      onBreach: spec.onBreach,
      statutory: STATUTORY_LIMITS[spec.key]?.source ?? null,
    }));
  }

  /**
   * The policies that bear on the reader's scope: those for every unit, those of the units above it (they
   * apply within it) and those within it; not another subtree's.
   */
  async list(reader: Pick<Principal, 'scope'>): Promise<DeadlinePolicy[]> {
    const rows = await this.db.query<PolicyRow>(
      `SELECT p.* FROM deadline_policies p LEFT JOIN units u ON u.code = p.unit_code
        WHERE $1::text IS NULL OR p.unit_code IS NULL OR starts_with(u.path, $1) OR starts_with($1, u.path)
        ORDER BY p.key, p.unit_code NULLS FIRST, p.category NULLS FIRST`,
      [reader.scope],
    );
    return rows.map(toPolicy);
  }

  /** Sets the policy for (key, category, unit), replacing the one there was. */
  async set(
    input: { key: string; category?: string; unitCode?: string; amount: number; unit: DeadlineSpec['unit'] },
    by: Principal,
  ): Promise<DeadlinePolicy> {
    if (!clockSpecs().has(input.key)) {
      throw DomainError.validation([
        { field: 'key', message: `is not a clock of any machine (known: ${[...clockSpecs().keys()].join(', ')})` },
      ]);
    }
    checkAgainstStatute(input.key, input.amount, input.unit);
    return this.db.transaction(async (tx) => {
      if (input.unitCode !== undefined) {
        const [unit] = await tx.query<{ path: string }>('SELECT path FROM units WHERE code = $1', [input.unitCode]);
        if (!unit)
          throw DomainError.validation([{ field: 'unitCode', message: `unit ${input.unitCode} does not exist` }]);
        if (by.scope !== null && !unit.path.startsWith(by.scope))
          throw DomainError.forbidden(`Unit ${input.unitCode} is outside your scope.`);
      } else if (by.scope !== null) {
        throw DomainError.forbidden('Only an admin of every unit may set a policy for every unit.');
      }
      const [row] = await tx.query<PolicyRow>(
        `INSERT INTO deadline_policies (id, key, category, unit_code, amount, unit, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT ON CONSTRAINT deadline_policies_scope_key
         DO UPDATE SET amount = EXCLUDED.amount, unit = EXCLUDED.unit, created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at
         RETURNING *`,
        [
          uuidv7(this.clock.now().getTime()),
          input.key,
          input.category ?? null,
          input.unitCode ?? null,
          input.amount,
          input.unit,
          by.id,
          this.clock.now(),
        ],
      );
      return toPolicy(row!);
    });
  }

  async remove(id: string, by: Principal): Promise<void> {
    const rows = await this.db.query<{ path: string | null }>(
      'SELECT u.path FROM deadline_policies p LEFT JOIN units u ON u.code = p.unit_code WHERE p.id = $1',
      [id],
    );
    if (!rows[0]) throw DomainError.notFound(`Policy ${id}`);
    const path = rows[0].path;
    if (by.scope !== null && (path === null || !path.startsWith(by.scope))) {
      // One the reader sees (for every unit, or of a unit above it) is refused; another subtree's is not found.
      if (path === null || by.scope.startsWith(path)) throw DomainError.forbidden('The policy is outside your scope.');
      throw DomainError.notFound(`Policy ${id}`);
    }
    await this.db.query('DELETE FROM deadline_policies WHERE id = $1', [id]);
  }
}
