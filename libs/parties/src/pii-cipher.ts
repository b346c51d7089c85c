import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 'v1';

/**
 * Encrypts party PII at rest (AES-256-GCM) and gives keyed digests of it (HMAC-SHA256). Both keys are derived
 * from `CONCORD_DATA_KEY` with HKDF, so one secret configures both and neither is the secret itself.
 * Ciphertext: `v1.<iv>.<tag>.<data>`, base64url; the version leaves room for key rotation.
 */
export class PiiCipher {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;

  constructor(secret: string) {
    if (!secret || secret.length < 16) throw new Error('CONCORD_DATA_KEY must be at least 16 characters');
    const ikm = Buffer.from(secret, 'utf8');
    this.encKey = Buffer.from(hkdfSync('sha256', ikm, 'concord', 'pii-encryption', 32));
    this.macKey = Buffer.from(hkdfSync('sha256', ikm, 'concord', 'pii-digest', 32));
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      data.toString('base64url'),
    ].join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('not a Concord PII ciphertext');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  /**
   * A digest of PII that the hash chain can carry: it proves the stored party was not altered, and cannot be
   * reversed by trying every phone number without the key.
   */
  digest(value: unknown): string {
    return createHmac('sha256', this.macKey).update(JSON.stringify(value)).digest('hex');
  }

  digestMatches(value: unknown, digest: string): boolean {
    const a = Buffer.from(this.digest(value), 'hex');
    const b = Buffer.from(digest, 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
