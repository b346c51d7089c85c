import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** The `prevHash` of a case's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Every column of a `case_events` row except `prev_hash` and `hash` themselves. */
export interface ChainedEvent {
  caseId: string;
  seq: number;
  type: string;
  payload: unknown;
  facts: unknown;
  actor: unknown;
  /** ISO 8601 with milliseconds, UTC. */
  at: string;
  machineVersion: number;
  /** The state the case was in after the event. */
  state: string;
  /** The unit that owned the case after the event. */
  unitCode: string;
  /**
   * Set on a referral's event: the referral it transitioned, and `state` is then the referral's. Absent (not
   * null) on the case's own events, so their hashes are what they always were.
   */
  referralId?: string;
}

/** `hash = sha256(prevHash ‖ canonical JSON of the event)`, hex. Covers every column of the row. */
export function eventHash(prevHash: string, event: ChainedEvent): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(event)).digest('hex');
}
