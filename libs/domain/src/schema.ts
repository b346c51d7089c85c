import { instantProblem } from './dates.js';
import type { FieldError } from './errors.js';
import { normalizePhone, PHONE_MAX_LENGTH, PHONE_MESSAGE, PHONE_PATTERN } from './phone.js';

/**
 * A small, strict schema language for event payloads. Machines declare their payloads with it so that the
 * engine can refuse a bad payload (422, with one error per field) before anything runs, and the OpenAPI
 * document can show every payload. Unknown fields are refused, not dropped.
 */
export interface Schema<T> {
  readonly optional: boolean;
  check(value: unknown, path: string, errors: FieldError[]): T | undefined;
  /** JSON Schema (2020-12 subset) of the accepted values. */
  jsonSchema(): Record<string, unknown>;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K]['optional'] extends true ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type InferShape<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Infer<S[K]>;
};

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;

function leaf<T>(jsonSchema: Record<string, unknown>, test: (value: unknown) => string | null): Schema<T> {
  return {
    optional: false,
    check(value, path, errors) {
      const problem = test(value);
      if (problem) {
        errors.push({ field: path, message: problem });
        return undefined;
      }
      return value as T;
    },
    jsonSchema: () => jsonSchema,
  };
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const printable = (value: string) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(value);

export function string(options: { min?: number; max: number; pattern?: RegExp; patternHint?: string }): Schema<string> {
  const min = options.min ?? 1;
  return leaf<string>(
    {
      type: 'string',
      minLength: min,
      maxLength: options.max,
      ...(options.pattern ? { pattern: options.pattern.source } : {}),
    },
    (value) => {
      if (typeof value !== 'string') return `must be a string, not ${describe(value)}`;
      if (value.trim().length < min) return min === 1 ? 'must not be empty' : `must have at least ${min} characters`;
      if (value.length > options.max) return `must have at most ${options.max} characters`;
      if (!printable(value)) return 'must not contain control characters';
      if (options.pattern && !options.pattern.test(value))
        return options.patternHint ?? `must match ${options.pattern.source}`;
      return null;
    },
  );
}

/** A code such as a unit or department code: letters, digits, `_` and `-`. */
export const code = (): Schema<string> =>
  string({ max: 64, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/, patternHint: 'must be letters, digits, "_" or "-"' });

export const uuid = (): Schema<string> =>
  string({
    max: 36,
    pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    patternHint: 'must be a UUID',
  });

/**
 * A party's phone number (phone.ts): refused unless it is a valid number; the checked value is its E.164 form,
 * which is what gets stored and digested.
 */
export const phone = (): Schema<string> => ({
  optional: false,
  check(value, path, errors) {
    if (typeof value !== 'string') {
      errors.push({ field: path, message: `must be a string, not ${describe(value)}` });
      return undefined;
    }
    const e164 = normalizePhone(value);
    if (e164 === null) errors.push({ field: path, message: PHONE_MESSAGE });
    return e164 ?? undefined;
  },
  jsonSchema: () => ({
    type: 'string',
    minLength: 3,
    maxLength: PHONE_MAX_LENGTH,
    pattern: PHONE_PATTERN.source,
    description: 'A mainland number as dialled, any other with its + country code; stored in E.164.',
    example: '13812345678',
  }),
});

export function int(options: { min: number; max: number }): Schema<number> {
  return leaf<number>({ type: 'integer', minimum: options.min, maximum: options.max }, (value) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) return `must be an integer, not ${describe(value)}`;
    if (value < options.min || value > options.max) return `must be between ${options.min} and ${options.max}`;
    return null;
  });
}

export const boolean = (): Schema<boolean> =>
  leaf<boolean>({ type: 'boolean' }, (value) =>
    typeof value === 'boolean' ? null : `must be a boolean, not ${describe(value)}`,
  );

export function oneOf<const T extends readonly string[]>(values: T): Schema<T[number]> {
  return leaf<T[number]>({ type: 'string', enum: [...values] }, (value) =>
    typeof value === 'string' && (values as readonly string[]).includes(value)
      ? null
      : `must be one of: ${values.join(', ')}`,
  );
}

/** An instant: an ISO 8601 date-time with its offset, e.g. `2026-03-01T09:30:00+08:00`, by Concord's one rule (dates.ts). */
export const instant = (): Schema<string> =>
  leaf<string>({ type: 'string', format: 'date-time' }, (value) => instantProblem(value));

export function array<T>(item: Schema<T>, options: { min?: number; max: number; unique?: boolean }): Schema<T[]> {
  const min = options.min ?? 0;
  return {
    optional: false,
    check(value, path, errors) {
      if (!Array.isArray(value)) {
        errors.push({ field: path, message: `must be an array, not ${describe(value)}` });
        return undefined;
      }
      if (value.length < min || value.length > options.max) {
        errors.push({ field: path, message: `must have between ${min} and ${options.max} items` });
        return undefined;
      }
      const before = errors.length;
      const out = value.map((v, i) => item.check(v, `${path}[${i}]`, errors));
      if (errors.length > before) return undefined;
      if (options.unique && new Set(out.map((v) => JSON.stringify(v))).size !== out.length) {
        errors.push({ field: path, message: 'must not repeat an item' });
        return undefined;
      }
      return out as T[];
    },
    jsonSchema: () => ({ type: 'array', items: item.jsonSchema(), minItems: min, maxItems: options.max }),
  };
}

export function optional<T>(inner: Schema<T>): Schema<T | undefined> & { optional: true } {
  return {
    optional: true,
    check: (value, path, errors) => (value === undefined ? undefined : inner.check(value, path, errors)),
    jsonSchema: () => inner.jsonSchema(),
  };
}

export function object<S extends Shape>(shape: S): Schema<InferShape<S>> {
  const keys = Object.keys(shape);
  return {
    optional: false,
    check(value, path, errors) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        errors.push({ field: path, message: `must be an object, not ${describe(value)}` });
        return undefined;
      }
      const before = errors.length;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(shape, key)) errors.push({ field: join(path, key), message: 'is not a known field' });
      }
      for (const key of keys) {
        const field = (value as Record<string, unknown>)[key];
        if (field === undefined && !shape[key]!.optional) {
          errors.push({ field: join(path, key), message: 'is required' });
          continue;
        }
        const checked = shape[key]!.check(field, join(path, key), errors);
        if (checked !== undefined) out[key] = checked;
      }
      return errors.length > before ? undefined : (out as InferShape<S>);
    },
    jsonSchema: () => {
      const required = keys.filter((k) => !shape[k]!.optional);
      return {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(keys.map((k) => [k, shape[k]!.jsonSchema()])),
        // OpenAPI 3.0 (and JSON Schema draft 4) refuse an empty `required`: an object with no required field has none.
        ...(required.length ? { required } : {}),
      };
    },
  };
}

/** An object whose shape also obeys a rule across fields (e.g. "at least one of"). */
export function refine<T>(inner: Schema<T>, rule: (value: T) => FieldError | null): Schema<T> {
  return {
    optional: inner.optional,
    check(value, path, errors) {
      const out = inner.check(value, path, errors);
      if (out === undefined) return undefined;
      const problem = rule(out);
      if (problem) {
        errors.push({ field: join(path, problem.field), message: problem.message });
        return undefined;
      }
      return out;
    },
    jsonSchema: () => inner.jsonSchema(),
  };
}

export const empty = (): Schema<Record<string, never>> => object({}) as Schema<Record<string, never>>;

function join(path: string, key: string): string {
  if (!key) return path;
  return path ? `${path}.${key}` : key;
}

/** Checks `value` against `schema`; returns the checked value or the list of field errors. */
export function validate<T>(
  schema: Schema<T>,
  value: unknown,
  path = '',
): { ok: true; value: T } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const out = schema.check(value, path, errors);
  return errors.length ? { ok: false, errors } : { ok: true, value: out as T };
}
