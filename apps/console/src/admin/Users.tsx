import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Form,
  Input,
  Modal,
  Popconfirm,
  Radio,
  Select,
  Space,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import { CursorTable, formatTime, given, useCursorList } from '../audit/shared';
import { useI18n } from '../i18n';
import { nameOf, ROLES } from '../labels';
import { SecretOnce, useNotes } from './common';

type User = Schemas['User'];
type Role = User['roles'][number];
const ALL_ROLES: Role[] = ['admin', 'intake', 'mediator', 'grid_worker', 'department', 'leader', 'auditor'];

interface Filter {
  unitCode?: string;
  role?: Role;
  disabled?: boolean;
}
interface NewUser {
  username: string;
  name: string;
  phone?: string;
  roles: Role[];
  placement: 'unit' | 'department' | 'none';
  code?: string;
}

/** The people who sign in: list, create (a one-time password shown once), disable and enable, reset a password. */
export function UsersAdmin() {
  const { t, lang } = useI18n();
  const notes = useNotes();
  const client = useQueryClient();
  const [filter, setFilter] = useState<Filter>({});
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ who: string; password: string } | null>(null);
  const [form] = Form.useForm<NewUser>();
  const placement = Form.useWatch('placement', form);
  const list = useCursorList<User>(['admin-users', filter], (cursor) =>
    data(api.GET('/api/v1/users', { params: { query: { ...filter, cursor, limit: 50 } } })),
  );
  const refresh = () => client.invalidateQueries({ queryKey: ['admin-users'] });

  const create = useMutation({
    mutationFn: (v: NewUser) =>
      data(
        api.POST('/api/v1/users', {
          body: {
            username: v.username.trim(),
            name: v.name.trim(),
            roles: v.roles,
            ...(v.phone?.trim() ? { phone: v.phone.trim() } : {}),
            ...(v.placement === 'unit' && v.code ? { unitCode: v.code.trim() } : {}),
            ...(v.placement === 'department' && v.code ? { departmentCode: v.code.trim() } : {}),
          },
        }),
      ),
    onSuccess: (created) => {
      setCreating(false);
      form.resetFields();
      notes.done(t(`已新建用户 ${created.username}`, `User ${created.username} created`));
      if (created.oneTimePassword) setSecret({ who: created.username, password: created.oneTimePassword });
      void refresh();
    },
    onError: notes.failed,
  });
  const setDisabled = useMutation({
    mutationFn: ({ id, disabled }: { id: string; disabled: boolean }) =>
      data(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: { disabled } })),
    onSuccess: (user) => {
      notes.done(
        user.disabledAt
          ? t(`已停用 ${user.username}`, `${user.username} disabled`)
          : t(`已启用 ${user.username}`, `${user.username} enabled`),
      );
      void refresh();
    },
    onError: notes.failed,
  });
  const reset = useMutation({
    mutationFn: (user: User) =>
      data(api.POST('/api/v1/users/{id}/password-reset', { params: { path: { id: user.id } } })).then((r) => ({
        who: user.username,
        password: r.oneTimePassword,
      })),
    onSuccess: setSecret,
    onError: notes.failed,
  });

  const columns: TableColumnsType<User> = [
    { title: t('用户名', 'User name'), dataIndex: 'username' },
    { title: t('姓名', 'Name'), dataIndex: 'name' },
    {
      title: t('角色', 'Roles'),
      dataIndex: 'roles',
      render: (rs: Role[]) => rs.map((r) => nameOf(ROLES, r, lang)).join('、'),
    },
    {
      title: t('单位或部门', 'Unit or department'),
      key: 'placement',
      render: (_, u) => u.unitCode ?? u.departmentCode ?? t('全局', 'Deployment-wide'),
    },
    {
      title: t('状态', 'Status'),
      key: 'status',
      render: (_, u) =>
        u.disabledAt ? (
          <Tag>{t('已停用', 'Disabled')}</Tag>
        ) : (
          <Tag>
            {u.mustChangePassword ? t('在用 · 待改密码', 'Active · must change password') : t('在用', 'Active')}
          </Tag>
        ),
    },
    { title: t('创建时间', 'Created'), dataIndex: 'createdAt', render: formatTime },
    {
      title: t('操作', 'Actions'),
      key: 'actions',
      render: (_, u) => (
        <Space>
          <Button
            size="small"
            danger={!u.disabledAt}
            aria-label={`${u.disabledAt ? t('启用', 'Enable') : t('停用', 'Disable')} ${u.username}`}
            onClick={() => setDisabled.mutate({ id: u.id, disabled: !u.disabledAt })}
          >
            {u.disabledAt ? t('启用', 'Enable') : t('停用', 'Disable')}
          </Button>
          <Popconfirm
            title={t('重置密码？原密码将失效。', 'Reset the password? The current one stops working.')}
            okText={t('重置', 'Reset')}
            cancelText={t('取消', 'Cancel')}
            onConfirm={() => reset.mutate(u)}
          >
            <Button size="small" aria-label={`${t('重置密码', 'Reset password')} ${u.username}`}>
              {t('重置密码', 'Reset password')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2}>{t('用户', 'Users')}</Typography.Title>
      <Space wrap>
        <Form
          layout="inline"
          onFinish={(v: { unitCode?: string; role?: Role; status?: 'all' | 'active' | 'disabled' }) =>
            setFilter(
              given({
                unitCode: v.unitCode?.trim(),
                role: v.role,
                disabled: v.status === 'disabled' ? true : v.status === 'active' ? false : undefined,
              }),
            )
          }
        >
          <Form.Item name="unitCode" label={t('单位代码', 'Unit code')}>
            <Input allowClear style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="role" label={t('角色', 'Role')}>
            <Select
              allowClear
              style={{ width: 140 }}
              options={ALL_ROLES.map((r) => ({ value: r, label: nameOf(ROLES, r, lang) }))}
            />
          </Form.Item>
          <Form.Item name="status" label={t('状态', 'Status')}>
            <Select
              allowClear
              style={{ width: 110 }}
              options={[
                { value: 'active', label: t('在用', 'Active') },
                { value: 'disabled', label: t('已停用', 'Disabled') },
              ]}
            />
          </Form.Item>
          <Button htmlType="submit">{t('筛选', 'Filter')}</Button>
        </Form>
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('新建用户', 'New user')}
        </Button>
      </Space>
      <CursorTable list={list} columns={columns} rowKey="id" label={t('用户', 'Users')} />
      <Modal
        open={creating}
        title={t('新建用户', 'New user')}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        okText={t('新建', 'Create')}
        cancelText={t('取消', 'Cancel')}
        confirmLoading={create.isPending}
        forceRender
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ placement: 'unit', roles: [] }}
          onFinish={(v) => create.mutate(v)}
        >
          <Form.Item
            name="username"
            label={t('用户名', 'User name')}
            rules={[{ required: true, whitespace: true, message: t('请填写用户名', 'Enter a user name') }]}
          >
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('姓名', 'Name')}
            rules={[{ required: true, whitespace: true, max: 100, message: t('请填写姓名', 'Enter a name') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="phone" label={t('手机号（可选）', 'Phone (optional)')}>
            <Input />
          </Form.Item>
          <Form.Item
            name="roles"
            label={t('角色', 'Roles')}
            rules={[{ required: true, type: 'array', min: 1, message: t('至少选择一个角色', 'Choose a role') }]}
          >
            <Select mode="multiple" options={ALL_ROLES.map((r) => ({ value: r, label: nameOf(ROLES, r, lang) }))} />
          </Form.Item>
          <Form.Item name="placement" label={t('归属', 'Placement')}>
            <Radio.Group
              options={[
                { value: 'unit', label: t('单位', 'A unit') },
                { value: 'department', label: t('部门', 'A department') },
                { value: 'none', label: t('全局（不限单位）', 'Deployment-wide') },
              ]}
            />
          </Form.Item>
          {placement !== 'none' ? (
            <Form.Item
              name="code"
              label={placement === 'department' ? t('部门代码', 'Department code') : t('单位代码', 'Unit code')}
              rules={[{ required: true, whitespace: true, message: t('请填写代码', 'Enter a code') }]}
            >
              <Input />
            </Form.Item>
          ) : null}
        </Form>
      </Modal>
      <SecretOnce
        title={t('一次性密码', 'One-time password')}
        secret={secret?.password ?? null}
        note={t(
          `${secret?.who ?? ''} 的一次性密码只显示这一次。首次登录时须修改。`,
          `${secret?.who ?? ''}'s one-time password is shown this once only. It must be changed at the first sign-in.`,
        )}
        onClose={() => setSecret(null)}
      />
    </Space>
  );
}
