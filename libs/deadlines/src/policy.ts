import { DomainError, type DeadlineSpec } from '#domain';

/**
 * Limits set by statute: a policy may shorten them (a deployment may promise faster), never lengthen them.
 * 信访工作条例 art. 24, 32, 35, 36; 人民调解法 art. 33.
 */
export const STATUTORY_LIMITS: Readonly<
  Record<string, { amount: number; unit: DeadlineSpec['unit']; source: string }>
> = {
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
    throw DomainError.validation([
      { field: 'unit', message: `${key} is counted in ${limit.unit} by statute (${limit.source})` },
    ]);
  }
  if (amount > limit.amount) {
    throw DomainError.validation([
      {
        field: 'amount',
        message: `${key} may not exceed ${limit.amount} ${limit.unit.replace('_', ' ')} (${limit.source})`,
      },
    ]);
  }
}
