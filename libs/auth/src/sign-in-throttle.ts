/**
 * Back-off after failed sign-ins, counted per account and per client address: the first `freeFailures` cost
 * nothing; each one after locks for `baseMs`, doubling, up to `maxMs`. A success clears the account's count (not
 * the address's, which may be guessing at many accounts).
 */
export const SIGN_IN_THROTTLE = { freeFailures: 5, baseMs: 30_000, maxMs: 3_600_000 } as const;

/** How long `failures` consecutive failures lock the account or address, in ms (0: not locked). */
export function lockoutMs(failures: number, policy: typeof SIGN_IN_THROTTLE = SIGN_IN_THROTTLE): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 30);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** doublings);
}
