/**
 * Where a job came from, carried in its data under `origin`: the request that caused it (its log line says so)
 * and the trace it continues. Jobs carry ids, never party data; so does this.
 */
export interface JobOrigin {
  requestId?: string;
  traceparent?: string;
}

/** The job's data with its origin (left out when there is none, as for jobs a reconciler re-creates). */
export function withOrigin(
  data: Record<string, unknown>,
  requestId: string | null,
  traceparent: string | null,
): Record<string, unknown> {
  if (!requestId && !traceparent) return data;
  return {
    ...data,
    origin: { ...(requestId ? { requestId } : {}), ...(traceparent ? { traceparent } : {}) } satisfies JobOrigin,
  };
}

/** The origin a job's data carries, if any. */
export function originOf(data: unknown): JobOrigin {
  const origin = (data as { origin?: unknown } | null)?.origin;
  if (!origin || typeof origin !== 'object') return {};
  const { requestId, traceparent } = origin as Record<string, unknown>;
  return {
    ...(typeof requestId === 'string' ? { requestId } : {}),
    ...(typeof traceparent === 'string' ? { traceparent } : {}),
  };
}
