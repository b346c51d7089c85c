import { DomainError, ErrorCode, type FieldError } from '#domain';

export const STATUS_OF: Record<ErrorCode, number> = {
  [ErrorCode.MalformedRequest]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.SystemEventOnly]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.EventNotAllowed]: 409,
  [ErrorCode.RuleViolated]: 409,
  [ErrorCode.VersionConflict]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.ValidationFailed]: 422,
  [ErrorCode.IdempotencyKeyReused]: 422,
  [ErrorCode.Unavailable]: 503,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An RFC 9457 problem details body. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  return { type: `urn:concord:problem:${code}`, title: TITLES[status] ?? 'Error', status, detail, code, ...extra };
}

export function problemOf(error: DomainError): Problem {
  return problem(STATUS_OF[error.code], error.code, error.message, {
    ...error.details,
    ...(error.errors.length ? { errors: error.errors } : {}),
  });
}
