import { Ajv, type ValidateFunction } from 'ajv';
import type { TestApi } from './api-client.js';

/**
 * Walking the API's own OpenAPI document, so that a test which covers "every route" covers a route added
 * later without being touched; and the hostile values the fuzzers put in every field.
 */

export interface OpenApiSchema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  pattern?: string;
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  additionalProperties?: boolean | OpenApiSchema;
  allOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  anyOf?: OpenApiSchema[];
  /** Which of `oneOf` a value is, by one of its properties (the events operations' `type`). */
  discriminator?: { propertyName: string; mapping?: Record<string, string> };
  nullable?: boolean;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: OpenApiSchema;
}

export interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: OpenApiSchema }> };
  responses?: Record<
    string,
    {
      description?: string;
      headers?: Record<string, { description?: string; schema?: OpenApiSchema }>;
      content?: Record<string, { schema?: OpenApiSchema }>;
    }
  >;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

export interface Route {
  method: string;
  /** As the document spells it, with the prefix: `/api/v1/cases/{id}`. */
  path: string;
  operation: OpenApiOperation;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The document the running API serves at `/docs-json`. */
export async function loadOpenApi(api: Pick<TestApi, 'url'>): Promise<OpenApiDocument> {
  const response = await fetch(`${api.url.replace(/\/api\/v1$/, '')}/docs-json`);
  if (response.status !== 200) throw new Error(`GET /docs-json answered ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}

/** Every operation of the document, optionally only those of `methods`. */
export function routesOf(doc: OpenApiDocument, methods: string[] = METHODS): Route[] {
  return Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod)
      .filter(([method]) => methods.includes(method))
      .map(([method, operation]) => ({ method, path, operation })),
  );
}

/** The schema a `$ref` names, followed until it is not a reference. */
export function derefSchema(doc: OpenApiDocument, schema: OpenApiSchema | undefined): OpenApiSchema {
  if (!schema) return {};
  return schema.$ref ? derefSchema(doc, doc.components?.schemas?.[schema.$ref.split('/').at(-1)!]) : schema;
}

/**
 * The alternative of a `oneOf` with a discriminator that `value` names (the event envelope its `type` picks), or
 * the schema itself when it has none or `value` names none.
 */
export function alternativeFor(doc: OpenApiDocument, raw: OpenApiSchema | undefined, value: unknown): OpenApiSchema {
  const schema = derefSchema(doc, raw);
  const discriminator = schema.discriminator;
  if (!schema.oneOf || !discriminator || value === null || typeof value !== 'object') return schema;
  const tag = (value as Record<string, unknown>)[discriminator.propertyName];
  const target =
    typeof tag === 'string' && Object.hasOwn(discriminator.mapping ?? {}, tag)
      ? discriminator.mapping![tag]
      : undefined;
  return target ? derefSchema(doc, { $ref: target }) : schema;
}

/** The schema with its `$ref` followed and `allOf`/`oneOf`/`anyOf` merged into one. */
export function resolveSchema(doc: OpenApiDocument, schema: OpenApiSchema | undefined): OpenApiSchema {
  if (!schema) return {};
  if (schema.$ref) return resolveSchema(doc, doc.components?.schemas?.[schema.$ref.split('/').at(-1)!]);
  const composed = schema.allOf ?? schema.oneOf ?? schema.anyOf;
  if (composed) {
    const merged = Object.assign({}, ...composed.map((s) => resolveSchema(doc, s)), schema) as OpenApiSchema;
    return { ...merged, allOf: undefined, oneOf: undefined, anyOf: undefined };
  }
  return schema;
}

export const jsonBodySchema = (doc: OpenApiDocument, operation: OpenApiOperation): OpenApiSchema | undefined => {
  const schema = operation.requestBody?.content?.['application/json']?.schema;
  return schema ? resolveSchema(doc, schema) : undefined;
};

/**
 * A plausible value of `schema`: its example, its first enum value, or one of its type; `string` fills in a
 * string with no format (the caller knows better than the document what an id or code should be).
 */
export function sampleOf(
  doc: OpenApiDocument,
  raw: OpenApiSchema | undefined,
  string: (format?: string) => string = () => 'x',
  depth = 0,
): unknown {
  // A sample of one of several alternatives is a sample of the first.
  const alternatives = derefSchema(doc, raw).oneOf ?? derefSchema(doc, raw).anyOf;
  if (alternatives?.length) return sampleOf(doc, alternatives[0], string, depth);
  const schema = resolveSchema(doc, raw);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return schema.enum[0];
  switch (schema.type) {
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return depth > 3 ? [] : [sampleOf(doc, schema.items, string, depth + 1)];
    case 'string':
      return string(schema.format);
    default:
      if (!schema.properties || depth > 3) return {};
      return Object.fromEntries(
        Object.entries(schema.properties).map(([k, v]) => [k, sampleOf(doc, v, string, depth + 1)]),
      );
  }
}

/** A field of a body, present or left out, with its schema: where the fuzzer can put a value the schema describes. */
export interface SchemaSlot {
  container: Record<string, unknown>;
  key: string;
  schema: OpenApiSchema;
  /** Whether the field is required; an optional one may be left out, never sent as null. */
  required: boolean;
  /** `parties[0].phone`, `payload.at` */
  path: string;
}

/**
 * Every field `schema` declares for `body` and the objects nested in it (array items included), whether `body`
 * has it or not; `schemaOf` may give a better schema for a field than the document does (an event's payload).
 */
export function schemaSlots(
  doc: OpenApiDocument,
  raw: OpenApiSchema | undefined,
  body: unknown,
  schemaOf: (path: string, container: Record<string, unknown>) => OpenApiSchema | undefined = () => undefined,
  path = '',
  depth = 0,
): SchemaSlot[] {
  // Of a `oneOf` by a discriminator, the alternative the body names; of any other composition, every field.
  const schema = resolveSchema(doc, alternativeFor(doc, raw, body));
  if (depth > 6 || body === null || typeof body !== 'object') return [];
  if (Array.isArray(body)) {
    // A plain loop: a fuzzed array may carry an own `constructor`, which Array.prototype.flatMap would call.
    const out: SchemaSlot[] = [];
    for (let i = 0; i < body.length; i++)
      out.push(...schemaSlots(doc, schema.items, body[i], schemaOf, `${path}[${i}]`, depth + 1));
    return out;
  }
  const container = body as Record<string, unknown>;
  return Object.entries(schema.properties ?? {}).flatMap(([key, declared]) => {
    const field = path ? `${path}.${key}` : key;
    const own = schemaOf(field, container) ?? resolveSchema(doc, declared);
    return [
      { container, key, schema: own, required: schema.required?.includes(key) ?? false, path: field },
      ...schemaSlots(doc, own, container[key], schemaOf, field, depth + 1),
    ];
  });
}

/** A date-time, or a date, by the schema's format, or by an example that is one. */
export const isDateSchema = (schema: OpenApiSchema | undefined): boolean =>
  schema?.format === 'date-time' ||
  schema?.format === 'date' ||
  (typeof schema?.example === 'string' && /^\d{4}-\d{2}-\d{2}/.test(schema.example));

/**
 * `value` percent-encoded for a path segment or a query value. A lone surrogate, which `encodeURIComponent`
 * refuses, is sent as the three bytes a careless client would send for it (invalid UTF-8).
 */
export function encodeComponent(value: string): string {
  return [...value]
    .map((ch) => {
      const c = ch.codePointAt(0)!;
      if (c < 0xd800 || c > 0xdfff) return encodeURIComponent(ch);
      return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    })
    .join('');
}

/** `path` with each `{name}` replaced by `valueFor(name, collection)`, percent-encoded. */
export function fillPath(path: string, valueFor: (name: string, collection: string) => string): string {
  const segments = path.split('/');
  return segments
    .map((segment, i) => {
      const name = /^\{([^}]+)\}$/.exec(segment)?.[1];
      return name === undefined ? segment : encodeComponent(valueFor(name, segments[i - 1] ?? ''));
    })
    .join('/');
}

/** Strings that have broken SQL, NoSQL, shell, path and template handling somewhere before. */
export const INJECTION_STRINGS = [
  `' OR '1'='1`,
  `'; DROP TABLE cases; --`,
  `1; DELETE FROM case_events`,
  `" OR ""="`,
  `\\`,
  `%`,
  `_`,
  `%_\\%`,
  `$1`,
  `'||(SELECT pg_sleep(0))||'`,
  `{"$gt": ""}`,
  `{"$where": "sleep(1)"}`,
  `$ne`,
  `../../../../etc/passwd`,
  `..%2f..%2fetc%2fpasswd`,
  `%2e%2e%2f`,
  `/api/v1/cases`,
  `\${7*7}`,
  `{{7*7}}`,
  `<script>alert(1)</script>`,
  `$(reboot)`,
  `\`id\``,
  `__proto__`,
  `constructor`,
  `NaN`,
  `-1`,
  `1e309`,
  `00000000-0000-0000-0000-000000000000`,
  `null`,
  `true`,
  ``,
  ` `,
];

/** Unicode that tends to break storage and comparisons: emoji, RTL, combining marks, NUL, lone surrogates. */
export const UNICODE_STRINGS = [
  '👨‍👩‍👧‍👦🏳️‍🌈',
  '\u202Eevil\u202C',
  'مرحبا بالعالم',
  'שָׁלוֹם',
  'e\u0301', // e and a combining acute accent
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\ufeff',
  '\u2028\u2029',
  '\uffff',
  '𝕮𝖔𝖓𝖈𝖔𝖗𝖉',
  '調解 纠纷 信訪',
  'Ｆｕｌｌｗｉｄｔｈ',
  '\r\n\t',
  '\u001b[31m',
];

/** Values of the wrong type for any field. */
export const WRONG_TYPES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  2 ** 53 + 2,
  1e308,
  true,
  false,
  '',
  [],
  [1, 2],
  {},
  { $gt: '' },
  'x'.repeat(10),
];

/**
 * The document's schemas as JSON Schema that admits nothing the document does not say: `nullable` becomes a
 * union with null, and an object that lists its properties takes no other (unless it says
 * `additionalProperties`); `$ref`s point to the `definitions` of the schema `root`. OpenAPI's annotations that
 * JSON Schema lacks are dropped.
 */
function strictSchema(schema: unknown, root: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => strictSchema(s, root));
  if (schema === null || typeof schema !== 'object') return schema;
  const { nullable, example: _example, discriminator: _discriminator, ...rest } = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === '$ref') out.$ref = `${root}#/definitions/${String(value).split('/').at(-1)}`;
    else if (key === 'properties' || key === 'mapping')
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, strictSchema(v, root)]),
      );
    else out[key] = strictSchema(value, root);
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  if (nullable !== true) return out;
  const { description, ...typed } = out;
  return { ...(description === undefined ? {} : { description }), anyOf: [typed, { type: 'null' }] };
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export interface AnswerChecker {
  /** What is wrong with an answer of `route`: nothing when the document declares its status and its body fits. */
  answer(route: Pick<Route, 'method' | 'path'>, status: number, contentType: string, body: unknown): string[];
  /** What is wrong with `value` as the component schema `name` (e.g. each line of a JSON Lines export). */
  component(name: string, value: unknown): string[];
}

/**
 * Checks answers against the responses the document declares for their operation and status, strictly (see
 * strictSchema): a status the operation does not declare, a field it does not declare, a missing required
 * field or a null where none is allowed is an error. `byDefault`: statuses an operation's `default` answer may
 * stand for (the HTTP edge's refusals of requests outside any operation's contract); no other status does.
 */
export function answerChecker(doc: OpenApiDocument, options: { byDefault?: readonly number[] } = {}): AnswerChecker {
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  ajv.addFormat('date-time', (value: string) => ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)));
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addSchema({ $id: 'openapi', definitions: strictSchema(doc.components?.schemas ?? {}, 'openapi') as object });
  const compiled = new Map<string, ValidateFunction>();
  const check = (key: string, schema: () => unknown, value: unknown): string[] => {
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(strictSchema(schema(), 'openapi') as object);
      compiled.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  };
  return {
    answer(route, status, contentType, body) {
      const where = `${route.method.toUpperCase()} ${route.path}`;
      const responses = doc.paths[route.path]?.[route.method]?.responses;
      if (!responses) return [`${where} is not in the document`];
      const response =
        responses[String(status)] ?? (options.byDefault?.includes(status) ? responses.default : undefined);
      if (!response) return [`${status} is not a documented answer of ${where}`];
      const mediaType = contentType.split(';')[0]!.trim();
      if (!response.content) return body === '' || body === undefined ? [] : [`${status} is documented without a body`];
      const schema = response.content[mediaType]?.schema;
      if (!schema) return [`${status} of ${where} is not documented as ${mediaType || 'no content type'}`];
      return check(`${where} ${status} ${mediaType}`, () => schema, body);
    },
    component: (name, value) => check(name, () => ({ $ref: `#/components/schemas/${name}` }), value),
  };
}
