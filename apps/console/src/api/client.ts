import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** The CSRF token of this browser's session: the readable `concord_csrf` cookie the API set at sign-in. */
export function csrfToken(): string | undefined {
  const match = /(?:^|;\s*)concord_csrf=([A-Za-z0-9_-]+)/.exec(document.cookie);
  return match?.[1];
}

/** An RFC 9457 problem the API answered, with its field errors (422) keyed by field path. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: Schemas['Problem'],
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }

  /** `{ 'parties[0].phone': 'must be a phone number' }` from the problem's `errors`. */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) out[e.field] = e.message;
    return out;
  }
}

const writes: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const token = csrfToken();
      if (token) request.headers.set('X-CSRF-Token', token);
      if (request.method === 'POST' && !request.headers.has('Idempotency-Key'))
        request.headers.set('Idempotency-Key', crypto.randomUUID());
    }
    return request;
  },
};

/** The typed API client: paths, bodies and answers are the OpenAPI document's (src/api/schema.d.ts). */
export const api = createClient<paths>({ baseUrl: '/', credentials: 'same-origin' });
api.use(writes);

/** The data of an openapi-fetch answer, or the problem thrown (TanStack Query shows it). */
export async function data<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data: body, error, response } = await pending;
  if (response.ok) return body as T;
  throw new ApiProblem(
    response.status,
    (error ?? { title: response.statusText, status: response.status }) as Schemas['Problem'],
  );
}
