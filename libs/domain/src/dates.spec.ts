import { dateProblem, instantProblem, startOfChinaDay, toInstant } from './dates.js';
import { instant, validate } from './schema.js';

/** Shapes that pass an ISO 8601 check somewhere (validator's isISO8601, Date.parse, PostgreSQL) but are not instants here. */
const NOT_INSTANTS = [
  '0000-01-01T00:00:00Z', // year 0: PostgreSQL refuses it, Date takes it
  '+275760-09-13T00:00:00.000Z', // the last instant Date can hold; PostgreSQL and the calendar cannot
  '-000001-01-01T00:00:00Z',
  '-2026-03-02T00:00:00Z', // a signed four-digit year: Invalid Date
  '0000-00-00',
  '0000-00-00T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '1899-12-31T16:00:00Z', // 1900-01-01 in China
  '1949-12-31T15:59:59.999Z', // one millisecond before 1950-01-01 in China
  '2200-01-01T00:00:00+08:00',
  '2023-02-29T00:00:00Z',
  '2026-02-30T09:00:00+08:00',
  '2026-13-01T00:00:00Z',
  '2026-03-02T24:00:00Z',
  '2026-03-02T24:00Z',
  '2026-03-02T23:60:00Z',
  '2026-03-02T23:59:60Z',
  '2026-03-02T12:00:00+14:01',
  '2026-03-02T12:00:00-12:01',
  '2026-03-02T12:00:00+08:60',
  '2026-03-02T12:00:00+0800',
  '2026-03-02T12:00:00', // no offset: it would depend on the server's zone
  '2026-03-02',
  '20260302',
  '20260302T120000Z',
  '2026-W10-1',
  '2026-061',
  '2026-03-02T12',
  '2026-03-02T12:00:00,5Z',
  '2026-03-02 12:00:00Z',
  '2026-03-02t12:00:00z',
  '2026-03-02T12:00:00.1234567890Z',
  '２０２６-03-02T12:00:00Z',
  ' 2026-03-02T12:00:00Z',
  '',
  'tomorrow',
];

const INSTANTS = [
  '2026-03-02T09:00:00+08:00',
  '2026-03-02T09:00+08:00',
  '2024-02-29T12:00:00+08:00',
  '2026-03-02T12:00:00.123456789Z',
  '2026-03-02T12:00:00+14:00',
  '2026-03-02T12:00:00-12:00',
  '2026-03-02T12:00:00-00:00',
  '1950-01-01T00:00:00+08:00', // the first instant of the range
  '1949-12-31T16:00:00Z', // the same instant
  '2199-12-31T23:59:59.999+08:00', // the last millisecond
  '2199-12-31T15:59:59Z',
];

describe('the instant rule', () => {
  it.each(INSTANTS)('accepts %s, and Date reads it back as the same instant', (value) => {
    expect(instantProblem(value)).toBeNull();
    expect(Number.isNaN(toInstant(value).getTime())).toBe(false);
    expect(validate(instant(), value)).toEqual({ ok: true, value });
  });

  it.each(NOT_INSTANTS)('refuses %j', (value) => {
    expect(instantProblem(value)).toEqual(expect.stringMatching(/^must /));
    expect(validate(instant(), value, 'at')).toMatchObject({ ok: false, errors: [{ field: 'at' }] });
    expect(() => toInstant(value)).toThrow();
  });

  it('refuses what is not a string, and says why in a fixed message that never echoes the value', () => {
    for (const value of [null, undefined, 0, 1772416800000, {}, [], true])
      expect(instantProblem(value)).toMatch(/^must /);
    expect(new Set(NOT_INSTANTS.map(instantProblem))).toEqual(
      new Set([
        'must be an ISO 8601 date-time with an offset, e.g. 2026-03-02T09:00:00+08:00',
        'must be an instant from 1950-01-01 to 2199-12-31 (China time)',
        'must be a date and time that exist',
        'must have an offset from -12:00 to +14:00',
      ]),
    );
  });

  it('names the range in China time', () => {
    expect(instantProblem('1899-12-31T16:00:00Z')).toBe(
      'must be an instant from 1950-01-01 to 2199-12-31 (China time)',
    );
  });
});

describe('the date rule', () => {
  it('accepts dates that exist in the calendar’s years', () => {
    for (const value of ['1950-01-01', '2024-02-29', '2026-03-02', '2199-12-31']) expect(dateProblem(value)).toBeNull();
    expect(startOfChinaDay('2026-03-02').toISOString()).toBe('2026-03-01T16:00:00.000Z');
  });

  it('refuses dates outside them, dates that do not exist and other shapes', () => {
    for (const value of [
      '0000-01-01',
      '0000-00-00',
      '0001-01-01',
      '1949-12-31',
      '2200-01-01',
      '9999-12-31',
      '2023-02-29',
      '2026-02-30',
      '2026-13-01',
      '2026-00-10',
      '2026-3-2',
      '20260302',
      '2026-03-02T00:00:00Z',
      '+2026-03-02',
      '',
      null,
      20260302,
    ]) {
      expect(dateProblem(value)).toMatch(/^must /);
    }
  });
});
