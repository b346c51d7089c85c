import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What follows a piece of work from the request that caused it: into its events, outbox rows and jobs. */
export interface RequestContext {
  /** The request's `X-Request-Id`, or the one a job inherited from the request that caused it. */
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * A caller's request id is kept when it is a plain token: letters, digits and `._:@/+=-`, at most 128 characters
 * (a UUID, a ULID, a trace id, a load balancer's id). Anything else is replaced rather than cleaned: it is
 * written to logs and to the event log, so it must not carry text a client chose.
 */
const VALID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The incoming `X-Request-Id` when it is valid (one header, a plain token), else null. */
export function requestIdFrom(header: unknown): string | null {
  return typeof header === 'string' && VALID.test(header) ? header : null;
}

/** A request id for a request that brought none. */
export function newRequestId(): string {
  return randomUUID();
}

/** Runs `work` with `context` as the ambient request context (and whatever it awaits). */
export function withRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The id of the request the current work belongs to, or null outside any (a timer, a reconciliation). */
export function currentRequestId(): string | null {
  return storage.getStore()?.requestId ?? null;
}
