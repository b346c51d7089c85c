import { type DeadlineSpec, DomainError, type Principal } from '#domain';
import type { Clock } from '#clock';
import {
  DeadlinePolicyEntity,
  uuidv7,
  type Database,
  type PoliciesRepository,
  type UnitsRepository,
} from '#persistence';
import { clockSpecs } from '#workflows';
import { checkAgainstStatute, POLICY_SETTINGS, STATUTORY_LIMITS } from './policy.js';

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

const toPolicy = (r: DeadlinePolicyEntity): DeadlinePolicy => ({
  id: r.id,
  key: r.key,
  category: r.category,
  unitCode: r.unitCode,
  amount: r.amount,
  unit: r.unit as DeadlineSpec['unit'],
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
});

/** Admins' overrides of the machines' default limits, per clock key, and optionally per category and unit. */
export class PoliciesService {
  constructor(
    private readonly db: Database,
    private readonly policies: PoliciesRepository,
    private readonly units: UnitsRepository,
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
    return (await this.policies.listBearingOn(reader.scope)).map(toPolicy);
  }

  /** Sets the policy for (key, category, unit), replacing the one there was. */
  async set(
    input: { key: string; category?: string; unitCode?: string; amount: number; unit: DeadlineSpec['unit'] },
    by: Principal,
  ): Promise<DeadlinePolicy> {
    if (!clockSpecs().has(input.key) && !(input.key in POLICY_SETTINGS)) {
      const known = [...clockSpecs().keys(), ...Object.keys(POLICY_SETTINGS)];
      throw DomainError.validation([
        { field: 'key', message: `is not a clock of any machine nor a setting (known: ${known.join(', ')})` },
      ]);
    }
    checkAgainstStatute(input.key, input.amount, input.unit);
    return this.db.transaction(async () => {
      if (input.unitCode !== undefined) {
        const unit = await this.units.find(input.unitCode);
        if (!unit)
          throw DomainError.validation([{ field: 'unitCode', message: `unit ${input.unitCode} does not exist` }]);
        if (by.scope !== null && !unit.path.startsWith(by.scope))
          throw DomainError.forbidden(`Unit ${input.unitCode} is outside your scope.`);
      } else if (by.scope !== null) {
        throw DomainError.forbidden('Only an admin of every unit may set a policy for every unit.');
      }
      const policy = Object.assign(new DeadlinePolicyEntity(), {
        id: uuidv7(this.clock.now().getTime()),
        key: input.key,
        category: input.category ?? null,
        unitCode: input.unitCode ?? null,
        amount: input.amount,
        unit: input.unit,
        createdBy: by.id,
        createdAt: this.clock.now(),
      });
      return toPolicy(await this.policies.upsert(policy));
    });
  }

  async remove(id: string, by: Principal): Promise<void> {
    const found = await this.policies.findScope(id);
    if (!found) throw DomainError.notFound(`Policy ${id}`);
    const path = found.path;
    if (by.scope !== null && (path === null || !path.startsWith(by.scope))) {
      // One the reader sees (for every unit, or of a unit above it) is refused; another subtree's is not found.
      if (path === null || by.scope.startsWith(path)) throw DomainError.forbidden('The policy is outside your scope.');
      throw DomainError.notFound(`Policy ${id}`);
    }
    await this.policies.delete(id);
  }
}
