import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiProblem, csrfToken, data, type Schemas } from './api/client';

export type Me = Schemas['Me'];
export type Role = Me['roles'][number];

/** The signed-in person (GET /me), or null when nobody is signed in (401). */
export const meQuery = {
  queryKey: ['me'],
  queryFn: async (): Promise<Me | null> => {
    // A session always comes with its readable CSRF cookie: without one, nobody is signed in in this browser.
    if (!csrfToken()) return null;
    try {
      return await data(api.GET('/api/v1/me'));
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 401) return null;
      throw error;
    }
  },
  staleTime: 60_000,
  retry: false,
};

export function useMe() {
  return useQuery(meQuery);
}

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['SignInDto']) => data(api.POST('/api/v1/session', { body })),
    onSuccess: (signedIn) => {
      client.clear();
      client.setQueryData(['me'], signedIn.me);
    },
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => data(api.DELETE('/api/v1/session')),
    onSettled: () => {
      client.clear();
      client.setQueryData(['me'], null);
    },
  });
}

export const hasRole = (me: Me | null | undefined, ...roles: Role[]): boolean =>
  !!me && me.roles.some((r) => roles.includes(r));

/** What each screen needs, as the API's own @Roles on the routes it calls. */
export const SCREEN_ROLES = {
  work: ['admin', 'intake', 'mediator', 'grid_worker', 'leader', 'auditor'],
  register: ['admin', 'intake', 'mediator', 'grid_worker'],
  referrals: ['department', 'admin', 'auditor', 'leader'],
  dashboard: ['leader', 'auditor', 'admin'],
  audit: ['auditor', 'admin'],
  administration: ['admin'],
} satisfies Record<string, Role[]>;

/** Where a person lands after signing in. */
export function homeOf(me: Me): string {
  if (hasRole(me, 'intake', 'mediator', 'grid_worker')) return '/work';
  if (hasRole(me, 'department')) return '/referrals';
  if (hasRole(me, 'leader')) return '/dashboard';
  if (hasRole(me, 'auditor')) return '/audit';
  return '/administration';
}
