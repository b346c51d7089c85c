import { parsePhoneNumberFromString } from 'libphonenumber-js/core';
// The full metadata: every country's number plan, so validity is judged by more than a number's length.
import metadata from 'libphonenumber-js/max/metadata';

/**
 * One phone rule for every way a party enters Concord (`POST /cases` and `ADD_PARTY`). A number typed without
 * its country code is read as a mainland Chinese number, as a caseworker dials it (`13812345678`,
 * `010-6512 3456`); any other number is written with its `+` country code. It must be a valid number by the
 * full metadata of libphonenumber (the number plan of its country, not only its length), and is stored in
 * E.164 (`+8613812345678`), so one person's number is one value however it was typed.
 */
export const PHONE_REGION = 'CN';

/** The longest phone number accepted as typed, spaces and punctuation included. */
export const PHONE_MAX_LENGTH = 32;

/** Digits, spaces, `-`, `.`, `(`, `)`, and a leading `+`: no letters (vanity numbers), no extensions. */
export const PHONE_PATTERN = /^\+?[0-9 ().-]+$/;

export const PHONE_MESSAGE =
  'must be a valid phone number: a mainland number as dialled, any other with its + country code';

/** The number in E.164, or null when it is not a valid phone number. */
export function normalizePhone(typed: string): string | null {
  if (typed.length > PHONE_MAX_LENGTH || !PHONE_PATTERN.test(typed)) return null;
  const parsed = parsePhoneNumberFromString(typed, { defaultCountry: PHONE_REGION, extract: false }, metadata);
  if (!parsed || !parsed.isValid() || parsed.ext) return null;
  return parsed.number;
}
