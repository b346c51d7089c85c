import { DomainError, type DeadlineSpec } from '#domain';

/**
 * Limits set by statute: a policy may shorten them (a deployment may promise faster), never lengthen them.
 * The articles are those of the texts in force (信访工作条例 2022; 民事诉讼法 as amended in 2023), quoted in
 * docs/statutes.md: 15 days to register and hand on or accept (信访工作条例 art. 22 ¶1 for a petitions bureau,
 * art. 23 ¶2–3 for other bodies), 60 days to handle (art. 34), 30 days each to ask for and to give a review
 * (art. 35) and a second review (art. 36). Version 1's judicial-confirmation clock runs 30 days from the request:
 * the court's own limit for special-procedure cases (民事诉讼法 art. 187); the parties' 30 days to apply
 * (人民调解法 art. 33) are not a clock in version 1. Version 2 splits them: the parties' 30 days from the agreement
 * (`dispute.judicial_application`) and the court's 30 days from filing (`dispute.court_confirmation`); and it gives
 * a body receiving a forwarded petition its 15 days to tell the petitioner and 5 working days to object
 * (`petition.forwarded`; the referral's `referral.transfer_notice` and `referral.transfer_objection`: art. 23 ¶3).
 * A dispute the court delegates before filing (诉前委派) is mediated within 30 days of the mediator's signed receipt
 * of the court's materials (`dispute.court_delegation`: 特邀调解规定 art. 27 ¶1, ¶3); only both parties extend them.
 */
export const STATUTORY_LIMITS: Readonly<
  Record<string, { amount: number; unit: DeadlineSpec['unit']; source: string }>
> = {
  'petition.intake': { amount: 15, unit: 'calendar_days', source: '信访工作条例 art. 22 ¶1, art. 23 ¶2–3' },
  'petition.handling': { amount: 60, unit: 'calendar_days', source: '信访工作条例 art. 34' },
  'petition.review_request': { amount: 30, unit: 'calendar_days', source: '信访工作条例 art. 35' },
  'petition.review': { amount: 30, unit: 'calendar_days', source: '信访工作条例 art. 35' },
  'petition.re_review_request': { amount: 30, unit: 'calendar_days', source: '信访工作条例 art. 36 ¶1' },
  'petition.re_review': { amount: 30, unit: 'calendar_days', source: '信访工作条例 art. 36 ¶1–2' },
  'petition.forwarded': { amount: 15, unit: 'calendar_days', source: '信访工作条例 art. 23 ¶3' },
  'referral.transfer_notice': { amount: 15, unit: 'calendar_days', source: '信访工作条例 art. 23 ¶3' },
  'referral.transfer_objection': { amount: 5, unit: 'working_days', source: '信访工作条例 art. 23 ¶3' },
  'dispute.judicial_confirmation': { amount: 30, unit: 'calendar_days', source: '民事诉讼法 art. 187' },
  'dispute.judicial_application': {
    amount: 30,
    unit: 'calendar_days',
    source: '人民调解法 art. 33 ¶1; 民事诉讼法 art. 205',
  },
  'dispute.court_confirmation': { amount: 30, unit: 'calendar_days', source: '民事诉讼法 art. 187' },
  'dispute.court_delegation': { amount: 30, unit: 'calendar_days', source: '特邀调解规定 art. 27 ¶1, ¶3' },
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

/**
 * Settings a policy may hold besides clock limits, with their defaults. `referral.reply_ceiling`: the latest a
 * REFER may make its referrals' reply due (`dueInWorkingDays`, or a version-2 `dueAt`), counted from the REFER;
 * the engine refuses a later one (422, naming the ceiling). Set it per unit and category as any policy.
 */
export const POLICY_SETTINGS: Readonly<Record<string, { amount: number; unit: DeadlineSpec['unit']; about: string }>> =
  {
    'referral.reply_ceiling': {
      amount: 60,
      unit: 'working_days',
      about: 'The latest a REFER may make its referrals reply, from the REFER.',
    },
  };
export const REPLY_CEILING = 'referral.reply_ceiling';
