import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * argon2id parameters for new password hashes: 24 MiB, 3 passes, 1 lane, a 32-byte tag and a 16-byte salt. On this
 * project's reference machine (2 × AMD EPYC) one hash takes about 50 ms of CPU (measured 33.5 ms at 2 passes,
 * `node -e` over 20 hashes with `process.cpuUsage`), above OWASP's floor for argon2id (19 MiB, 2 passes). A hash
 * records its own parameters (PHC string format), so they can rise later: `needsRehash` tells when a stored hash
 * was made with other ones, and a successful sign-in rehashes it.
 */
export const ARGON2_PARAMETERS = { memory: 24_576, passes: 3, parallelism: 1, tagLength: 32 } as const;
const SALT_BYTES = 16;

type Parameters = { memory: number; passes: number; parallelism: number; tagLength: number };

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

/**
 * The most a stored hash may ask of a verification (1 GiB, 10 passes, 8 lanes): a hash altered in the database
 * cannot make one sign-in take the server's memory or minutes of CPU.
 */
const VERIFY_LIMITS = { memory: 1_048_576, passes: 10, parallelism: 8 } as const;

/**
 * The same password typed on different keyboards or input methods can differ in Unicode composition
 * (全角/半角 aside, é as one code point or two): hashed and checked in NFC, they are one password.
 */
const normal = (password: string) => password.normalize('NFC');

function derive(password: string, salt: Buffer, p: Parameters): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    argon2(
      'argon2id',
      {
        message: normal(password),
        nonce: salt,
        parallelism: p.parallelism,
        tagLength: p.tagLength,
        memory: p.memory,
        passes: p.passes,
      },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

/** `$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>`, base64 without padding, as every argon2 library writes it. */
export async function hashPassword(password: string, parameters: Parameters = ARGON2_PARAMETERS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const tag = await derive(password, salt, parameters);
  return `$argon2id$v=19$m=${parameters.memory},t=${parameters.passes},p=${parameters.parallelism}$${b64(salt)}$${b64(tag)}`;
}

interface Parsed extends Parameters {
  salt: Buffer;
  tag: Buffer;
}

const PHC = /^\$argon2id\$v=19\$m=(\d{1,8}),t=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{6,})$/;

function parse(encoded: string): Parsed | null {
  const m = PHC.exec(encoded);
  if (!m) return null;
  const tag = Buffer.from(m[5]!, 'base64');
  return {
    memory: Number(m[1]),
    passes: Number(m[2]),
    parallelism: Number(m[3]),
    tagLength: tag.length,
    salt: Buffer.from(m[4]!, 'base64'),
    tag,
  };
}

/** Whether `password` is the one `encoded` was made from; a malformed hash matches nothing. Constant-time compare. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (
    !parsed ||
    parsed.tagLength < 16 ||
    parsed.memory > VERIFY_LIMITS.memory ||
    parsed.passes > VERIFY_LIMITS.passes ||
    parsed.parallelism > VERIFY_LIMITS.parallelism
  )
    return false;
  const tag = await derive(password, parsed.salt, parsed);
  return tag.length === parsed.tag.length && timingSafeEqual(tag, parsed.tag);
}

/** Whether a stored hash was made with parameters other than today's (rehash it at the next sign-in). */
export function needsRehash(encoded: string): boolean {
  const parsed = parse(encoded);
  return (
    !parsed ||
    parsed.memory !== ARGON2_PARAMETERS.memory ||
    parsed.passes !== ARGON2_PARAMETERS.passes ||
    parsed.parallelism !== ARGON2_PARAMETERS.parallelism ||
    parsed.tagLength !== ARGON2_PARAMETERS.tagLength
  );
}

let dummy: Promise<string> | null = null;

/**
 * The same work as a real verification, for a sign-in whose account does not exist, is disabled or is locked:
 * the answer takes as long whoever asks, so its timing does not tell which accounts exist.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(24).toString('base64'));
  await verifyPassword(password, await dummy);
  return false;
}

/** A one-time password for a new or reset account: 20 characters from an alphabet without look-alikes. */
export function oneTimePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(20);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

const COMMON = new Set([
  'password1234',
  '123456789012',
  'qwertyuiop12',
  'admin1234567',
  'concord12345',
  'passw0rd1234',
  'iloveyou1234',
  'welcome12345',
  '1q2w3e4r5t6y',
  'abc123456789',
]);

/**
 * What is wrong with a new password, or nothing: at least 12 characters and at most 256, two kinds of character at
 * least (letters, digits, others), not the username, not a well-known password.
 */
export function passwordProblems(password: string, username: string): string[] {
  const problems: string[] = [];
  if ([...password].length < 12) problems.push('must be at least 12 characters long');
  if ([...password].length > 256) problems.push('must be at most 256 characters long');
  const kinds = [/\p{L}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].filter((k) => k.test(password)).length;
  if (kinds < 2) problems.push('must mix at least two of letters, digits and other characters');
  if (password.toLowerCase() === username.toLowerCase()) problems.push('must not be the username');
  if (COMMON.has(password.toLowerCase())) problems.push('is a well-known password');
  return problems;
}
