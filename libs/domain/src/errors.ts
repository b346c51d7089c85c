/** Every refusal Concord makes carries one of these codes; the API maps each to an HTTP status. */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  MalformedRequest = 'malformed_request',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  EventNotAllowed = 'event_not_allowed',
  RuleViolated = 'rule_violated',
  VersionConflict = 'version_conflict',
  SystemEventOnly = 'system_event_only',
  IdempotencyKeyReused = 'idempotency_key_reused',
  PayloadTooLarge = 'payload_too_large',
  Unavailable = 'unavailable',
}

export interface FieldError {
  /** Dotted path of the offending field, e.g. `payload.satisfaction`. */
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra members of the problem response (e.g. `allowedEvents`, `currentVersion`). */
    readonly details: Record<string, unknown> = {},
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static validation(errors: FieldError[], message = 'The request has invalid fields.'): DomainError {
    return new DomainError(ErrorCode.ValidationFailed, message, {}, errors);
  }

  static notFound(what: string): DomainError {
    return new DomainError(ErrorCode.NotFound, `${what} was not found.`);
  }

  static forbidden(message: string): DomainError {
    return new DomainError(ErrorCode.Forbidden, message);
  }
}
