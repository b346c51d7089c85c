import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Divider, Form, Input, Space, Typography } from 'antd';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, ApiProblem, data } from '../api/client';
import { useI18n } from '../i18n';
import { LangSwitch } from '../layout/AppLayout';
import { homeOf, useMe, useSignIn } from '../session';

/** Only a path on this site: `next` never sends anyone elsewhere. */
function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : null;
}

export function SignInPage() {
  const { t } = useI18n();
  const me = useMe();
  const signIn = useSignIn();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const index = useQuery({ queryKey: ['api-index'], queryFn: () => data(api.GET('/api/v1')), staleTime: Infinity });

  if (me.data) return <Navigate to={me.data.mustChangePassword ? '/password' : (next ?? homeOf(me.data))} replace />;

  const failure =
    signIn.error instanceof ApiProblem && signIn.error.status === 401
      ? t('用户名或密码错误，或账号已锁定。', 'Wrong user name or password, or the account is locked.')
      : signIn.error
        ? signIn.error.message
        : null;

  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', padding: 16, background: '#f5f5f5' }}>
      <Card style={{ width: '100%', maxWidth: 380 }}>
        <Space style={{ width: '100%', justifyContent: 'space-between' }} align="center">
          <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
            {t('Concord 登录', 'Sign in to Concord')}
          </Typography.Title>
          <LangSwitch />
        </Space>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('矛盾纠纷多元化解与信访工作平台', 'Dispute mediation and petitions')}
        </Typography.Paragraph>
        {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} role="alert" />}
        <Form
          layout="vertical"
          requiredMark={false}
          onFinish={(values: { username: string; password: string }) =>
            signIn.mutate(values, {
              onSuccess: (signedIn) =>
                navigate(signedIn.me.mustChangePassword ? '/password' : (next ?? homeOf(signedIn.me)), {
                  replace: true,
                }),
            })
          }
        >
          <Form.Item
            label={t('用户名', 'User name')}
            name="username"
            rules={[{ required: true, message: t('请输入用户名', 'Enter your user name') }]}
          >
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            label={t('密码', 'Password')}
            name="password"
            rules={[{ required: true, message: t('请输入密码', 'Enter your password') }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={signIn.isPending}>
            {t('登录', 'Sign in')}
          </Button>
        </Form>
        {index.data?.singleSignOn && (
          <>
            <Divider plain>{t('或', 'or')}</Divider>
            <Button block href={`/api/v1/session/oidc?next=${encodeURIComponent(next ?? '/')}`}>
              {t('统一身份认证登录', 'Sign in with single sign-on')}
            </Button>
          </>
        )}
      </Card>
    </main>
  );
}
