import { randomCode, uuidv7 } from './ids.js';

describe('uuidv7', () => {
  it('is a version 7, variant 1 UUID carrying its millisecond', () => {
    const id = uuidv7(Date.parse('2026-03-02T01:00:00Z'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(Date.parse('2026-03-02T01:00:00Z'));
  });

  it('increases strictly within one millisecond, even past the counter', () => {
    const now = Date.now() + 10_000;
    const ids = Array.from({ length: 5000 }, () => uuidv7(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(uuidv7(now - 5) > ids[ids.length - 1]!).toBe(true); // a clock step back never goes backwards
  });
});

describe('randomCode', () => {
  it('uses Crockford base32 only', () => {
    expect(randomCode(200)).toMatch(/^[0-9A-HJKMNP-TV-Z]{200}$/);
  });
});
