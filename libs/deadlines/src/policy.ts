import { DomainError, type DeadlineSpec } from '../../domain/src/index.js';
import type { Tx } from '../../persistence/src/index.js';
import type { DeadlineRule } from './due-date.js';

/**
 * Limits set by statute: a policy may shorten them (a deployment may promise faster), never lengthen them.
 * 信访工作条例 art. 24, 32, 35, 36; 人民调解法 art. 33.
 */
export const STATUTORY_LIMITS: Readonly<Record<string, { amount: number; unit: DeadlineSpec['unit']; source: string }>> = {
  'petition.intake': { amount: 15, unit: 'calendar_days', source: '信访工作条例 art. 24' },
  'petition.handling': { amount: 60, unit: 'calendar_days', source: '信访工作条例 art. 32' },
  'petition.review_request': { amount: 30, unit: 'calendar_days', source: '信访工作条例 art. 35' },
  'petition.review': { amount: 30, unit: 'calendar_days', source: '信访工作条例 art. 35' },
  'petition.re_review_request': { amount: 30, unit: 'calendar_days', source: '信访工作条例 art. 36' },
  'petition.re_review': { amount: 30, unit: 'calendar_days', source: '信访工作条例 art. 36' },
  'dispute.judicial_confirmation': { amount: 30, unit: 'calendar_days', source: '人民调解法 art. 33' },
};

/** Refuses a policy that would lengthen a statutory limit. */
export function checkAgainstStatute(key: string, amount: number, unit: DeadlineSpec['unit']): void {
  const limit = STATUTORY_LIMITS[key];
  if (!limit) return;
  if (unit !== limit.unit) {
    throw DomainError.validation([{ field: 'unit', message: `${key} is counted in ${limit.unit} by statute (${limit.source})` }]);
  }
  if (amount > limit.amount) {
    throw DomainError.validation([
      { field: 'amount', message: `${key} may not exceed ${limit.amount} ${limit.unit.replace('_', ' ')} (${limit.source})` },
    ]);
  }
}

/**
 * The rule that sets a deadline: the admins' most specific policy for the case, else the machine's default.
 * The nearest unit wins (a policy of the case's own unit over one of its district); within one unit a
 * policy for the case's category beats one for every category.
 */
export async function resolveRule(
  tx: Tx,
  spec: DeadlineSpec,
  scope: { category: string | null; unitCode: string },
): Promise<DeadlineRule> {
  const [policy] = await tx.prepared<{ id: string; amount: number; unit: DeadlineSpec['unit'] }>(
    'deadline_policy_resolve',
    `SELECT p.id, p.amount, p.unit
       FROM deadline_policies p
       LEFT JOIN units pu ON pu.code = p.unit_code
       JOIN units cu ON cu.code = $3
      WHERE p.key = $1
        AND (p.category IS NULL OR p.category = $2)
        AND (p.unit_code IS NULL OR starts_with(cu.path, pu.path))
      ORDER BY length(pu.path) DESC NULLS LAST, (p.category IS NOT NULL) DESC
      LIMIT 1`,
    [spec.key, scope.category, scope.unitCode],
  );
  return policy
    ? { key: spec.key, amount: policy.amount, unit: policy.unit, source: `policy:${policy.id}` }
    : { key: spec.key, amount: spec.amount, unit: spec.unit, source: 'default' };
}
