import { createHash } from 'node:crypto';
import { addDays, ANCHOR_GENESIS, anchorDigest, anchorHash, chinaDay, chinaDayStart, isDay } from './anchors.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('China-time days', () => {
  it('turn at 16:00 UTC, the midnight of UTC+8', () => {
    expect(chinaDay(new Date('2026-03-02T15:59:59.999Z'))).toBe('2026-03-02');
    expect(chinaDay(new Date('2026-03-02T16:00:00.000Z'))).toBe('2026-03-03');
    expect(chinaDayStart('2026-03-03').toISOString()).toBe('2026-03-02T16:00:00.000Z');
  });

  it('count across months, years and leap days', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('are calendar days, not strings shaped like them', () => {
    expect(isDay('2026-03-02')).toBe(true);
    expect(isDay('2026-02-30')).toBe(false);
    expect(isDay('2026-13-01')).toBe(false);
    expect(isDay('2026-3-2')).toBe(false);
  });
});

describe('anchor digest', () => {
  const heads = [
    { caseId: '0190a5e2-0000-7000-8000-000000000001', seq: 7, hash: 'a'.repeat(64) },
    { caseId: '0190a5e2-0000-7000-8000-00000000000b', seq: 12, hash: 'b'.repeat(64) },
  ];

  it('is sha256 over one "<case_id> <seq> <hash>\\n" line per case, as documented for outside auditors', () => {
    const lines =
      `0190a5e2-0000-7000-8000-000000000001 7 ${'a'.repeat(64)}\n` +
      `0190a5e2-0000-7000-8000-00000000000b 12 ${'b'.repeat(64)}\n`;
    expect(anchorDigest(heads)).toBe(sha256(lines));
    expect(anchorDigest([])).toBe(sha256(''));
  });

  it('changes with any head: a case, a sequence number or a hash', () => {
    const base = anchorDigest(heads);
    expect(anchorDigest([heads[0]!])).not.toBe(base);
    expect(anchorDigest([{ ...heads[0]!, seq: 8 }, heads[1]!])).not.toBe(base);
    expect(anchorDigest([heads[0]!, { ...heads[1]!, hash: 'c'.repeat(64) }])).not.toBe(base);
  });

  it('chains each day to the one before: anchor = sha256(prev_anchor ‖ digest), from 64 zeros', () => {
    const digest = anchorDigest(heads);
    expect(ANCHOR_GENESIS).toBe('0'.repeat(64));
    const first = anchorHash(ANCHOR_GENESIS, digest);
    expect(first).toBe(sha256(ANCHOR_GENESIS + digest));
    expect(anchorHash(first, digest)).not.toBe(first);
  });
});
