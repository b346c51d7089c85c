import fc from 'fast-check';
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
  it('keeps a family name only while it is at most half of the name', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('王')).toBe('*');
    expect(maskName('Li')).toBe('L*');
  });

  it('shows at most the last 4 digits of a phone, never more than half', () => {
    expect(maskPhone('+8613812345678')).toBe('*********5678');
    expect(maskPhone('13812345678')).toBe('*******5678');
    // A landline stored as typed before phones were normalised.
    expect(maskPhone('6512345')).toBe('****345');
    expect(maskPhone('+86 138-1234-5678')).toBe('*********5678');
    expect(maskPhone('12')).toBe('*2');
    expect(maskPhone('-')).toBe('*');
  });

  it('shows at most the last 4 characters of an ID number, never more than half', () => {
    expect(maskIdNumber('110101199003071234')).toBe('**************1234');
    expect(maskIdNumber('E1234567')).toBe('****4567');
    expect(maskIdNumber('1234567')).toBe('****567');
    expect(maskIdNumber('123')).toBe('**3');
    expect(maskIdNumber('')).toBe('*');
  });

  it('never shows more than 4 characters or half of any value, and keeps its length', () => {
    const shown = (masked: string) => [...masked.replace(/\*/g, '')].length;
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 40 }), (value) => {
        const id = maskIdNumber(value);
        expect(shown(id)).toBeLessThanOrEqual(Math.min(4, [...value].length / 2));
        expect([...id].length).toBe(Math.max(1, [...value].length));
        const digits = value.replace(/\D/g, '');
        const phone = maskPhone(value);
        expect(shown(phone)).toBeLessThanOrEqual(Math.min(4, digits.length / 2));
        expect(digits.endsWith(phone.replace(/\*/g, ''))).toBe(true);
      }),
    );
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((n) => !n.includes('*')),
        (name) => {
          expect(shown(maskName(name))).toBeLessThanOrEqual([...name].length / 2);
        },
      ),
    );
  });
});
