import { ValidationPipe, type ArgumentMetadata, type PipeTransform, type ValidationError } from '@nestjs/common';
import { DomainError, ErrorCode, type FieldError } from '#domain';
import { NOT_NULL } from './dto.js';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent
      ? /^\d+$/.test(e.property)
        ? `${parent}[${e.property}]`
        : `${parent}.${e.property}`
      : e.property;
    // A null in an optional field fails its other rules too; "must be omitted or have a value" says it all.
    const constraints = e.constraints?.[NOT_NULL] ? { [NOT_NULL]: e.constraints[NOT_NULL] } : (e.constraints ?? {});
    const own = Object.values(constraints).map((message) => ({ field, message: message.replace(/^\S+ /, '') }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

const pipe = (refuse: (errors: FieldError[]) => DomainError) =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => refuse(flatten(errors)),
  });

/**
 * class-validator on every body and query string; unknown fields are refused, not dropped. A bad body is a
 * 422 with one error per field; a bad query string is a 400.
 */
export class RequestValidationPipe implements PipeTransform {
  private readonly body = pipe((errors) => DomainError.validation(errors));
  private readonly query = pipe(
    (errors) => new DomainError(ErrorCode.MalformedRequest, 'The query string has invalid parameters.', {}, errors),
  );

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body') {
      if (value === undefined || value === null || typeof value !== 'object') {
        throw DomainError.validation([{ field: '', message: 'the body must be a JSON object' }]);
      }
      return this.body.transform(value, metadata);
    }
    if (metadata.type === 'query') return this.query.transform(value ?? {}, metadata);
    return value;
  }
}
