import { eventHash, GENESIS_HASH, type ChainedEvent } from './hash-chain.js';

/** A `case_events` row as PostgreSQL returns it. */
export interface EventRow {
  case_id: string;
  seq: number;
  type: string;
  payload: unknown;
  facts: unknown;
  actor: unknown;
  at: Date;
  machine_version: number;
  state: string;
  unit_code: string;
  /** Set on a referral's events. */
  referral_id?: string | null;
  prev_hash: string;
  hash: string;
}

export interface ChainVerdict {
  valid: boolean;
  checked: number;
  /** The first sequence number whose row does not fit the chain. */
  brokenAt?: { caseId: string; seq: number; reason: string };
}

export function toChainedEvent(row: EventRow): ChainedEvent {
  return {
    caseId: row.case_id,
    seq: row.seq,
    type: row.type,
    payload: row.payload,
    facts: row.facts,
    actor: row.actor,
    at: row.at.toISOString(),
    machineVersion: row.machine_version,
    state: row.state,
    unitCode: row.unit_code,
    ...(row.referral_id ? { referralId: row.referral_id } : {}),
  };
}

/** An event as the API shows it: every hashed field, with the chain's two hashes. */
export type EventEntry = ChainedEvent & { prevHash: string; hash: string };

export function toEventEntry(row: EventRow): EventEntry {
  return { ...toChainedEvent(row), prevHash: row.prev_hash, hash: row.hash };
}

/**
 * Recomputes one case's chain from its rows in `seq` order: each row must follow the previous one (seq + 1,
 * prev_hash = the previous hash) and carry the hash of its own content. Finds edits, deletions and reorders.
 */
export function verifyCaseChain(rows: EventRow[], headHash?: string): ChainVerdict {
  let prev = GENESIS_HASH;
  let checked = 0;
  for (const [i, row] of rows.entries()) {
    const broken = (reason: string): ChainVerdict => ({
      valid: false,
      checked,
      brokenAt: { caseId: row.case_id, seq: row.seq, reason },
    });
    if (row.seq !== i + 1) return broken(`expected seq ${i + 1}`);
    if (row.prev_hash !== prev) return broken('prev_hash does not match the previous event');
    if (eventHash(prev, toChainedEvent(row)) !== row.hash) return broken('hash does not match the event content');
    prev = row.hash;
    checked++;
  }
  if (headHash !== undefined && rows.length > 0 && headHash !== prev) {
    const last = rows[rows.length - 1]!;
    return {
      valid: false,
      checked,
      brokenAt: { caseId: last.case_id, seq: last.seq + 1, reason: 'events after this one are missing' },
    };
  }
  return { valid: true, checked };
}
