import { createBrowserRouter, Navigate } from 'react-router';
import { AppLayout } from './layout/AppLayout';
import { ChangePasswordPage } from './pages/ChangePassword';
import { ProgressPage } from './pages/Progress';
import { ReferralPage } from './pages/Referral';
import { ReferralsPage } from './pages/Referrals';
import { RegisterPage } from './pages/Register';
import { SignInPage } from './pages/SignIn';
import { WorkPage } from './pages/Work';
import { useMe, homeOf } from './session';

function Home() {
  const me = useMe();
  if (me.isPending) return null;
  return <Navigate to={me.data ? homeOf(me.data) : '/sign-in'} replace />;
}

/**
 * The screens with heavy libraries of their own (the machine diagram's ELK and React Flow, the dashboard's ECharts)
 * load when first opened, so the work queue and sign-in download none of them.
 */
const CasePage = async () => ({ Component: (await import('./pages/Case')).CasePage });
const CaseMachinePage = async () => ({ Component: (await import('./pages/CaseMachine')).CaseMachinePage });
const CasesPage = async () => ({ Component: (await import('./pages/Cases')).CasesPage });
const DashboardPage = async () => ({ Component: (await import('./pages/Dashboard')).DashboardPage });
const AuditPage = async () => ({ Component: (await import('./pages/Audit')).AuditPage });
const AdministrationPage = async () => ({ Component: (await import('./pages/Administration')).AdministrationPage });

/** Every path here is also in the API's CONSOLE_ROUTES (apps/api/src/console/console.ts), which serves the page. */
export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage /> },
  { path: '/password', element: <ChangePasswordPage /> },
  { path: '/progress', element: <ProgressPage /> },
  { path: '/progress/:queryCode', element: <ProgressPage /> },
  {
    element: <AppLayout />,
    children: [
      { path: '/', element: <Home /> },
      { path: '/work', element: <WorkPage /> },
      { path: '/register', element: <RegisterPage /> },
      { path: '/cases', lazy: CasesPage },
      { path: '/cases/:id', lazy: CasePage },
      { path: '/cases/:id/machine', lazy: CaseMachinePage },
      { path: '/referrals', element: <ReferralsPage /> },
      { path: '/referrals/:id', element: <ReferralPage /> },
      { path: '/dashboard', lazy: DashboardPage },
      { path: '/audit', lazy: AuditPage },
      { path: '/audit/*', lazy: AuditPage },
      { path: '/administration', lazy: AdministrationPage },
      { path: '/administration/*', lazy: AdministrationPage },
    ],
  },
]);
