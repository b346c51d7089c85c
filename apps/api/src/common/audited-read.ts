import type { AccessLog, AccessRecord } from '#audit';
import { type Principal } from '#domain';
import type { PiiCipher } from '#parties';

/**
 * An auditor's read of cases, referrals or clocks is an audit read: recorded in the access log, like every
 * other, before the answer goes out. Called after the read succeeded, so a refused read records nothing.
 * Other roles' reads are not logged.
 */
export async function recordAuditorRead(log: AccessLog, principal: Principal, record: AccessRecord): Promise<void> {
  if (principal.role === 'auditor') await log.record(principal, record);
}

/**
 * The filters a list was asked for, as the access log keeps them: those given, with free search text (which
 * may be a person's name) only as a keyed digest, never in clear. The digest lets an investigator holding the
 * data key check whether a given text was searched for.
 */
export function filtersOf(query: object, cipher: PiiCipher, freeText: readonly string[] = []): Record<string, unknown> {
  const detail: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (freeText.includes(name)) detail[`${name}Digest`] = cipher.digest(['access-log', name, value]);
    else detail[name] = value;
  }
  return detail;
}
