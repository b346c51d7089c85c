import { createHash } from 'node:crypto';
import path from 'node:path';

/**
 * The BullMQ prefix `npm start` gives a folder of local state when CONCORD_QUEUE_PREFIX is not set:
 * `concord-` and 8 hex digits of the folder's absolute path. Two checkouts on one machine share its Redis, and
 * under one prefix each one's worker would take the other's jobs (for cases that are not in its database);
 * one prefix per folder keeps them apart, and stays the same across restarts of one folder.
 * Deployments that set nothing keep the plain `concord` of libs/config.
 */
export function queuePrefixFor(stateDir: string): string {
  const digest = createHash('sha256').update(path.resolve(stateDir)).digest('hex');
  return `concord-${digest.slice(0, 8)}`;
}
