import { PHONE_MESSAGE } from './phone.js';
import { array, code, instant, int, object, oneOf, optional, phone, refine, string, validate } from './schema.js';

describe('payload schemas', () => {
  const payload = object({
    reason: string({ max: 10 }),
    days: int({ min: 1, max: 30 }),
    at: optional(instant()),
    codes: optional(array(code(), { max: 2, unique: true })),
    kind: optional(oneOf(['a', 'b'] as const)),
  });

  it('accepts a valid payload and returns only the known fields', () => {
    expect(validate(payload, { reason: 'ok', days: 3, at: '2026-03-02T09:00:00+08:00', codes: ['A-1'] })).toEqual({
      ok: true,
      value: { reason: 'ok', days: 3, at: '2026-03-02T09:00:00+08:00', codes: ['A-1'] },
    });
  });

  it('reports every bad field, unknown fields included', () => {
    const result = validate(payload, { reason: '', days: 31.5, codes: ['A', 'A'], kind: 'c', extra: true }, 'payload');
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'payload.extra', message: 'is not a known field' },
        { field: 'payload.reason', message: 'must not be empty' },
        { field: 'payload.days', message: 'must be an integer, not a number' },
        { field: 'payload.codes', message: 'must not repeat an item' },
        { field: 'payload.kind', message: 'must be one of: a, b' },
      ],
    });
  });

  it('refuses instants without a zone, and dates that do not exist', () => {
    for (const at of ['2026-03-02T09:00:00', '2026-02-30T09:00:00+08:00', '2026-13-01T00:00:00Z', 'tomorrow']) {
      expect(validate(payload, { reason: 'x', days: 1, at })).toMatchObject({ ok: false, errors: [{ field: 'at' }] });
    }
    expect(validate(payload, { reason: 'x', days: 1, at: '2028-02-29T23:59:59.999Z' }).ok).toBe(true);
  });

  it('refuses control characters and over-long text', () => {
    expect(validate(payload, { reason: 'a\u0000b', days: 1 })).toMatchObject({
      ok: false,
      errors: [{ field: 'reason', message: 'must not contain control characters' }],
    });
    expect(validate(payload, { reason: 'x'.repeat(11), days: 1 })).toMatchObject({
      ok: false,
      errors: [{ field: 'reason' }],
    });
  });

  it('describes itself as JSON Schema, listing `required` only when a field is required', () => {
    expect(payload.jsonSchema()).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['reason', 'days'],
    });
    // OpenAPI 3.0 refuses `required: []`: an object whose fields are all optional leaves it out.
    expect(object({ note: optional(string({ max: 5 })) }).jsonSchema()).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: { note: expect.objectContaining({ type: 'string' }) },
    });
  });

  it('applies cross-field rules only to otherwise valid values', () => {
    const either = refine(object({ a: optional(string({ max: 5 })), b: optional(string({ max: 5 })) }), (v) =>
      (v.a === undefined) === (v.b === undefined) ? { field: 'a', message: 'give exactly one of a or b' } : null,
    );
    expect(validate(either, { a: 'x' }).ok).toBe(true);
    expect(validate(either, {})).toEqual({
      ok: false,
      errors: [{ field: 'a', message: 'give exactly one of a or b' }],
    });
    expect(validate(either, { a: 1 })).toEqual({
      ok: false,
      errors: [{ field: 'a', message: 'must be a string, not a number' }],
    });
  });

  it('accepts valid phone numbers as E.164 and refuses the rest with one message', () => {
    const accepted: Array<[string, string]> = [
      ['13812345678', '+8613812345678'],
      ['+86 138-1234-5678', '+8613812345678'],
      ['010-6512 3456', '+861065123456'],
      ['+1 212 555 0100', '+12125550100'],
      ['0044 20 7946 0958', '+442079460958'],
    ];
    for (const [typed, e164] of accepted) expect(validate(phone(), typed)).toEqual({ ok: true, value: e164 });
    // Too short, a mobile one digit short, a landline without its area code, letters, an extension, too long.
    for (const typed of [
      '12345',
      '1381234567',
      '6512345',
      'call me',
      '+1 800 FLOWERS',
      '13812345678 ext 12',
      '1'.repeat(33),
      '',
    ]) {
      expect(validate(phone(), typed, 'phone')).toEqual({
        ok: false,
        errors: [{ field: 'phone', message: PHONE_MESSAGE }],
      });
    }
    expect(validate(phone(), 13812345678, 'phone')).toEqual({
      ok: false,
      errors: [{ field: 'phone', message: 'must be a string, not a number' }],
    });
  });
});
