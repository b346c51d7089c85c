import {
  DomainError,
  ErrorCode,
  representativesProblem,
  seesCase,
  type CaseFacts,
  type CaseKind,
  type Channel,
  type FactNeed,
  type FieldError,
  type ReferralRole,
  type UserRole,
} from '#domain';
import { uuidv7, type Tx } from '#persistence';

interface Lookup {
  tx: Tx;
  caseId: string;
  kind: string;
  /** The event's type, for the messages of a refusal. */
  type: string;
  payload: Record<string, unknown>;
  now: Date;
  /** The unit path of the case's owning unit, read under its lock. */
  unitPath: string;
  /** The acting principal: a person's user id, a key's id, or Concord's. */
  actorId: string;
  /** Set for a referral's event: the department it was issued to. */
  departmentCode?: string;
  /** The acting principal's unit path prefix; null = every unit. */
  scope: string | null;
  /** The acting principal's role: a confidential case is seen by some roles only. */
  role: UserRole | 'system';
}

type Resolver<K extends FactNeed['kind']> = (
  need: Extract<FactNeed, { kind: K }>,
  lookup: Lookup,
) => Promise<Partial<CaseFacts>>;

/**
 * Per fact kind a machine may declare for an event (`workflow.facts`): the facts a guard needs from PostgreSQL,
 * and the references a payload makes that must exist. A reference to something that does not exist is a bad
 * payload (422), found before the machine runs.
 */
const resolvers: { [K in FactNeed['kind']]: Resolver<K> } = {
  referredDepartments: async (_need, { tx, payload, now }) => {
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
  departmentsExist: async ({ field }, { tx, payload }) => {
    const value = payload[field] as string | string[];
    const wanted: Array<[string, string]> = Array.isArray(value)
      ? value.map((c, i) => [c, `payload.${field}[${i}]`])
      : [[value, `payload.${field}`]];
    requireAll(
      wanted,
      await departments(
        tx,
        wanted.map(([c]) => c),
      ),
      'department',
    );
    return {};
  },
  unitWithinReach: async ({ unitField, departmentField }, { tx, caseId, payload, scope }) => {
    const unitCode = payload[unitField];
    const departmentCode = payload[departmentField];
    const errors: FieldError[] = [];
    let target: { path: string; owner_path: string; retired: boolean } | undefined;
    if (unitCode !== undefined) {
      // FOR KEY SHARE OF u: the target unit cannot be retired between this read and the case moving to it.
      [target] = await tx.query<{ path: string; owner_path: string; retired: boolean }>(
        `SELECT u.path, o.path AS owner_path, u.retired_at IS NOT NULL AS retired
           FROM cases c JOIN units o ON o.code = c.unit_code JOIN units u ON u.code = $1 WHERE c.id = $2
           FOR KEY SHARE OF u`,
        [unitCode, caseId],
      );
      if (!target) errors.push({ field: `payload.${unitField}`, message: `unit ${String(unitCode)} does not exist` });
    }
    if (departmentCode !== undefined) {
      const found = await departments(tx, [departmentCode as string]);
      if (!found.size)
        errors.push({
          field: `payload.${departmentField}`,
          message: `department ${String(departmentCode)} does not exist`,
        });
    }
    if (errors.length) throw DomainError.validation(errors);
    // The handling unit takes ownership of the case, so it must be a unit the actor may hand work to: one in its
    // own scope, or one above the case on its escalation path (the owning unit's parent, grandparent, …).
    // Anything else would move the case into a subtree, or a district, the actor has no say over.
    if (target && scope !== null && !target.path.startsWith(scope) && !target.owner_path.startsWith(target.path)) {
      throw new DomainError(
        ErrorCode.RuleViolated,
        `Unit ${String(unitCode)} is neither within your scope nor above the case's owning unit: a petition is ` +
          'assigned to a unit you may act for, or up its own escalation path.',
        { rules: ['handlerUnitWithinReach'] },
      );
    }
    if (target?.retired)
      throw DomainError.validation([
        { field: `payload.${unitField}`, message: `unit ${String(unitCode)} is retired and takes no new cases` },
      ]);
    return {};
  },
  disciplineInspection: async ({ field, value }, { tx, payload, now }) => {
    if (payload[field] !== value) return {};
    const [body] = await tx.query<{ code: string; categories: string[] }>(
      `SELECT code, categories FROM departments WHERE function = 'discipline_inspection'`,
    );
    if (!body) {
      throw new DomainError(
        ErrorCode.RuleViolated,
        'No department is configured as the discipline-inspection body (纪检监察): an accusation is handed to it ' +
          'and to no one else (信访工作条例 art. 30). An admin marks one: function discipline_inspection.',
        { rules: ['disciplineInspectionConfigured'] },
      );
    }
    return {
      departments: [{ code: body.code, role: 'lead', categories: body.categories }],
      referralIds: [uuidv7(now.getTime())],
      instructions: ACCUSATION_INSTRUCTIONS,
    };
  },
  relatedCase: async ({ field }, { tx, caseId, payload, scope, role }) => {
    const related = payload[field] as string | undefined;
    if (related === undefined) return {};
    const fail = (message: string) => DomainError.validation([{ field: `payload.${field}`, message }]);
    if (related === caseId) throw fail('a petition cannot repeat itself');
    // 复核 is complete once its opinion was issued (ISSUE_RE_REVIEW_OPINION, in either machine version): read from
    // the chain, so it stays true whatever the case did afterwards (follow-up, closing, a reopening).
    const [found] = await tx.query<{ kind: string; path: string; confidential: boolean; re_reviewed: boolean }>(
      `SELECT c.kind, u.path, c.confidential,
              EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.type = 'ISSUE_RE_REVIEW_OPINION')
                AS re_reviewed
         FROM cases c JOIN units u ON u.code = c.unit_code WHERE c.id = $1`,
      [related],
    );
    // A case the actor does not see is reported exactly like one that does not exist.
    if (!found || !seesCase({ role, scope }, found)) throw fail('no such case');
    if (found.kind !== 'petition') throw fail('the related case is not a petition');
    return { relatedCase: { id: related, reReviewed: found.re_reviewed } };
  },
  representativeLimit: async ({ field }, { tx, caseId, payload }) => {
    if (payload[field] !== true) return {};
    // Read under the case's lock (the pipeline holds it), so two parties added at once cannot both be the sixth.
    const [found] = await tx.query<{ kind: CaseKind; channel: Channel; representatives: number }>(
      `SELECT c.kind, c.channel,
              (SELECT count(*)::int FROM parties p WHERE p.case_id = c.id AND p.representative) AS representatives
         FROM cases c WHERE c.id = $1`,
      [caseId],
    );
    const tooMany = representativesProblem(found!.kind, found!.channel, found!.representatives + 1);
    if (tooMany) throw DomainError.validation([{ field: `payload.${field}`, message: tooMany }]);
    return {};
  },
  mergeTarget: async ({ field }, { tx, caseId, kind, payload, scope, role }) => {
    const into = payload[field] as string;
    const fail = (message: string) => DomainError.validation([{ field: `payload.${field}`, message }]);
    if (into === caseId) throw fail('a case cannot be merged into itself');
    const [target] = await tx.query<{ kind: string; stage: string; path: string; confidential: boolean }>(
      'SELECT c.kind, c.stage, u.path, c.confidential FROM cases c JOIN units u ON u.code = c.unit_code WHERE c.id = $1',
      [into],
    );
    // A case the actor does not see is reported exactly like one that does not exist.
    if (!target || !seesCase({ role, scope }, target)) throw fail('no such case');
    if (target.kind !== kind) throw fail(`a ${kind} can only be merged into another ${kind}`);
    if (target.stage === 'archive') throw fail('the target case is archived');
    return {};
  },
  person: async ({ field, roles }, lookup) => {
    const { tx, payload, actorId, type, departmentCode } = lookup;
    const named = field !== undefined;
    const id = named ? (payload[field] as string) : actorId;
    const [user] = await tx.query<PersonRow>(
      `SELECT u.id, u.name, u.roles, u.disabled_at IS NOT NULL AS disabled, u.department_code, p.path
         FROM users u LEFT JOIN units p ON p.code = u.unit_code WHERE u.id = $1::uuid`,
      [uuidOrNil(id)],
    );
    const problem = personProblem(user, roles, lookup);
    if (!problem) return { person: { id: user!.id, name: user!.name } };
    if (named) throw DomainError.validation([{ field: `payload.${field}`, message: problem }]);
    if (!user) throw new DomainError(ErrorCode.Forbidden, `${type} is sent by a signed-in person; a key is no person.`);
    throw new DomainError(ErrorCode.Forbidden, `You cannot ${type} here: you ${problem.replace(/^is /, 'are ')}.`, {
      ...(departmentCode ? { departmentCode } : {}),
    });
  },
  dispatcher: async (_need, { tx, actorId, role }) => {
    const [user] = await tx.query<{ id: string; name: string }>(
      `SELECT id, name FROM users WHERE id = $1::uuid AND disabled_at IS NULL`,
      [uuidOrNil(actorId)],
    );
    return {
      ...(user ? { person: { id: user.id, name: user.name } } : {}),
      dispatcher: (DISPATCHING_ROLES as readonly string[]).includes(role),
    };
  },
  clocksPastDue: async ({ keys }, { tx, caseId, now }) => {
    const rows = await tx.query<{ key: string }>(
      `SELECT DISTINCT key FROM deadlines
        WHERE case_id = $1 AND referral_id IS NULL AND kind = 'due' AND ended_at IS NULL
          AND status IN ('pending', 'fired') AND key = ANY($2::text[]) AND due_at <= $3
        ORDER BY key`,
      [caseId, keys, now],
    );
    return { pastDue: rows.map((r) => r.key) };
  },
};

/** What an accusation's referral asks of the discipline-inspection body: the duty art. 30 ¶1 gives it. */
const ACCUSATION_INSTRUCTIONS =
  'An accusation (检举控告类) to be received, accepted, handled and answered under your own rules; it is not to be ' +
  'disclosed or passed to the person or unit accused (信访工作条例 art. 30).';

/** The facts `need` (what the machine declares for the event; none when absent) asks for. */
export async function resolveFacts(
  need: FactNeed | readonly FactNeed[] | undefined,
  lookup: Lookup,
): Promise<Partial<CaseFacts>> {
  if (!need) return {};
  let facts: Partial<CaseFacts> = {};
  for (const one of Array.isArray(need) ? (need as readonly FactNeed[]) : [need as FactNeed]) {
    const resolver = resolvers[one.kind] as Resolver<FactNeed['kind']>;
    facts = { ...facts, ...(await resolver(one, lookup)) };
  }
  return facts;
}

interface PersonRow {
  id: string;
  name: string;
  roles: UserRole[];
  disabled: boolean;
  department_code: string | null;
  /** The path of the person's unit: the subtree they work in (null: every unit). */
  path: string | null;
}

/**
 * Roles that hand work out, and so UNASSIGN another's work: on cases admins, intake clerks and leaders; on a
 * referral, its department's staff (only they act on it).
 */
const DISPATCHING_ROLES = ['admin', 'intake', 'leader', 'department'] as const;

/** An id that is not a uuid (Concord's own actors) names no user: the nil uuid finds none. */
const uuidOrNil = (id: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
    ? id
    : '00000000-0000-0000-0000-000000000000';

/**
 * Why a person may not be the subject of an assignment event here, or null: they must be active, hold one of the
 * roles, and work where the subject is: the case's unit within their unit's subtree; for a referral, staff of its
 * department (within their unit limit, if they have one).
 */
function personProblem(
  user: PersonRow | undefined,
  roles: readonly UserRole[],
  { unitPath, departmentCode }: Pick<Lookup, 'unitPath' | 'departmentCode'>,
): string | null {
  if (!user || user.disabled) return 'is not an active user';
  if (!user.roles.some((r) => roles.includes(r))) return `does not hold the ${roles.join(' or ')} role`;
  if (departmentCode !== undefined && user.department_code !== departmentCode)
    return `is not staff of department ${departmentCode}`;
  if (user.path !== null && !unitPath.startsWith(user.path)) return 'does not work in the unit that owns the case';
  return null;
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
