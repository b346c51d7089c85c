import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { DomainError, ErrorCode } from '#domain';

/** A value a cursor can carry: what a keyset needs to resume a list (instants as text, ids, sequence numbers). */
export type CursorValue = string | number | boolean | null | CursorValue[];

/** Checks that a decoded value has the shape a list expects. */
export type CursorGuard<T extends CursorValue> = (value: unknown) => value is T;

const REFUSAL = 'The cursor is not one this API gave out.';
/** base64url of the JSON of the value, a dot, base64url of its 32-byte tag. */
const FORMAT = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/;
const LIST = /^[a-z][a-z0-9-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The cursors of every list: a compact encoding of the keyset value where the next page starts, with an
 * HMAC-SHA256 tag over the list's name and the value. A list takes back only a cursor it gave out — a forged,
 * altered or truncated cursor, or one from another list, is a 400 — so no value a client makes up reaches a
 * query. The key is derived from CONCORD_DATA_KEY with HKDF (as PiiCipher derives its own), so every API process
 * of a deployment takes the cursors of the others.
 *
 *     nextCursor: cursors.encode('deadlines', [dueAt, id])
 *     const after = cursors.decode('deadlines', filter.cursor, cursorShape.tuple(cursorShape.text, cursorShape.uuid));
 */
export class Cursors {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (!secret || secret.length < 16) throw new Error('CONCORD_DATA_KEY must be at least 16 characters');
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'concord', 'list-cursors', 32));
  }

  /** The cursor of `list` that resumes after `value`. */
  encode(list: string, value: CursorValue): string {
    const body = Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
    return `${body}.${this.tag(checkList(list), body).toString('base64url')}`;
  }

  /**
   * The value of a cursor `list` gave out, or null when there is none (`undefined` or empty: the first page).
   * Anything else — malformed, signed with another key, another list's, or not of the shape `guard` expects —
   * is a 400.
   */
  decode<T extends CursorValue>(list: string, cursor: string | undefined, guard: CursorGuard<T>): T | null {
    if (cursor === undefined || cursor === '') return null;
    const match = typeof cursor === 'string' ? FORMAT.exec(cursor) : null;
    if (!match) throw refuse();
    const [, body, tag] = match as unknown as [string, string, string];
    // The tag's text is compared, not its bytes: base64url has several spellings of one value in its last character.
    const given = Buffer.from(tag, 'utf8');
    const expected = Buffer.from(this.tag(checkList(list), body).toString('base64url'), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refuse();
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw refuse();
    }
    // Signed by this deployment, so a value of another shape is one an older version gave out: refused all the same.
    if (!guard(value)) throw refuse();
    return value;
  }

  private tag(list: string, body: string): Buffer {
    return createHmac('sha256', this.key).update(`${list}\n${body}`).digest();
  }
}

function checkList(list: string): string {
  if (!LIST.test(list))
    throw new Error(`cursor list name ${JSON.stringify(list)} must be lower-case letters, digits and "-"`);
  return list;
}

const refuse = () =>
  new DomainError(ErrorCode.MalformedRequest, REFUSAL, {}, [
    { field: 'cursor', message: 'is not one this API gave out' },
  ]);

/** Guards for the values lists put in their cursors. */
export const cursorShape = {
  text: (value: unknown): value is string => typeof value === 'string',
  uuid: (value: unknown): value is string => typeof value === 'string' && UUID.test(value),
  int: (value: unknown): value is number => Number.isSafeInteger(value),
  tuple:
    <G extends Array<CursorGuard<CursorValue>>>(...guards: G) =>
    (value: unknown): value is { [K in keyof G]: G[K] extends CursorGuard<infer T> ? T : never } & CursorValue[] =>
      Array.isArray(value) && value.length === guards.length && guards.every((guard, i) => guard(value[i])),
};
