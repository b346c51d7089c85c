import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The header that carries a delivery's signatures: `sha256=<hex HMAC-SHA256 of the raw body>`, or during a secret
 * rotation's overlap window one per secret, newest first and comma-separated: `sha256=<new>,sha256=<old>`.
 */
export const SIGNATURE_HEADER = 'X-Concord-Signature';

/** The signature of a body under one secret, as one entry of `X-Concord-Signature`. */
export function signBody(secret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** The whole `X-Concord-Signature` value: the body signed with each secret, in the order given (newest first). */
export function signatureHeader(secrets: readonly string[], rawBody: string | Buffer): string {
  return secrets.map((secret) => signBody(secret, rawBody)).join(',');
}

/**
 * Whether `header` holds a signature of `rawBody` under `secret`: the header may list several, comma-separated
 * (a rotation's overlap window), and one match is enough. Each entry is compared in constant time.
 */
export function verifySignature(secret: string, rawBody: string | Buffer, header: string | null | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(signBody(secret, rawBody));
  let found = false;
  for (const entry of header.split(',')) {
    const given = Buffer.from(entry.trim().toLowerCase());
    // Every entry is compared, so the time taken does not say which one matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) found = true;
  }
  return found;
}
