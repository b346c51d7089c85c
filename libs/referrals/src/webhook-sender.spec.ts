import { classify, webhookJobOptions } from './webhook-sender.js';

describe('webhook answers', () => {
  it('takes any 2xx as delivered', () => {
    for (const status of [200, 201, 202, 204, 299]) expect(classify(status)).toEqual({ ok: true, status });
  });

  it('retries timeouts-by-status, rate limits and server errors', () => {
    for (const status of [408, 429, 500, 502, 503, 504]) {
      expect(classify(status)).toEqual({ ok: false, status, error: `HTTP ${status}`, permanent: false });
    }
  });

  it('dead-letters other refusals and redirects at once', () => {
    for (const status of [400, 401, 403, 404, 410, 413, 422])
      expect(classify(status)).toMatchObject({ ok: false, status, permanent: true });
    for (const status of [301, 302, 307, 308]) {
      expect(classify(status)).toEqual({
        ok: false,
        status,
        error: `HTTP ${status}: redirects are not followed`,
        permanent: true,
      });
    }
  });

  it('gives the referrals queue its own attempts and doubling backoff', () => {
    expect(webhookJobOptions({ webhookAttempts: 8, webhookBackoffMs: 10_000 })).toEqual({
      attempts: 8,
      backoff: { type: 'exponential', delay: 10_000 },
    });
  });
});
