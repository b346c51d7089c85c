import { eventHash, GENESIS_HASH, type ChainedEvent } from './hash-chain.js';
import { canonicalJson } from './canonical-json.js';
import { CanonicalMemo, rowHash, type StreamRow } from './chain-verifier.js';
import { toChainedEvent, type EventRow } from './verify-chain.js';

/** The verifier's fast hash must be the engine's hash exactly, or every chain would look broken (or worse). */
describe('the verifier’s row hash', () => {
  const base: EventRow = {
    case_id: '0190a5e2-0000-7000-8000-000000000001',
    seq: 4,
    type: 'REFER',
    payload: {
      departments: [{ code: 'JUSTICE', role: 'lead' }],
      instructions: '请司法所调处 "漏水" 纠纷\n',
      n: 1.5,
      z: null,
    },
    facts: {
      unit: { code: 'XC-XH-01', level: 'community', hasParent: true },
      referralIds: ['0190a5e2-0000-7000-8000-0000000000ff'],
    },
    actor: { id: 'k1', role: 'mediator', name: 'Li \u2028 Wei' },
    at: new Date('2026-03-02T01:00:00.123Z'),
    machine_version: 1,
    state: 'mediation.referred',
    unit_code: 'XC-XH-01',
    referral_id: null,
    prev_hash: 'f'.repeat(64),
    hash: '',
  };
  const fast = (row: EventRow) =>
    rowHash(
      row.prev_hash,
      row as unknown as StreamRow,
      row.at.toISOString(),
      canonicalJson(row.facts),
      canonicalJson(row.actor),
    );

  it('equals eventHash for a case event, a referral event and a first event', () => {
    const rows: EventRow[] = [
      base,
      {
        ...base,
        type: 'ACKNOWLEDGE',
        state: 'acknowledged',
        referral_id: '0190a5e2-0000-7000-8000-0000000000ff',
        payload: {},
      },
      {
        ...base,
        seq: 1,
        prev_hash: GENESIS_HASH,
        payload: [],
        facts: {},
        actor: { id: 'system:deadlines', role: 'system', name: '' },
      },
    ];
    for (const row of rows) expect(fast(row)).toBe(eventHash(row.prev_hash, toChainedEvent(row)));
  });

  it('covers every field as eventHash does', () => {
    const changes: Array<Partial<EventRow>> = [
      { type: 'WITHDRAW' },
      { payload: {} },
      { facts: {} },
      { actor: {} },
      { at: new Date('2026-03-02T01:00:00.124Z') },
      { machine_version: 2 },
      { state: 'x' },
      { unit_code: 'XC' },
      { referral_id: '0190a5e2-0000-7000-8000-0000000000ff' },
      { prev_hash: '0'.repeat(64) },
      { seq: 5 },
      { case_id: '0190a5e2-0000-7000-8000-000000000002' },
    ];
    const original = fast(base);
    for (const change of changes) {
      const row = { ...base, ...change };
      const event: ChainedEvent = toChainedEvent(row);
      expect(fast(row)).toBe(eventHash(row.prev_hash, event));
      expect(fast(row)).not.toBe(original);
    }
  });
});

describe('the verifier’s memo of canonical JSON', () => {
  it('gives canonicalJson of the parsed text, for jsonb as PostgreSQL prints it, each time', () => {
    const memo = new CanonicalMemo();
    const text = '{"id": "k1", "name": "Li", "role": "mediator", "nested": {"b": [1, 2.5, null], "a": "é\\n"}}';
    for (let i = 0; i < 3; i++) expect(memo.of(text)).toBe(canonicalJson(JSON.parse(text)));
    expect(memo.of('{"id": "k2"}')).toBe('{"id":"k2"}');
  });
});
