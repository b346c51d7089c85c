import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { Navigate, useNavigate } from 'react-router';
import { api, data } from '../api/client';
import { useI18n } from '../i18n';
import { homeOf, useMe } from '../session';

/** The change of a one-time password (every other route is refused until it is done), or of one's own. */
export function ChangePasswordPage() {
  const { t } = useI18n();
  const me = useMe();
  const client = useQueryClient();
  const navigate = useNavigate();
  const change = useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      data(api.POST('/api/v1/me/password', { body })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['me'] });
      const fresh = await client.fetchQuery({ queryKey: ['me'] });
      navigate(fresh ? homeOf(fresh as never) : '/sign-in', { replace: true });
    },
  });
  if (me.isPending) return null;
  if (!me.data) return <Navigate to="/sign-in" replace />;
  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', padding: 16, background: '#f5f5f5' }}>
      <Card style={{ width: '100%', maxWidth: 420 }}>
        <Typography.Title level={1} style={{ fontSize: 22 }}>
          {t('修改密码', 'Change your password')}
        </Typography.Title>
        {me.data.mustChangePassword && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={t('首次登录请设置自己的密码。', 'Set a password of your own before you go on.')}
          />
        )}
        {change.error && (
          <Alert type="error" showIcon role="alert" title={change.error.message} style={{ marginBottom: 16 }} />
        )}
        <Form
          layout="vertical"
          onFinish={(v: { currentPassword: string; newPassword: string }) =>
            change.mutate({ currentPassword: v.currentPassword, newPassword: v.newPassword })
          }
        >
          <Form.Item label={t('当前密码', 'Current password')} name="currentPassword" rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            label={t('新密码', 'New password')}
            name="newPassword"
            rules={[{ required: true }, { min: 12, message: t('至少 12 个字符', 'At least 12 characters') }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            label={t('确认新密码', 'Repeat the new password')}
            name="confirm"
            dependencies={['newPassword']}
            rules={[
              { required: true },
              ({ getFieldValue }) => ({
                validator: (_rule, value) =>
                  value === getFieldValue('newPassword')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('两次输入不一致', 'The two do not match'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={change.isPending}>
            {t('保存', 'Save')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
