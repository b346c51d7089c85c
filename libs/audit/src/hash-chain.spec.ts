import { canonicalJson } from './canonical-json.js';
import { eventHash, GENESIS_HASH, type ChainedEvent } from './hash-chain.js';

const event: ChainedEvent = {
  caseId: '0190a5e2-0000-7000-8000-000000000001',
  seq: 1,
  type: 'ADD_NOTE',
  payload: { text: '双方同意再次调解' },
  facts: { unit: { code: 'C1', level: 'community', hasParent: true } },
  actor: { id: 'k1', role: 'mediator', name: 'Li' },
  at: '2026-03-02T01:00:00.000Z',
  machineVersion: 1,
  state: 'mediation.assigned',
  unitCode: 'C1',
};

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: 'é' }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":"é","z":1}]},"b":1}',
    );
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/);
  });
});

describe('event hash', () => {
  it('does not depend on key order, as jsonb returns keys in its own order', () => {
    const reordered = JSON.parse(
      JSON.stringify({ ...event, payload: { text: event.payload && (event.payload as { text: string }).text } }),
    );
    expect(eventHash(GENESIS_HASH, reordered)).toBe(eventHash(GENESIS_HASH, event));
  });

  it('changes when any field or the previous hash changes', () => {
    const base = eventHash(GENESIS_HASH, event);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    const variants: Partial<ChainedEvent>[] = [
      { caseId: '0190a5e2-0000-7000-8000-000000000002' },
      { seq: 2 },
      { type: 'WITHDRAW' },
      { payload: { text: '双方同意再次调解。' } },
      { facts: { unit: { code: 'C2', level: 'community', hasParent: true } } },
      { actor: { id: 'k2', role: 'mediator', name: 'Li' } },
      { at: '2026-03-02T01:00:00.001Z' },
      { machineVersion: 2 },
      { state: 'mediation.in_session' },
      { unitCode: 'S1' },
    ];
    for (const change of variants) expect(eventHash(GENESIS_HASH, { ...event, ...change })).not.toBe(base);
    expect(eventHash('f'.repeat(64), event)).not.toBe(base);
  });
});
