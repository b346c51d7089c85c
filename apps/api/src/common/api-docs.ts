import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiHeader,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSchema,
  getSchemaPath,
} from '@nestjs/swagger';

/**
 * How every operation is described in the OpenAPI document, which the console generates its types from:
 *
 *   @ApiTags('cases')                    a tag of API_TAGS (the document declares each, with its description)
 *   @ApiOperation({ operationId, summary, description })   who may call it, what scope applies, what it refuses
 *   @ApiOkResponse({ type: CaseViewDto }) the success answer as a response DTO (`dto/*-views.dto.ts`)
 *   @ApiProblems(401, 403, 404, …)       every problem status the route can answer, as `Problem`
 *   @ApiIdempotencyKey()                 on every POST (IdempotencyInterceptor)
 *
 * apps/api/test/openapi-document.spec.ts holds every operation to this, and lints the document with spectral.
 */

/** The document's tags, in the order the documentation lists them. */
export const API_TAGS = {
  cases: 'Cases (disputes and petitions): registration, reads, events that move them through their machine, history.',
  referrals: 'Referrals (交办) to departments: the department inbox and its answers (街社吹哨、部门报到).',
  machines: 'The machines cases and referrals run on: each version’s states, clocks and transitions.',
  deadlines: 'Clocks of cases and referrals, the working-day calendar and the deadline policies that set the limits.',
  audit: 'Auditor reads: a case rebuilt at an instant, the event log, its verification and anchors, disclosures.',
  stats: 'Key performance indicators.',
  admin: 'Administration: units, departments, staff accounts, API keys and webhook deliveries.',
  people: 'People: signing in and out with a session cookie, and the signed-in person’s own account.',
  public: 'Public progress (阳光信访): a case followed by its query code, without a key and without PII.',
  ops: 'Operations: where to start, health and Prometheus metrics.',
} as const;

/** The security scheme of every operation that takes an API key (`@ApiBearerAuth()`). */
export const BEARER_AUTH = {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'API key',
  description:
    'An API key (`ck_<role>_…`). Each key has a role (admin, intake, mediator, department, auditor) and may be ' +
    'scoped to a unit: it then sees only that unit and the units below it.',
} as const;

@ApiSchema({ name: 'FieldError' })
export class FieldErrorDto {
  @ApiProperty({ example: 'payload.satisfaction', description: 'The offending field, as a dotted path.' })
  field!: string;

  @ApiProperty({ example: 'must be at most 5' })
  message!: string;
}

/** RFC 9457 problem details, as every refusal and error is answered (common/problem.ts). */
@ApiSchema({
  name: 'Problem',
  description:
    'RFC 9457 problem details (`application/problem+json`). `code` is stable and meant for programs: ' +
    'validation_failed, malformed_request, unauthenticated, forbidden, system_event_only, not_found, conflict, ' +
    'event_not_allowed, rule_violated, version_conflict, idempotency_key_reused, payload_too_large, ' +
    'unsupported_media_type, method_not_allowed, too_many_requests, unavailable, internal_error.',
})
export class ProblemDto {
  @ApiProperty({ example: 'urn:concord:problem:validation_failed', description: '`urn:concord:problem:<code>`' })
  type!: string;

  @ApiProperty({ example: 'Unprocessable Content', description: 'The HTTP status, in words.' })
  title!: string;

  @ApiProperty({ type: 'integer', example: 422 })
  status!: number;

  @ApiProperty({ example: 'The request has invalid fields.', description: 'What went wrong, for a person.' })
  detail!: string;

  @ApiProperty({ example: 'validation_failed' })
  code!: string;

  @ApiPropertyOptional({ example: '/api/v1/cases', description: 'The path of the request (without its query).' })
  instance?: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'One entry per bad field (400, 422).' })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({ example: 'triage.assessing', description: 'event_not_allowed, rule_violated: the state.' })
  state?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['CLASSIFY', 'ASSIGN_MEDIATOR'],
    description: 'event_not_allowed, rule_violated: the events the subject takes in its state.',
  })
  allowedEvents?: string[];

  @ApiPropertyOptional({ type: [String], description: 'rule_violated: the rules (guards) that refused the event.' })
  rules?: string[];

  @ApiPropertyOptional({ type: 'integer', description: 'version_conflict: the version the subject is at now.' })
  currentVersion?: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'A case rebuilt before it existed: the instant asked.' })
  asOf?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'An event log that cannot be replayed: the event.' })
  seq?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'A unit not retired: its cases not yet archive.closed.' })
  openCases?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'A unit not retired: its child units still in service.' })
  activeChildUnits?: number;
}

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

const PROBLEMS: Record<ProblemStatus, string> = {
  400: 'Malformed request: a bad query string or path parameter, unparsable JSON, or a bad Idempotency-Key.',
  401: 'No API key, or one that is unknown, revoked or expired.',
  403: "The key's role may not do this.",
  404: "Not found, or outside the key's scope: the two are not told apart.",
  409: 'Conflicts with the current state.',
  413: 'The body is larger than the configured limit (CONCORD_BODY_LIMIT).',
  415: 'The body is not JSON.',
  422: 'Invalid fields (one entry per field in `errors`), or an Idempotency-Key reused with another body.',
  429: 'Too many requests from this address.',
  503: 'PostgreSQL or Redis is unavailable: retry shortly.',
};

const RETRY_AFTER = { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } as const;
const HEADERS: Partial<Record<ProblemStatus, Record<string, { description: string; schema: object }>>> = {
  401: { 'WWW-Authenticate': { description: '`Bearer`', schema: { type: 'string' } } },
  429: { 'Retry-After': RETRY_AFTER },
  503: { 'Retry-After': RETRY_AFTER },
};

const problemContent = () => ({ 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } });

/**
 * The problem answers a route can give, each as `application/problem+json` with the shared `Problem` schema,
 * and `default`: whatever else goes wrong is a problem too. A status alone takes the usual description;
 * `[409, '…']` says what it means for this route.
 */
export function ApiProblems(...problems: Array<ProblemStatus | [ProblemStatus, string]>): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...problems.map((problem) => {
      const [status, description] = Array.isArray(problem) ? problem : [problem, PROBLEMS[problem]];
      return ApiResponse({
        status,
        description,
        ...(HEADERS[status] ? { headers: HEADERS[status] } : {}),
        content: problemContent(),
      });
    }),
    ApiResponse({
      status: 'default',
      description:
        'Anything else, as a problem: the HTTP edge’s refusals of a request outside this operation’s contract (a ' +
        'body it does not take: 400, 413, 415 or 422; a path segment too long or not UTF-8: 414 or 400; headers ' +
        'too large: 431; a path that names no route: 404), and a failure on the server (500 internal_error, logged ' +
        'without the request’s data).',
      content: problemContent(),
    }),
  );
}

/** The `Idempotency-Key` header every POST takes (IdempotencyInterceptor). */
export const ApiIdempotencyKey = (): MethodDecorator =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'A retry with the same key and body (within CONCORD_IDEMPOTENCY_TTL_HOURS) gets the first answer, with ' +
      '`Idempotent-Replayed: true`, and writes nothing; the same key with another body is a 422.',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
  });

/** A page of a cursor-paginated list, named `name` in the document: `{items, nextCursor}`. */
export function pageOf<T>(item: Type<T>, name: string): Type<{ items: T[]; nextCursor: string | null }> {
  @ApiSchema({ name, description: 'One page of a list; `nextCursor` leads to the next.' })
  class Page {
    @ApiProperty({ type: [item] })
    items!: T[];

    @ApiProperty({
      type: String,
      nullable: true,
      description: 'Pass as `cursor` for the next page; null on the last page.',
    })
    nextCursor!: string | null;
  }
  return Page;
}
