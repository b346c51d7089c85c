import { api, data } from '../api/client';

export const caseKey = (id: string) => ['case', id] as const;

/** A case's view (GET /cases/{id}): what the case page shows, and what its route's loader fetches early. */
export const caseQuery = (id: string) => ({
  queryKey: caseKey(id),
  queryFn: () => data(api.GET('/api/v1/cases/{id}', { params: { path: { id } } })),
});
