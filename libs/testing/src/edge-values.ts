/**
 * Values at the edges of what Concord accepts, for the request fuzzer and the specs of the edge rules: dates and
 * instants that some parser takes and another refuses, and cursors that look like ones the API gave out.
 */

/**
 * Instants Concord refuses (libs/domain/src/dates.ts): each is taken by at least one of validator's isISO8601,
 * `Date` or PostgreSQL, and refused or misread by another — year 0, the ends of `Date`'s range, dates that do
 * not exist, 24:00, offsets past ±14:00, and the ISO 8601 shapes `Date` cannot read (basic format, week and
 * ordinal dates, a comma before the fraction, a signed four-digit year).
 */
export const BAD_INSTANTS = [
  '0000-01-01T00:00:00Z',
  '0000-01-01T00:00:00+08:00',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '0000-00-00',
  '0000-00-00T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '1899-12-31T16:00:00Z',
  '1000-01-01T00:00:00Z',
  '2200-01-01T00:00:00+08:00',
  '2023-02-29T12:00:00+08:00',
  '2026-02-30T00:00:00Z',
  '2026-03-02T24:00:00Z',
  '2026-03-02T24:00Z',
  '2026-03-02T12:00:00+14:30',
  '2026-03-02T12:00:00-13:00',
  '2026-03-02T12:00:00+0800',
  '20260302',
  '20260302T120000Z',
  '2026-W10-1',
  '2026-061',
  '2026-03-02T12',
  '2026-03-02T12:00:00,5Z',
  '-2026-03-02T00:00:00Z',
  '+2026-03-02T00:00:00Z',
  '2026-03-02 12:00:00Z',
] as const;

/** Instants at the edges that Concord accepts: a leap day, the widest offsets, the first and last instants of its years. */
export const GOOD_EDGE_INSTANTS = [
  '2024-02-29T12:00:00+08:00',
  '2026-03-02T12:00:00+14:00',
  '2026-03-02T12:00:00-12:00',
  '1950-01-01T00:00:00+08:00',
  '2199-12-31T23:59:59.999+08:00',
] as const;

/** Dates (`YYYY-MM-DD`) Concord refuses: outside 1950–2199, or no such day. */
export const BAD_DATES = [
  '0000-01-01',
  '0000-00-00',
  '0001-01-01',
  '1899-12-31',
  '1949-12-31',
  '2200-01-01',
  '9999-12-31',
  '2023-02-29',
  '2026-02-30',
  '2026-13-01',
  '+275760-09-13',
] as const;

/** Dates at the edges that Concord accepts. */
export const GOOD_EDGE_DATES = ['1950-01-01', '2024-02-29', '2199-12-31'] as const;

const base64url = (text: string) => Buffer.from(text).toString('base64url');

/**
 * Cursors the API never gave out: the unsigned formats lists used to take (`<instant>|<uuid>`,
 * `<instant>|<uuid>|<seq>`, a day, a seq, a uuid, a code) with out-of-range contents, and random bytes.
 */
export function forgedCursors(uuid = '0190a1b2-0000-7000-8000-000000000000'): string[] {
  const instants = [
    '+275760-09-13T00:00:00.000Z',
    '-271821-04-20T00:00:00.000Z',
    '0000-01-01T00:00:00.000000Z',
    '2026-13-02T00:00:00.000000Z',
    '2026-03-02T00:00:00.000000Z',
  ];
  return [
    ...instants.map((at) => base64url(`${at}|${uuid}`)),
    ...instants.map((at) => base64url(`${at}|${uuid}|1`)),
    base64url(`2026-03-02T00:00:00.000000Z|${uuid}|999999999999`),
    ...['0000-00-00', '0000-01-01', '2026-02-30', '99999-01-01'].map(base64url),
    base64url('999999999999'),
    base64url('-1'),
    base64url(uuid),
    base64url('ffffffff-ffff-ffff-ffff-ffffffffffff'),
    'XC-XH',
    base64url('["2026-03-02T00:00:00.000Z","' + uuid + '"]') + '.' + 'A'.repeat(43),
    'AAAA',
  ];
}
