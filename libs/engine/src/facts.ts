import { DomainError, ErrorCode, type CaseFacts, type FieldError, type ReferralRole } from '#domain';
import { uuidv7, type Tx } from '#persistence';

interface Lookup {
  tx: Tx;
  caseId: string;
  kind: string;
  payload: Record<string, unknown>;
  now: Date;
  /** The acting principal's unit path prefix; null = every unit. */
  scope: string | null;
}

/**
 * Per event type: the facts a guard needs from PostgreSQL, and the references a payload makes that must
 * exist. A reference to something that does not exist is a bad payload (422), found before the machine runs.
 */
const resolvers: Record<string, (lookup: Lookup) => Promise<Partial<CaseFacts>>> = {
  REFER: async ({ tx, payload, now }) => {
    const named = (payload.departments as Array<{ code: string; role: ReferralRole }> | undefined) ?? [
      { code: payload.departmentCode as string, role: 'lead' as const },
    ];
    const field = payload.departments
      ? (i: number) => `payload.departments[${i}].code`
      : () => 'payload.departmentCode';
    const found = await departments(
      tx,
      named.map((d) => d.code),
    );
    requireAll(
      named.map((d, i) => [d.code, field(i)]),
      found,
      'department',
    );
    return {
      departments: named.map((d) => ({ code: d.code, role: d.role, categories: found.get(d.code)! })),
      referralIds: named.map(() => uuidv7(now.getTime())),
    };
  },
  CONVENE_JOINT_MEETING: async ({ tx, payload }) => {
    const codes = payload.departmentCodes as string[];
    requireAll(
      codes.map((c, i) => [c, `payload.departmentCodes[${i}]`]),
      await departments(tx, codes),
      'department',
    );
    return {};
  },
  FORWARD: async ({ tx, payload }) => {
    const code = payload.departmentCode as string;
    requireAll([[code, 'payload.departmentCode']], await departments(tx, [code]), 'department');
    return {};
  },
  ASSIGN_HANDLER: async ({ tx, caseId, payload, scope }) => {
    const errors: FieldError[] = [];
    let target: { path: string; owner_path: string } | undefined;
    if (payload.unitCode !== undefined) {
      [target] = await tx.query<{ path: string; owner_path: string }>(
        `SELECT u.path, o.path AS owner_path
           FROM cases c JOIN units o ON o.code = c.unit_code JOIN units u ON u.code = $1 WHERE c.id = $2`,
        [payload.unitCode, caseId],
      );
      if (!target)
        errors.push({ field: 'payload.unitCode', message: `unit ${String(payload.unitCode)} does not exist` });
    }
    if (payload.departmentCode !== undefined) {
      const found = await departments(tx, [payload.departmentCode as string]);
      if (!found.size)
        errors.push({
          field: 'payload.departmentCode',
          message: `department ${String(payload.departmentCode)} does not exist`,
        });
    }
    if (errors.length) throw DomainError.validation(errors);
    // The handling unit takes ownership of the case, so it must be a unit the actor may hand work to: one in its
    // own scope, or one above the case on its escalation path (the owning unit's parent, grandparent, …).
    // Anything else would move the case into a subtree, or a district, the actor has no say over.
    if (target && scope !== null && !target.path.startsWith(scope) && !target.owner_path.startsWith(target.path)) {
      throw new DomainError(
        ErrorCode.RuleViolated,
        `Unit ${String(payload.unitCode)} is neither within your scope nor above the case's owning unit: a petition is ` +
          'assigned to a unit you may act for, or up its own escalation path.',
        { rules: ['handlerUnitWithinReach'] },
      );
    }
    return {};
  },
  MERGE: async ({ tx, caseId, kind, payload, scope }) => {
    const into = payload.intoCaseId as string;
    const fail = (message: string) => DomainError.validation([{ field: 'payload.intoCaseId', message }]);
    if (into === caseId) throw fail('a case cannot be merged into itself');
    const [target] = await tx.query<{ kind: string; stage: string; path: string }>(
      'SELECT c.kind, c.stage, u.path FROM cases c JOIN units u ON u.code = c.unit_code WHERE c.id = $1',
      [into],
    );
    // A case outside the actor's scope is reported exactly like one that does not exist.
    if (!target || (scope !== null && !target.path.startsWith(scope))) throw fail('no such case');
    if (target.kind !== kind) throw fail(`a ${kind} can only be merged into another ${kind}`);
    if (target.stage === 'archive') throw fail('the target case is archived');
    return {};
  },
};

export async function resolveFacts(type: string, lookup: Lookup): Promise<Partial<CaseFacts>> {
  const resolver = resolvers[type];
  return resolver ? resolver(lookup) : {};
}

async function departments(tx: Tx, codes: string[]): Promise<Map<string, string[]>> {
  const rows = await tx.query<{ code: string; categories: string[] }>(
    'SELECT code, categories FROM departments WHERE code = ANY($1::text[])',
    [codes],
  );
  return new Map(rows.map((r) => [r.code, r.categories]));
}

function requireAll(wanted: Array<[string, string]>, found: Map<string, unknown>, what: string): void {
  const errors = wanted
    .filter(([code]) => !found.has(code))
    .map(([code, field]) => ({ field, message: `${what} ${code} does not exist` }));
  if (errors.length) throw DomainError.validation(errors);
}
