import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, data, type Schemas } from '../api/client';
import eventSchemas from '../api/event-schemas.json';
import type { JsonSchema } from '../forms/schema-form';
import { caseQuery } from './case-query';

export type CaseView = Schemas['Case'];
export type HistoryEntry = Schemas['HistoryEntry'];
export type Deadline = Schemas['Deadline'];
export type Party = Schemas['Party'];

export { caseKey } from './case-query';

export function useCase(id: string) {
  return useQuery(caseQuery(id));
}

/** The case's history, a page at a time (cursor-paginated: "load more"). */
export function useHistory(id: string) {
  return useInfiniteQuery({
    queryKey: ['case', id, 'history'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/api/v1/cases/{id}/history', {
          params: { path: { id }, query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The case's hash chain verified (auditors and admins only: nobody else may ask). */
export function useVerify(id: string, enabled: boolean, version: number | undefined) {
  return useQuery({
    queryKey: ['case', id, 'verify', version],
    enabled,
    queryFn: () => data(api.GET('/api/v1/audit/verify', { params: { query: { caseId: id } } })),
  });
}

/** The departments, for the forms' choices of a department code (any key may read them; the first 200). */
export function useDepartments(enabled = true) {
  return useQuery({
    queryKey: ['departments', 'choices'],
    enabled,
    queryFn: () => data(api.GET('/api/v1/departments', { params: { query: { limit: 200 } } })),
    staleTime: 300_000,
  });
}

/**
 * People to choose for a person field: GET /users is for admins only, so only they get a list (the first 200
 * enabled accounts); everyone else types an id, or takes the case themselves.
 */
export function usePeople(enabled: boolean) {
  return useQuery({
    queryKey: ['users', 'choices'],
    enabled,
    queryFn: () => data(api.GET('/api/v1/users', { params: { query: { limit: 200, disabled: false } } })),
    staleTime: 60_000,
  });
}

const SCHEMAS = eventSchemas as unknown as Record<string, JsonSchema>;

/** The payload schema of `type` on a subject's machine and version (`dispute.v2.REFER`), if published. */
export function payloadSchema(machine: string, version: number, type: string): JsonSchema | undefined {
  return SCHEMAS[`${machine}.v${version}.${type}`];
}
