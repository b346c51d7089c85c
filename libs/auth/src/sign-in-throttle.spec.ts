import { lockoutMs, SIGN_IN_THROTTLE } from './sign-in-throttle.js';

describe('sign-in back-off', () => {
  it('locks nothing for the first failures, then doubles from 30 s up to an hour', () => {
    expect([0, 1, 4].map((n) => lockoutMs(n))).toEqual([0, 0, 0]);
    expect([5, 6, 7, 8].map((n) => lockoutMs(n))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(lockoutMs(12)).toBe(SIGN_IN_THROTTLE.maxMs);
    expect(lockoutMs(10_000)).toBe(SIGN_IN_THROTTLE.maxMs);
  });
});
