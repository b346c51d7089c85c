import { ErrorCode, PHONE_MESSAGE as SERVER_PHONE_MESSAGE, s, type FieldError, type Schema } from '#domain';
import {
  decideMigration,
  MIGRATE_MACHINE,
  MIGRATIONS,
  referralWorkflows,
  restoreSnapshot,
  workflows,
  type StoredSnapshot,
} from '#workflows';
import { eventSchemas } from '../../../api/src/event-schemas.js';
import {
  fieldsOf,
  nameOf,
  payloadErrors,
  PHONE_MESSAGE,
  toPayload,
  UnknownConstruct,
  validate,
  type Field,
  type JsonSchema,
} from './schema-form.js';

/**
 * The generated forms against the server, for every event payload of every machine version: the components the
 * OpenAPI document publishes (`eventSchemas()`, what the console reads at run time) and the machines' own
 * schemas. A new version, event or schema construct is covered (or fails here) without touching this file.
 */

const PAYLOAD_NAME = /^(dispute|petition|referral)\.v(\d+)\.([A-Z_]+)$/;
const components = Object.entries(eventSchemas())
  .filter(([name]) => PAYLOAD_NAME.test(name))
  .map(([name, schema]) => [name, schema as JsonSchema] as const);

type ServerCheck = (payload: unknown) => Record<string, string>;

const asMap = (errors: FieldError[]) => payloadErrors(Object.fromEntries(errors.map((e) => [e.field, e.message])));

/** The server's own check of a component's payload: the machine's schema, or the engine's MIGRATE_MACHINE. */
function serverCheck(name: string): ServerCheck {
  const [, machine, version, type] = PAYLOAD_NAME.exec(name)!;
  if (type === MIGRATE_MACHINE) {
    const kind = machine as 'dispute' | 'petition';
    const workflow = workflows[kind][Number(version)]!;
    const initial = workflow.machine.getInitialSnapshot({} as never, { category: null } as never);
    const snapshot = restoreSnapshot(workflow, {
      status: 'active',
      value: initial.value,
      context: initial.context,
    } as StoredSnapshot);
    return (payload) => {
      const result = decideMigration({ kind, versions: workflows[kind] }, Number(version), snapshot, {
        payload,
        actor: { role: 'admin' },
      });
      // A 409 (no mapping from this state) is no verdict on the payload: only a 422 is.
      return !result.ok && result.refusal.code === ErrorCode.ValidationFailed ? asMap(result.refusal.errors ?? []) : {};
    };
  }
  const versions = machine === 'referral' ? referralWorkflows : workflows[machine as 'dispute' | 'petition'];
  const schema = versions[Number(version)]!.events[type!]!.payload as Schema<unknown>;
  return (payload) => {
    const result = s.validate(schema, payload, 'payload');
    return result.ok ? {} : asMap(result.errors);
  };
}

/**
 * Rules across fields that JSON Schema cannot state (`refine(...)` in the machines): the generated value breaks
 * them, so each is listed with a value that keeps it. The client leaves them to the server's 422, shown on the
 * field. A new refinement fails the test until it is listed here.
 */
const REFINED: Record<string, { rule: string; valid: Record<string, unknown> }> = {
  'dispute.v1.REFER': {
    rule: 'exactly one of departments or departmentCode; one lead; no department twice',
    valid: { departmentCode: 'JUSTICE', instructions: '请核查' },
  },
  'dispute.v2.REFER': {
    rule: 'as version 1, and dueInWorkingDays or dueAt, not both',
    valid: { departments: [{ code: 'JUSTICE', role: 'lead' }], instructions: '请核查', dueInWorkingDays: 5 },
  },
  'petition.v1.ASSIGN_HANDLER': {
    rule: 'a unitCode, a departmentCode or both',
    valid: { unitCode: 'XC-XH' },
  },
  'petition.v2.ASSIGN_HANDLER': {
    rule: 'a unitCode, a departmentCode or both',
    valid: { unitCode: 'XC-XH' },
  },
  'petition.v2.DECLINE': {
    rule: 'ground already_re_reviewed names the related case',
    valid: { reason: '不予受理' },
  },
};

/**
 * Where the server words a refusal otherwise than the client (same field, other message), by component, path and
 * case: the engine checks MIGRATE_MACHINE's `answers` in two steps (workflows/upgrades/migrate.ts), any object
 * first, then the upgrade's own questions, and words both its own way.
 */
const OTHER_WORDS: Record<string, string> = Object.fromEntries(
  components
    .filter(([name]) => name.endsWith(`.${MIGRATE_MACHINE}`))
    .flatMap(([name]) => [
      [`${name} answers not an object`, 'must be an object'],
      [`${name} answers missing`, 'must be an object, not a undefined'],
    ]),
);

// ---------------------------------------------------------------------------------------------------------------
// Values generated from a schema.

const SAMPLE_UUID = '0b0e7d2a-5a59-4c1e-9a3c-6f1f2c3d4e5f';
/** A value and a value that fails, for every pattern the payloads use; a new pattern needs a line here. */
const PATTERNS: Record<string, { good: (i: number) => string; bad: string }> = {
  '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$': {
    good: (i) => SAMPLE_UUID.slice(0, -1) + String(i % 10),
    bad: 'not-a-uuid',
  },
  '^[A-Za-z0-9][A-Za-z0-9_-]*$': { good: (i) => (i ? `JUSTICE${i}` : 'JUSTICE'), bad: '-JUSTICE' },
  '^[0-9a-fA-F]{64}$': { good: () => 'a'.repeat(64), bad: 'g'.repeat(64) },
  '^\\+?[0-9 ().-]+$': { good: () => '13812345678', bad: '138-abc-5678' },
};

function sample(schema: JsonSchema, full: boolean, i = 0): unknown {
  switch (schema.type) {
    case 'string': {
      if (schema.enum) return schema.enum[i % schema.enum.length];
      if (schema.format === 'date-time') return '2026-03-05T14:00:00+08:00';
      if (schema.pattern) {
        const pattern = PATTERNS[schema.pattern];
        if (!pattern) throw new Error(`no sample for the pattern ${schema.pattern}: add it to PATTERNS`);
        return pattern.good(i);
      }
      return `说明${i || ''}`.padEnd(schema.minLength ?? 1, '。').slice(0, schema.maxLength ?? 100);
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: Math.max(schema.minItems ?? 0, 1) }, (_, j) => sample(schema.items!, full, j));
    case 'object': {
      const required = new Set(schema.required ?? []);
      return Object.fromEntries(
        Object.entries(schema.properties ?? {})
          .filter(([key]) => full || required.has(key))
          .map(([key, property]) => [key, sample(property, full)]),
      );
    }
  }
  throw new Error(`no sample for ${JSON.stringify(schema)}`);
}

/**
 * Valid values of a payload: only its required fields, all of them, and the required ones with each optional one
 * (so a rule across fields shows). MIGRATE_MACHINE's `toVersion` is the version its upgrade goes to: any other is
 * refused (409) before `answers` are read.
 */
function validValues(name: string, schema: JsonSchema): Map<string, Record<string, unknown>> {
  const minimal = sample(schema, false) as Record<string, unknown>;
  const full = sample(schema, true) as Record<string, unknown>;
  const out = new Map<string, Record<string, unknown>>([
    ['minimal', minimal],
    ['full', full],
  ]);
  for (const key of Object.keys(full).filter((k) => !(k in minimal)))
    out.set(`with ${key}`, { ...minimal, [key]: full[key] });
  const [, kind, version, type] = PAYLOAD_NAME.exec(name)!;
  if (type === MIGRATE_MACHINE) {
    const to = MIGRATIONS.find((m) => m.kind === kind && m.from === Number(version))!.to;
    for (const value of out.values()) value.toVersion = to;
  }
  return out;
}

interface Invalid {
  what: string;
  /** Where the bad value goes in a copy of the valid payload. */
  at: string;
  value: unknown;
  /** Where both checks must refuse it. */
  path: string;
}
const MISSING = Symbol('missing');

/** Values a field's schema refuses, each at `path` (relative to the payload). */
function invalidsOf(schema: JsonSchema, path: string, required: boolean): Invalid[] {
  const out: Invalid[] = [];
  const add = (what: string, value: unknown, refusedAt = path) => out.push({ what, at: path, value, path: refusedAt });
  if (required) add('missing', MISSING);
  switch (schema.type) {
    case 'string':
      add('not a string', 42);
      if (schema.enum) {
        add('not in the enum', 'no_such_value');
        break;
      }
      if (schema.format === 'date-time') {
        add('no offset', '2026-03-05T14:00:00');
        add('a date that does not exist', '2026-02-30T10:00:00+08:00');
        add('before the calendar', '1900-01-01T00:00:00Z');
        add('not a date', 'next Tuesday');
        break;
      }
      if ((schema.minLength ?? 0) > 1) add('too short', 'a'.repeat(schema.minLength! - 1));
      else if (schema.minLength === 1) add('blank', '   ');
      if (schema.maxLength !== undefined) add('too long', '9'.repeat(schema.maxLength + 1));
      if (schema.pattern) add('not matching the pattern', PATTERNS[schema.pattern]!.bad);
      else add('a control character', 'a\u0007b');
      break;
    case 'integer':
    case 'number':
      add('a string', '3');
      if (schema.type === 'integer') add('a fraction', (schema.minimum ?? 0) + 0.5);
      if (schema.minimum !== undefined) add('below the minimum', schema.minimum - 1);
      if (schema.maximum !== undefined) add('above the maximum', schema.maximum + 1);
      break;
    case 'boolean':
      add('a string', 'yes');
      break;
    case 'array':
      add('not an array', 'x');
      if ((schema.minItems ?? 0) > 0) add('too few items', []);
      if (schema.maxItems !== undefined)
        add(
          'too many items',
          Array.from({ length: schema.maxItems + 1 }, (_, j) => sample(schema.items!, true, j)),
        );
      for (const item of invalidsOf(schema.items!, `${path}[0]`, false)) out.push(item);
      break;
    case 'object':
      add('not an object', 'x');
      add('an unknown field', { ...(sample(schema, true) as object), zzz: 1 }, path ? `${path}.zzz` : 'zzz');
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        const at = path ? `${path}.${key}` : key;
        out.push(...invalidsOf(property, at, (schema.required ?? []).includes(key)));
      }
      break;
  }
  return out;
}

/** `payload` with the value at `path` replaced (or removed). */
function withValue(payload: unknown, path: string, value: unknown): unknown {
  if (!path) return value;
  const copy = JSON.parse(JSON.stringify(payload)) as Record<string | number, unknown>;
  const keys = nameOf(path);
  let node = copy as Record<string | number, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === MISSING) delete node[last];
  else node[last] = value;
  return copy;
}

/** Every property of a schema, nested ones too, as dotted paths (list items under `[]`). */
function propertyPaths(schema: JsonSchema, path = ''): string[] {
  if (schema.type === 'object')
    return Object.entries(schema.properties ?? {}).flatMap(([key, p]) => {
      const at = path ? `${path}.${key}` : key;
      return [at, ...propertyPaths(p, at)];
    });
  if (schema.type === 'array') return propertyPaths(schema.items!, `${path}[]`);
  return [];
}
function fieldPaths(fields: Field[], path = ''): string[] {
  return fields.flatMap((f) => {
    const at = path ? `${path}.${f.name}` : f.name;
    if (f.kind === 'list') return [at, ...fieldPaths(f.fields!, `${at}[]`)];
    if (f.kind === 'object') return [at, ...fieldPaths(f.fields!, at)];
    return [at];
  });
}

// ---------------------------------------------------------------------------------------------------------------

describe('forms generated from the event payload schemas', () => {
  it('covers every event of every machine version, as the OpenAPI document publishes them', () => {
    const machines: Array<[string, Record<number, { events: Record<string, unknown> }>]> = [
      ...Object.entries(workflows),
      ['referral', referralWorkflows],
    ];
    const declared = machines.flatMap(([machine, versions]) =>
      Object.entries(versions).flatMap(([version, w]) =>
        Object.keys(w.events).map((t) => `${machine}.v${version}.${t}`),
      ),
    );
    const published = new Set(components.map(([name]) => name));
    expect(declared.filter((name) => !published.has(name))).toEqual([]);
    expect(components.length).toBeGreaterThan(100);
  });

  it("gives the machines' own schemas the same fields as the published ones", () => {
    for (const [machine, versions] of [...Object.entries(workflows), ['referral', referralWorkflows] as const]) {
      for (const [version, workflow] of Object.entries(versions)) {
        for (const [type, spec] of Object.entries(workflow.events)) {
          const own = fieldsOf(spec.payload.jsonSchema() as JsonSchema);
          const published = fieldsOf(eventSchemas()[`${machine}.v${version}.${type}`] as JsonSchema);
          expect(own).toEqual(published.map((f) => f));
        }
      }
    }
  });

  it('the server and the client speak of a phone number alike', () => {
    expect(PHONE_MESSAGE).toBe(SERVER_PHONE_MESSAGE);
  });

  it.each(components)('%s: a field per property, and a valid value passes both checks', (name, schema) => {
    const fields = fieldsOf(schema);
    expect(fieldPaths(fields)).toEqual(propertyPaths(schema));
    const server = serverCheck(name);
    const refused: string[] = [];
    for (const [variant, value] of validValues(name, schema)) {
      expect({ variant, errors: validate(schema, value) }).toEqual({ variant, errors: {} });
      if (Object.keys(server(value)).length) refused.push(variant);
    }
    const refined = REFINED[name];
    if (!refined) {
      expect({ name, refusedByTheServer: refused }).toEqual({ name, refusedByTheServer: [] });
      return;
    }
    // A listed refinement is one the server applies: the generated value breaks it, the listed value keeps it.
    expect(refused.length).toBeGreaterThan(0);
    expect(validate(schema, refined.valid)).toEqual({});
    expect(server(refined.valid)).toEqual({});
  });

  it.each(components)(
    '%s: every invalid value is refused by both, on the same field, with the same message',
    (name, schema) => {
      const server = serverCheck(name);
      const valid = validValues(name, schema).get('full');
      const cases = invalidsOf(schema, '', true).filter((c) => c.at !== '');
      cases.push({ what: 'an unknown field', at: 'zzz', value: 1, path: 'zzz' });
      for (const c of cases) {
        const value = withValue(valid, c.at, c.value);
        const client = validate(schema, value);
        const theirs = server(value);
        expect({ what: c.what, refusedAt: Object.keys(client) }).toEqual({ what: c.what, refusedAt: [c.path] });
        const worded = OTHER_WORDS[`${name} ${c.path} ${c.what}`];
        if (worded) {
          expect({ what: c.what, server: theirs }).toEqual({ what: c.what, server: { [c.path]: worded } });
        } else {
          expect({ what: c.what, client }).toEqual({ what: c.what, client: theirs });
        }
      }
    },
  );
});

describe('fieldsOf', () => {
  it('maps each construct to its control', () => {
    const fields = fieldsOf(eventSchemas()['dispute.v2.REFER'] as JsonSchema);
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['departments', 'list', false],
      ['departmentCode', 'text', false],
      ['instructions', 'textarea', true],
      ['dueInWorkingDays', 'integer', false],
      ['dueAt', 'datetime', false],
      ['shareParties', 'boolean', false],
    ]);
    expect(fields[0]!.fields!.map((f) => [f.path, f.kind, f.options])).toEqual([
      ['code', 'text', undefined],
      ['role', 'select', ['lead', 'assist']],
    ]);
    expect(fields[3]).toMatchObject({ min: 1, max: 365 });
    const party = fieldsOf(eventSchemas()['dispute.v2.ADD_PARTY'] as JsonSchema);
    expect(party.map((f) => f.kind)).toEqual(['select', 'text', 'phone', 'text', 'multiselect']);
    expect(fieldsOf(eventSchemas()['dispute.v2.ASSIGN'] as JsonSchema)[0]).toMatchObject({
      kind: 'person',
      required: true,
    });
    const extend = fieldsOf(eventSchemas()['dispute.v2.EXTEND_DEADLINE'] as JsonSchema);
    expect(extend.find((f) => f.name === 'consent')!.fields![0]!.fields!.map((f) => f.path)).toEqual([
      'consent.applicant.at',
      'consent.applicant.record',
    ]);
    expect(fieldsOf(eventSchemas()['dispute.v2.CLASSIFY'] as JsonSchema)[2]).toMatchObject({
      kind: 'tags',
      maxLength: 40,
      maxItems: 20,
    });
  });

  it.each([
    ['a oneOf', { type: 'object', additionalProperties: false, properties: { x: { oneOf: [] } } }],
    ['a $ref', { type: 'object', additionalProperties: false, properties: { x: { $ref: '#/x' } } }],
    [
      'a format it does not know',
      { type: 'object', additionalProperties: false, properties: { x: { type: 'string', format: 'email' } } },
    ],
    ['an open object', { type: 'object', properties: {} }],
    [
      'an array of arrays',
      {
        type: 'object',
        additionalProperties: false,
        properties: { x: { type: 'array', items: { type: 'array', items: { type: 'string' } } } },
      },
    ],
    [
      'a keyword it does not know',
      { type: 'object', additionalProperties: false, properties: { x: { type: 'integer', multipleOf: 2 } } },
    ],
  ])('refuses %s', (_, schema) => {
    expect(() => fieldsOf(schema as JsonSchema)).toThrow(UnknownConstruct);
  });
});

describe('toPayload', () => {
  it('leaves out empty optional fields and writes numbers, instants and groups as the server takes them', () => {
    const schema = eventSchemas()['dispute.v2.REFER'] as JsonSchema;
    const fields = fieldsOf(schema);
    const at = new Date('2026-03-05T06:00:00Z');
    const payload = toPayload(fields, {
      departments: [{ code: 'JUSTICE', role: 'lead' }],
      departmentCode: '',
      instructions: '请核查',
      dueInWorkingDays: '5',
      dueAt: { toDate: () => at },
      shareParties: undefined,
    });
    expect(payload).toMatchObject({
      departments: [{ code: 'JUSTICE', role: 'lead' }],
      instructions: '请核查',
      dueInWorkingDays: 5,
    });
    expect(Object.keys(payload)).toEqual(['departments', 'instructions', 'dueInWorkingDays', 'dueAt']);
    expect(new Date(payload.dueAt as string).toISOString()).toBe(at.toISOString());
    expect(validate(schema, { ...payload, dueAt: payload.dueAt })).toEqual({});
  });

  it('keeps a required switch as false, and drops an optional group left empty', () => {
    const reply = fieldsOf(eventSchemas()['referral.v2.REPLY'] as JsonSchema);
    expect(toPayload(reply, { result: '已处理' })).toEqual({ result: '已处理', resolved: false });
    const extend = fieldsOf(eventSchemas()['dispute.v2.EXTEND_DEADLINE'] as JsonSchema);
    expect(toPayload(extend, { days: 3, reason: '当事人申请', approver: { name: '', title: undefined } })).toEqual({
      days: 3,
      reason: '当事人申请',
    });
    const party = fieldsOf(eventSchemas()['dispute.v2.ADD_PARTY'] as JsonSchema);
    expect(toPayload(party, { role: 'applicant', name: '王明', vulnerable: [] })).toEqual({
      role: 'applicant',
      name: '王明',
    });
  });

  it('maps problem paths to form names', () => {
    expect(nameOf('departments[0].code')).toEqual(['departments', 0, 'code']);
    expect(nameOf('consent.applicant.at')).toEqual(['consent', 'applicant', 'at']);
    expect(payloadErrors({ 'payload.userId': 'x', caseId: 'y' })).toEqual({ userId: 'x' });
  });
});
