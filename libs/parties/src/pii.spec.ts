import { maskIdNumber, maskName, maskPhone } from './masking.js';
import { PiiCipher } from './pii-cipher.js';

describe('PiiCipher', () => {
  const cipher = new PiiCipher('test-data-key-0123456789');

  it('round-trips and never stores the plaintext', () => {
    const sealed = cipher.encrypt('13812345678');
    expect(sealed).not.toContain('13812345678');
    expect(cipher.decrypt(sealed)).toBe('13812345678');
    expect(cipher.encrypt('13812345678')).not.toBe(sealed);
  });

  it('rejects ciphertext that was tampered with or sealed under another key', () => {
    const sealed = cipher.encrypt('王五');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('李四').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow();
    expect(() => new PiiCipher('another-key-0123456789').decrypt(sealed)).toThrow();
  });

  it('gives stable keyed digests', () => {
    const party = { name: '王五', phone: '13812345678' };
    expect(cipher.digest(party)).toBe(cipher.digest({ ...party }));
    expect(cipher.digestMatches(party, cipher.digest(party))).toBe(true);
    expect(new PiiCipher('another-key-0123456789').digest(party)).not.toBe(cipher.digest(party));
  });
});

describe('masking', () => {
  it('masks names, phones and ID numbers', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('Li')).toBe('L*');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138-1234-5678')).toBe('861******5678');
    expect(maskIdNumber('110101199003071234')).toBe('110***********1234');
    expect(maskIdNumber('123')).toBe('***');
  });
});
