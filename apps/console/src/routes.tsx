import { createBrowserRouter, Navigate } from 'react-router';
import { AppLayout } from './layout/AppLayout';
import { csrfToken } from './api/client';
import { caseQuery } from './case/case-query';
import { queries } from './query-client';
import { meQuery, useMe, homeOf } from './session';
import { countsQuery, queueAddress, queueQuery } from './work/queue';

function Home() {
  const me = useMe();
  if (me.isPending) return null;
  return <Navigate to={me.data ? homeOf(me.data) : '/sign-in'} replace />;
}

/**
 * Every screen loads when first opened: a person downloads and runs only the code of the screens they open (the
 * work queue does not carry the case page's diagram, the dashboard's charts or the intake form), which is most of
 * the time until a screen is interactive on the older machines of a government office.
 */
const screen =
  <K extends string>(load: () => Promise<Record<K, React.ComponentType>>, name: K) =>
  async () => ({ Component: (await load())[name] });

/**
 * Reads a signed-in screen needs, started as the navigation starts and side by side, not one after the other as
 * the screen's code arrives and renders: who is signed in, for My work the view it opens with its counts, for a
 * case page the case.
 * Nothing waits for them here; the screens read them from the cache (or wait for them there).
 */
function signedInLoader() {
  void queries.prefetchQuery(meQuery);
  return null;
}
function workLoader({ request }: { request: Request }) {
  // Nobody is signed in in this browser (no session's CSRF cookie): the layout sends them to sign in.
  if (!csrfToken()) return null;
  const { view, filters } = queueAddress(new URL(request.url).searchParams);
  void queries.prefetchQuery(queueQuery(view, filters, undefined));
  void queries.prefetchQuery(countsQuery(filters));
  return null;
}

function caseLoader({ params }: { params: { id?: string } }) {
  if (params.id && csrfToken()) void queries.prefetchQuery(caseQuery(params.id));
  return null;
}

/** Every path here is also in the API's CONSOLE_ROUTES (apps/api/src/console/console.ts), which serves the page. */
export const router = createBrowserRouter([
  { path: '/sign-in', lazy: screen(() => import('./pages/SignIn'), 'SignInPage') },
  { path: '/password', lazy: screen(() => import('./pages/ChangePassword'), 'ChangePasswordPage') },
  { path: '/progress', lazy: screen(() => import('./pages/Progress'), 'ProgressPage') },
  { path: '/progress/:queryCode', lazy: screen(() => import('./pages/Progress'), 'ProgressPage') },
  {
    element: <AppLayout />,
    loader: signedInLoader,
    children: [
      { path: '/', element: <Home /> },
      { path: '/work', loader: workLoader, lazy: screen(() => import('./pages/Work'), 'WorkPage') },
      { path: '/register', lazy: screen(() => import('./pages/Register'), 'RegisterPage') },
      { path: '/cases', lazy: screen(() => import('./pages/Cases'), 'CasesPage') },
      { path: '/cases/:id', loader: caseLoader, lazy: screen(() => import('./pages/Case'), 'CasePage') },
      { path: '/cases/:id/machine', lazy: screen(() => import('./pages/CaseMachine'), 'CaseMachinePage') },
      { path: '/referrals', lazy: screen(() => import('./pages/Referrals'), 'ReferralsPage') },
      { path: '/referrals/:id', lazy: screen(() => import('./pages/Referral'), 'ReferralPage') },
      { path: '/dashboard', lazy: screen(() => import('./pages/Dashboard'), 'DashboardPage') },
      { path: '/audit', lazy: screen(() => import('./pages/Audit'), 'AuditPage') },
      { path: '/audit/*', lazy: screen(() => import('./pages/Audit'), 'AuditPage') },
      { path: '/administration', lazy: screen(() => import('./pages/Administration'), 'AdministrationPage') },
      { path: '/administration/*', lazy: screen(() => import('./pages/Administration'), 'AdministrationPage') },
    ],
  },
]);
