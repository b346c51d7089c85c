import {
  ARGON2_PARAMETERS,
  hashPassword,
  needsRehash,
  oneTimePassword,
  passwordProblems,
  verifyAgainstDummy,
  verifyPassword,
} from './passwords.js';

describe('passwords (argon2id)', () => {
  it('hashes in the PHC format with today’s parameters, a fresh salt each time, and verifies only the same password', async () => {
    const a = await hashPassword('correct horse 7');
    const b = await hashPassword('correct horse 7');
    const { memory, passes, parallelism } = ARGON2_PARAMETERS;
    expect(a).toMatch(
      new RegExp(
        `^\\$argon2id\\$v=19\\$m=${memory},t=${passes},p=${parallelism}\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$`,
      ),
    );
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse 7', a)).toBe(true);
    expect(await verifyPassword('correct horse 8', a)).toBe(false);
    expect(needsRehash(a)).toBe(false);
  });

  it('verifies a hash made with other parameters, and says it needs a rehash', async () => {
    const old = await hashPassword('correct horse 7', { memory: 8192, passes: 2, parallelism: 1, tagLength: 32 });
    expect(await verifyPassword('correct horse 7', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
  });

  it('matches nothing against a malformed or foreign hash, and never throws on one', async () => {
    for (const bad of [
      '',
      'plain',
      '$argon2i$v=19$m=8192,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
      '$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA',
    ]) {
      expect(await verifyPassword('x', bad)).toBe(false);
    }
    expect(await verifyAgainstDummy('anything')).toBe(false);
  });

  it('takes a password in either Unicode composition as the same one', async () => {
    const composed = await hashPassword('caf\u00e9-au-lait-2026');
    expect(await verifyPassword('cafe\u0301-au-lait-2026', composed)).toBe(true);
  });

  it('refuses to verify against a hash asking for more than 1 GiB or 10 passes, even with the right password', async () => {
    const tag = Buffer.alloc(32).toString('base64').replace(/=+$/, '');
    const salt = Buffer.alloc(16).toString('base64').replace(/=+$/, '');
    expect(await verifyPassword('x', `$argon2id$v=19$m=99999999,t=3,p=1$${salt}$${tag}`)).toBe(false);
    const costly = await hashPassword('correct horse 7', { memory: 8192, passes: 11, parallelism: 1, tagLength: 32 });
    expect(await verifyPassword('correct horse 7', costly)).toBe(false);
  });

  it('gives one-time passwords that pass its own policy', () => {
    const otp = oneTimePassword();
    expect(otp).toMatch(/^[A-Za-z2-9]{20}$/);
    expect(oneTimePassword()).not.toBe(otp);
  });

  it('refuses short, one-kind, username-equal and well-known passwords, naming each problem', () => {
    expect(passwordProblems('short1', 'li')).toEqual(['must be at least 12 characters long']);
    expect(passwordProblems('onlylettersherе', 'li')).toEqual([
      'must mix at least two of letters, digits and other characters',
    ]);
    expect(passwordProblems('Zhang.San.2026', 'zhang.san.2026')).toEqual(['must not be the username']);
    expect(passwordProblems('Password1234', 'li')).toEqual(['is a well-known password']);
    expect(passwordProblems('调解员李四的密码2026', 'li')).toEqual([]);
  });
});
