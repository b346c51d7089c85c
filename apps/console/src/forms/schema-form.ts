/**
 * The forms of the case page, generated from the event payload schemas the OpenAPI document publishes
 * (`<kind>.v<version>.<TYPE>`, written by libs/domain/src/schema.ts `jsonSchema()`). Pure TypeScript, no React
 * and no DOM: the unit tests hold it against the server's own `check()` for every payload of every machine version.
 *
 * No code is generated from a schema (the console runs under a CSP without `unsafe-eval`, so no ajv): `validate`
 * walks the schema as the server's checker does, with the server's messages and field paths.
 */

/** The subset of JSON Schema the payloads use; anything else is refused by {@link fieldsOf}. */
export interface JsonSchema {
  type?: string;
  description?: string;
  example?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
}

export type FieldKind =
  | 'text'
  | 'textarea'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'select'
  | 'multiselect'
  | 'tags'
  | 'datetime'
  | 'phone'
  | 'uuid'
  | 'person'
  | 'list'
  | 'object';

/** One control of a generated form. */
export interface Field {
  /** The property name. */
  name: string;
  /** Its dotted path from the payload (`consent.applicant.at`); a list's item fields are relative to the item. */
  path: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  example?: unknown;
  /** Numbers: the bounds. */
  min?: number;
  max?: number;
  /** Strings (and a tags field's items). */
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  /** select, multiselect: the values. */
  options?: string[];
  /** multiselect, tags, list: how many items. */
  minItems?: number;
  maxItems?: number;
  /** object: its fields; list: the fields of one item. */
  fields?: Field[];
}

/** Longer strings than this are written in a text area. */
export const LONG_TEXT = 200;

/** Patterns the domain's schema language writes, with the hint its checker gives (libs/domain/src/schema.ts). */
const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const PHONE_PATTERN = '^\\+?[0-9 ().-]+$';
const PATTERN_HINTS: Record<string, string> = {
  [UUID_PATTERN]: 'must be a UUID',
  '^[A-Za-z0-9][A-Za-z0-9_-]*$': 'must be letters, digits, "_" or "-"',
  '^[0-9a-fA-F]{64}$': 'must be 64 hex digits',
};
/** The server's phone message (libs/domain/src/phone.ts); the unit tests compare the two. */
export const PHONE_MESSAGE =
  'must be a valid phone number: a mainland number as dialled, any other with its + country code';

/** Properties that name a person (a user id): the form offers people rather than a bare UUID. */
const PERSON_FIELDS = new Set(['userId', 'mediatorId', 'assigneeId']);

const KEYS: Record<string, Set<string>> = {
  string: new Set(['type', 'description', 'example', 'minLength', 'maxLength', 'pattern', 'format', 'enum']),
  integer: new Set(['type', 'description', 'example', 'minimum', 'maximum']),
  number: new Set(['type', 'description', 'example', 'minimum', 'maximum']),
  boolean: new Set(['type', 'description', 'example']),
  array: new Set(['type', 'description', 'items', 'minItems', 'maxItems']),
  object: new Set(['type', 'description', 'properties', 'required', 'additionalProperties']),
};

/** A schema construct the form generator does not know: the unit tests fail on it before a form could. */
export class UnknownConstruct extends Error {}

function refuseUnknown(schema: JsonSchema, path: string): string {
  const type = schema.type;
  if (typeof type !== 'string' || !KEYS[type]) {
    throw new UnknownConstruct(`${path || 'payload'}: no form field for a schema without a known type`);
  }
  const extra = Object.keys(schema).filter((k) => !KEYS[type]!.has(k));
  if (extra.length) throw new UnknownConstruct(`${path || 'payload'}: no form field for ${extra.join(', ')}`);
  if (type === 'string' && schema.format !== undefined && schema.format !== 'date-time') {
    throw new UnknownConstruct(`${path}: no form field for the format ${schema.format}`);
  }
  if (type === 'string' && schema.enum && (schema.pattern || schema.format)) {
    throw new UnknownConstruct(`${path}: an enum with a pattern or format`);
  }
  if (type === 'object' && schema.additionalProperties !== false) {
    throw new UnknownConstruct(`${path || 'payload'}: an object open to any field`);
  }
  return type;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function fieldOf(name: string, path: string, schema: JsonSchema, required: boolean): Field {
  const type = refuseUnknown(schema, path);
  const base = {
    name,
    path,
    required,
    ...(schema.description !== undefined ? { description: schema.description } : {}),
    ...(schema.example !== undefined ? { example: schema.example } : {}),
  };
  switch (type) {
    case 'string': {
      const strings = {
        ...(schema.minLength !== undefined ? { minLength: schema.minLength } : {}),
        ...(schema.maxLength !== undefined ? { maxLength: schema.maxLength } : {}),
        ...(schema.pattern !== undefined ? { pattern: schema.pattern } : {}),
      };
      if (schema.enum) return { ...base, kind: 'select', options: [...schema.enum] };
      if (schema.format === 'date-time') return { ...base, kind: 'datetime' };
      if (schema.pattern === PHONE_PATTERN) return { ...base, kind: 'phone', ...strings };
      if (schema.pattern === UUID_PATTERN)
        return { ...base, kind: PERSON_FIELDS.has(name) ? 'person' : 'uuid', ...strings };
      const long = (schema.maxLength ?? Infinity) > LONG_TEXT;
      return { ...base, kind: long ? 'textarea' : 'text', ...strings };
    }
    case 'integer':
    case 'number':
      return {
        ...base,
        kind: type,
        ...(schema.minimum !== undefined ? { min: schema.minimum } : {}),
        ...(schema.maximum !== undefined ? { max: schema.maximum } : {}),
      };
    case 'boolean':
      return { ...base, kind: 'boolean' };
    case 'array': {
      if (!schema.items) throw new UnknownConstruct(`${path}: an array without items`);
      const items = {
        minItems: schema.minItems ?? 0,
        ...(schema.maxItems !== undefined ? { maxItems: schema.maxItems } : {}),
      };
      const itemType = refuseUnknown(schema.items, `${path}[]`);
      if (itemType === 'object') return { ...base, kind: 'list', ...items, fields: objectFields(schema.items, '') };
      if (itemType === 'string' && schema.items.enum)
        return { ...base, kind: 'multiselect', ...items, options: [...schema.items.enum] };
      if (itemType === 'string' && !schema.items.format) {
        const item = fieldOf(name, `${path}[]`, schema.items, true);
        return {
          ...base,
          kind: 'tags',
          ...items,
          ...(item.minLength !== undefined ? { minLength: item.minLength } : {}),
          ...(item.maxLength !== undefined ? { maxLength: item.maxLength } : {}),
          ...(item.pattern !== undefined ? { pattern: item.pattern } : {}),
        };
      }
      throw new UnknownConstruct(`${path}: no form field for an array of ${itemType}`);
    }
    case 'object':
      return { ...base, kind: 'object', fields: objectFields(schema, path) };
  }
  throw new UnknownConstruct(`${path}: no form field for ${type}`);
}

function objectFields(schema: JsonSchema, path: string): Field[] {
  const required = new Set(schema.required ?? []);
  for (const name of required) {
    if (!schema.properties?.[name]) throw new UnknownConstruct(`${join(path, name)}: required but not a property`);
  }
  return Object.entries(schema.properties ?? {}).map(([name, property]) =>
    fieldOf(name, join(path, name), property, required.has(name)),
  );
}

/** The fields of a payload's form, one per property, in the schema's order. Throws on a construct it does not know. */
export function fieldsOf(schema: JsonSchema): Field[] {
  if (refuseUnknown(schema, '') !== 'object') throw new UnknownConstruct('a payload schema must be an object');
  return objectFields(schema, '');
}

// ---------------------------------------------------------------------------------------------------------------
// Validation: the server's checker (libs/domain/src/schema.ts, dates.ts), walked over the JSON Schema.

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;

// eslint-disable-next-line no-control-regex -- control characters are exactly what the server refuses
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

function stringProblem(schema: JsonSchema, value: unknown): string | null {
  if (schema.enum) {
    return typeof value === 'string' && schema.enum.includes(value)
      ? null
      : `must be one of: ${schema.enum.join(', ')}`;
  }
  if (schema.format === 'date-time') return instantProblem(value);
  if (typeof value !== 'string') return `must be a string, not ${describe(value)}`;
  if (schema.pattern === PHONE_PATTERN) {
    // The server reads the number by its country's number plan as well; what it refuses beyond this shows on the
    // field from its 422.
    const digits = value.replace(/\D/g, '').length;
    return value.length > (schema.maxLength ?? 32) || !new RegExp(PHONE_PATTERN).test(value) || digits < 3
      ? PHONE_MESSAGE
      : null;
  }
  const min = schema.minLength ?? 0;
  if (value.trim().length < min) return min === 1 ? 'must not be empty' : `must have at least ${min} characters`;
  if (schema.maxLength !== undefined && value.length > schema.maxLength)
    return `must have at most ${schema.maxLength} characters`;
  if (CONTROL.test(value)) return 'must not contain control characters';
  if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value))
    return PATTERN_HINTS[schema.pattern] ?? `must match ${schema.pattern}`;
  return null;
}

function check(schema: JsonSchema, value: unknown, path: string, errors: Record<string, string>): void {
  const fail = (message: string, at = path) => {
    if (!(at in errors)) errors[at] = message;
  };
  switch (schema.type) {
    case 'string': {
      const problem = stringProblem(schema, value);
      if (problem) fail(problem);
      return;
    }
    case 'integer':
    case 'number': {
      const ok =
        typeof value === 'number' && (schema.type === 'number' ? Number.isFinite(value) : Number.isInteger(value));
      if (!ok) return fail(`must be ${schema.type === 'integer' ? 'an integer' : 'a number'}, not ${describe(value)}`);
      const n = value as number;
      if ((schema.minimum !== undefined && n < schema.minimum) || (schema.maximum !== undefined && n > schema.maximum))
        fail(`must be between ${schema.minimum} and ${schema.maximum}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') fail(`must be a boolean, not ${describe(value)}`);
      return;
    case 'array': {
      if (!Array.isArray(value)) return fail(`must be an array, not ${describe(value)}`);
      const min = schema.minItems ?? 0;
      const max = schema.maxItems ?? Infinity;
      if (value.length < min || value.length > max) return fail(`must have between ${min} and ${max} items`);
      value.forEach((item, i) => check(schema.items!, item, `${path}[${i}]`, errors));
      return;
    }
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        return fail(`must be an object, not ${describe(value)}`);
      const properties = schema.properties ?? {};
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (!Object.hasOwn(properties, key)) fail('is not a known field', join(path, key));
      }
      const required = new Set(schema.required ?? []);
      for (const [key, property] of Object.entries(properties)) {
        const field = record[key];
        if (field === undefined) {
          if (required.has(key)) fail('is required', join(path, key));
          continue;
        }
        check(property, field, join(path, key), errors);
      }
      return;
    }
    default:
      throw new UnknownConstruct(`${path || 'payload'}: cannot check a schema of type ${String(schema.type)}`);
  }
}

/**
 * The client's checks of a payload: `{ 'departments[0].code': 'must not be empty' }`, keyed by the paths of the
 * server's 422 problem with its `payload.` prefix taken off; empty when the payload passes.
 */
export function validate(schema: JsonSchema, value: unknown): Record<string, string> {
  const errors: Record<string, string> = {};
  check(schema, value, '', errors);
  return errors;
}

/** A 422 problem's field errors on a payload, keyed as {@link validate} keys them (`payload.x` → `x`). */
export function payloadErrors(fieldErrors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(fieldErrors)) {
    if (field === 'payload') out[''] = message;
    else if (field.startsWith('payload.')) out[field.slice('payload.'.length)] = message;
  }
  return out;
}

/** A dotted path as a form's name: `departments[0].code` → `['departments', 0, 'code']`. */
export function nameOf(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const part of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const index of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

// Instants, by the server's one rule (libs/domain/src/dates.ts): the same shapes, years and messages.
const FIRST_YEAR = 1950;
const LAST_YEAR = 2199;
const CHINA_OFFSET_MS = 8 * 3_600_000;
const EARLIEST = Date.UTC(FIRST_YEAR, 0, 1) - CHINA_OFFSET_MS;
const END = Date.UTC(LAST_YEAR + 1, 0, 1) - CHINA_OFFSET_MS;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;
const INSTANT_FORMAT = 'an ISO 8601 date-time with an offset, e.g. 2026-03-02T09:00:00+08:00';
const RANGE = `from ${FIRST_YEAR}-01-01 to ${LAST_YEAR}-12-31 (China time)`;

function dayNumber(year: number, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1) return null;
  const t = Date.UTC(year, month - 1, day);
  const back = new Date(t);
  return back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day
    ? t / 86_400_000
    : null;
}

/** Why `value` is not an instant the server accepts, or null. */
export function instantProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `must be ${INSTANT_FORMAT}`;
  const m = INSTANT.exec(value);
  if (!m) return `must be ${INSTANT_FORMAT}`;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < FIRST_YEAR - 1 || year > LAST_YEAR + 1) return `must be an instant ${RANGE}`;
  const days = dayNumber(year, month, day);
  if (days === null || hour > 23 || minute > 59 || second > 59) return 'must be a date and time that exist';
  const offsetMinutes = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  if (Number(m[11]) > 59 || offsetMinutes < -12 * 60 || offsetMinutes > 14 * 60)
    return 'must have an offset from -12:00 to +14:00';
  const at = days * 86_400_000 + (hour * 60 + minute - offsetMinutes) * 60_000 + second * 1000;
  if (at < EARLIEST || at >= END) return `must be an instant ${RANGE}`;
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Form values → payload.

const pad = (n: number) => String(Math.abs(Math.trunc(n))).padStart(2, '0');

/** An instant as ISO 8601 with the browser's offset, to the second: `2026-03-05T14:00:00+08:00`. */
export function isoWithOffset(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(offset / 60)}:${pad(offset % 60)}`
  );
}

const isEmpty = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** Whether a form value holds anything a person wrote: a non-empty leaf anywhere in it. */
function touched(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(touched);
  if (
    value &&
    typeof value === 'object' &&
    !(value instanceof Date) &&
    typeof (value as { toDate?: unknown }).toDate !== 'function'
  )
    return Object.values(value).some(touched);
  return !isEmpty(value);
}

function instantOf(value: unknown): unknown {
  if (value instanceof Date) return isoWithOffset(value);
  if (value && typeof value === 'object' && typeof (value as { toDate?: unknown }).toDate === 'function')
    return isoWithOffset((value as { toDate(): Date }).toDate()); // a dayjs value, as antd's DatePicker gives
  return value;
}

function valueOf(field: Field, value: unknown): unknown {
  switch (field.kind) {
    case 'integer':
    case 'number':
      if (isEmpty(value)) return undefined;
      return typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
    case 'boolean':
      return value === undefined || value === null ? (field.required ? false : undefined) : value;
    case 'datetime':
      return isEmpty(value) ? undefined : instantOf(value);
    case 'multiselect':
    case 'tags': {
      if (value === undefined || value === null) return field.required ? [] : undefined;
      if (!Array.isArray(value)) return value;
      const items = value.filter((item) => !isEmpty(item));
      return items.length === 0 && !field.required ? undefined : items;
    }
    case 'list': {
      if (value === undefined || value === null) return field.required ? [] : undefined;
      if (!Array.isArray(value)) return value;
      const rows = value.map((row) => objectOf(field.fields!, (row ?? {}) as Record<string, unknown>));
      return rows.length === 0 && !field.required ? undefined : rows;
    }
    case 'object':
      // An optional group nobody wrote in is left out; once anything is written in it, it is checked whole.
      if (!field.required && !touched(value)) return undefined;
      return objectOf(field.fields!, (value ?? {}) as Record<string, unknown>);
    default:
      return isEmpty(value) ? undefined : value;
  }
}

function objectOf(fields: Field[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = valueOf(field, values[field.name]);
    if (value !== undefined) out[field.name] = value;
  }
  return out;
}

/**
 * The payload of a form's values: empty optional fields left out, numbers as numbers, instants as ISO 8601 with
 * their offset, repeatable groups as arrays of objects. What is wrong is left for {@link validate} to say.
 */
export function toPayload(fields: Field[], formValues: Record<string, unknown>): Record<string, unknown> {
  return objectOf(fields, formValues ?? {});
}
