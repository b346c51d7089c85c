import { currentRequestId, newRequestId, requestIdFrom, withRequestContext } from './request-context.js';

describe('request ids', () => {
  it('keeps a plain token of at most 128 characters, and nothing else', () => {
    for (const kept of ['abc', '0190f5a0-0000-7000-8000-000000000001', 'lb:1.2.3/x+y=z@a', 'x'.repeat(128)])
      expect(requestIdFrom(kept)).toBe(kept);
    for (const refused of ['', ' ', 'a b', 'x'.repeat(129), '王小明', 'a\nb', 'a,b', '<script>', ['a'], 42, undefined])
      expect(requestIdFrom(refused)).toBeNull();
  });

  it('makes a new one when none is given', () => {
    expect(newRequestId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newRequestId()).not.toBe(newRequestId());
  });

  it('follows the work it was given to, and what that work awaits, and nothing else', async () => {
    expect(currentRequestId()).toBeNull();
    const seen = await withRequestContext({ requestId: 'r-1' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return currentRequestId();
    });
    expect(seen).toBe('r-1');
    expect(currentRequestId()).toBeNull();
  });
});
