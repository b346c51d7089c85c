import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode, type FieldError } from '#domain';
import { problem, type Problem } from './problem.js';

/**
 * What Concord refuses before any route sees the request: input PostgreSQL cannot store, bodies nested deeper
 * than recursive code (class-transformer, canonical JSON) can walk, keys that name an object's prototype, and
 * the HTTP layer's own refusals, which get problem+json like every other error. Found by fuzzing
 * (apps/api/test/fuzz-requests.spec.ts): each of these was a 500, or input quietly dropped.
 */

/** Concord's own bodies nest 4 levels deep; far past that, recursive code runs out of stack. */
export const MAX_BODY_DEPTH = 32;

/** NUL, which PostgreSQL text and jsonb cannot hold, and UTF-16 surrogates without their pair (not Unicode). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this refuses
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_MESSAGE = 'must not contain NUL or unpaired surrogate characters';
/** Enough to say what is wrong without echoing a 20,000-element array back. */
const MAX_ERRORS = 20;

/**
 * Keys no Concord body or query string has, and that JavaScript reads as an object's prototype. Nest's
 * ValidationPipe deletes them from the body before class-validator looks (and class-transformer skips them),
 * so they were dropped where every other unknown field is refused, event payloads included. Fastify's parser
 * refuses `__proto__` and `constructor.prototype` already (400); the rest are refused here, as unknown fields.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Field errors for every unstorable string or key in `value`, every key in RESERVED_KEYS, every number too
 * large to be finite, and nesting past MAX_BODY_DEPTH; iterative.
 */
export function unstorableFields(value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Array<{ value: unknown; field: string; depth: number }> = [{ value, field: '', depth: 0 }];
  while (stack.length && errors.length < MAX_ERRORS) {
    const { value: node, field, depth } = stack.pop()!;
    // JSON.parse reads 1e999 as Infinity, which neither JSON nor canonical JSON (the idempotency fingerprint) has.
    if (typeof node === 'number' && !Number.isFinite(node)) {
      errors.push({ field, message: 'must be a finite number' });
      continue;
    }
    if (typeof node === 'string') {
      if (UNSTORABLE.test(node)) errors.push({ field, message: UNSTORABLE_MESSAGE });
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) {
      errors.push({ field, message: `is nested more than ${MAX_BODY_DEPTH} levels deep` });
      continue;
    }
    for (const [key, child] of Object.entries(node)) {
      const path = Array.isArray(node) ? `${field}[${key}]` : field ? `${field}.${key}` : key;
      if (UNSTORABLE.test(key)) errors.push({ field: field || key, message: `has a key that ${UNSTORABLE_MESSAGE}` });
      else if (!Array.isArray(node) && RESERVED_KEYS.has(key))
        errors.push({ field: path, message: 'is not a known field' });
      else stack.push({ value: child, field: path, depth: depth + 1 });
    }
  }
  return errors;
}

/**
 * Fastify `preValidation` hook: a bad path parameter or query string is a 400, a bad body a 422, as the validation
 * pipe answers.
 */
export async function refuseUnstorableInput(request: FastifyRequest): Promise<void> {
  if (request.routeOptions.url === undefined) return; // no such route: the 404 says more than a field error would
  // A path value PostgreSQL cannot take (NUL) names nothing a route could look up.
  const path = unstorableFields(request.params);
  if (path.length) throw new DomainError(ErrorCode.MalformedRequest, 'The path has an invalid parameter.', {}, path);
  const query = unstorableFields(request.query);
  if (query.length)
    throw new DomainError(ErrorCode.MalformedRequest, 'The query string has invalid parameters.', {}, query);
  const body = unstorableFields(request.body);
  if (body.length) throw DomainError.validation(body);
}

/** Fastify `frameworkErrors`: a path that is not UTF-8 once decoded, or a path parameter over the length limit. */
export function frameworkProblem(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  const detail =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A path segment is too long.'
      : 'The path is not valid once percent-decoded.';
  reply
    .status(status)
    .header('Content-Type', 'application/problem+json; charset=utf-8')
    .send(problem(status, status === 414 ? 'uri_too_long' : 'malformed_request', detail));
}

/** Fastify `clientErrorHandler`: Node's HTTP parser refused the request (headers too large, bad framing, timeout). */
export function clientErrorProblem(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const detail =
    status === 431
      ? 'The request line and headers are too large.'
      : status === 408
        ? 'The request took too long to arrive.'
        : 'The request is not valid HTTP.';
  const body = JSON.stringify(
    problem(
      status,
      status === 400 ? 'malformed_request' : status === 408 ? 'request_timeout' : 'headers_too_large',
      detail,
    ),
  );
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** Read and discarded after a 413, at most: beyond it the client is not finishing a body but sending a stream. */
export const drainLimitFor = (bodyLimit: number) => Math.max(64 * 1_048_576, 4 * bodyLimit);
/** How long the client may fall silent while the rest of a refused body is read. */
const DRAIN_IDLE_MS = 10_000;

/**
 * Answers a body over the limit with its 413 and lets the client finish sending. Fastify refuses such a body
 * as soon as its content-length or its bytes so far pass the limit, and closed the connection at once while the
 * client was still sending: the client's next write met a reset (EPIPE, ECONNRESET) and many clients report
 * that instead of the answer. Here the whole answer goes out first (a client that reads while it sends can
 * stop), then the rest of the body is read and thrown away, and only when it has all arrived does the response
 * end and the connection close (`Connection: close`), with nothing left unread to turn the close into a reset.
 * Past `drainLimit` bytes, or DRAIN_IDLE_MS of silence, the connection is dropped.
 */
export function refuseOversizedBody(
  request: FastifyRequest,
  reply: FastifyReply,
  answer: Problem,
  drainLimit: number,
): void {
  const req = request.raw;
  const res = reply.raw;
  const socket = req.socket;
  const text = JSON.stringify(answer);
  reply.hijack();
  res.writeHead(413, {
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    connection: 'close',
  });
  res.write(text);
  let drained = 0;
  const discard = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > drainLimit) socket.destroy();
  };
  socket.setTimeout(DRAIN_IDLE_MS, () => socket.destroy());
  req.on('data', discard);
  req.once('end', () => {
    req.off('data', discard);
    res.end();
  });
  req.once('error', () => socket.destroy());
  req.resume();
}
