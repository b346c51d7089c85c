import { createBrowserRouter, Navigate } from 'react-router';
import { AppLayout } from './layout/AppLayout';
import { AdministrationPage } from './pages/Administration';
import { AuditPage } from './pages/Audit';
import { CasePage } from './pages/Case';
import { CaseMachinePage } from './pages/CaseMachine';
import { CasesPage } from './pages/Cases';
import { ChangePasswordPage } from './pages/ChangePassword';
import { DashboardPage } from './pages/Dashboard';
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
      { path: '/cases', element: <CasesPage /> },
      { path: '/cases/:id', element: <CasePage /> },
      { path: '/cases/:id/machine', element: <CaseMachinePage /> },
      { path: '/referrals', element: <ReferralsPage /> },
      { path: '/referrals/:id', element: <ReferralPage /> },
      { path: '/dashboard', element: <DashboardPage /> },
      { path: '/audit', element: <AuditPage /> },
      { path: '/audit/*', element: <AuditPage /> },
      { path: '/administration', element: <AdministrationPage /> },
      { path: '/administration/*', element: <AdministrationPage /> },
    ],
  },
]);
