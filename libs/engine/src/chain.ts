import { eventHash, type ChainedEvent } from '#audit';
import type { Actor, CaseFacts } from '#domain';
import type { CaseRow } from './case-record.js';
import type { Transition } from './commands.js';

export interface ChainLink {
  chained: ChainedEvent;
  prevHash: string;
  hash: string;
}

/**
 * Hashes the event onto the chain and moves the case's head hash to it. A referral's event names the referral,
 * and records the referral's state.
 */
export function chain(
  row: CaseRow,
  type: string,
  payload: unknown,
  facts: CaseFacts,
  actor: Actor,
  at: Date,
  prevHash: string,
  subject?: { referralId: string; state: string },
): ChainLink {
  const chained: ChainedEvent = {
    caseId: row.id,
    seq: row.version,
    type,
    payload,
    facts,
    actor,
    at: at.toISOString(),
    machineVersion: row.machine_version,
    state: subject?.state ?? row.state,
    unitCode: row.unit_code,
    ...(subject ? { referralId: subject.referralId } : {}),
  };
  const hash = eventHash(prevHash, chained);
  row.head_hash = hash;
  return { chained, prevHash, hash };
}

export const summary = ({ chained, hash }: ChainLink): Transition['event'] => ({
  seq: chained.seq,
  type: chained.type,
  at: new Date(chained.at),
  hash,
});
