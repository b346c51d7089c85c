import { QueryClient } from '@tanstack/react-query';
import { ApiProblem } from './api/client';

/** The console's one cache of server state: the screens read through it, and the routes' loaders fill it early. */
export const queries = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal (4xx) is an answer, not a network blip: ask again only when the server or network failed.
      retry: (count, error) => count < 2 && !(error instanceof ApiProblem && error.status < 500),
      refetchOnWindowFocus: false,
      staleTime: 10_000,
    },
  },
});
