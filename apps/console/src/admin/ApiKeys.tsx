import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import { CursorTable, formatTime, useCursorList } from '../audit/shared';
import { useI18n } from '../i18n';
import { nameOf, ROLES } from '../labels';
import { SecretOnce, useNotes } from './common';

type ApiKey = Schemas['ApiKey'];
type KeyRole = ApiKey['role'];
const KEY_ROLES: KeyRole[] = ['admin', 'intake', 'mediator', 'department', 'auditor'];

/** API keys for other systems: list, create (the key shown once), rotate (the new key shown once), revoke. */
export function ApiKeysAdmin() {
  const { t, lang } = useI18n();
  const notes = useNotes();
  const client = useQueryClient();
  const [showRevoked, setShowRevoked] = useState(false);
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<ApiKey | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm<{ name: string; role: KeyRole; unitCode?: string; departmentCode?: string }>();
  const [rotateForm] = Form.useForm<{ overlapMinutes: number }>();
  const list = useCursorList<ApiKey>(['admin-keys', showRevoked], (cursor) =>
    data(api.GET('/api/v1/api-keys', { params: { query: { cursor, limit: 50, revoked: showRevoked } } })),
  );
  const refresh = () => client.invalidateQueries({ queryKey: ['admin-keys'] });

  const create = useMutation({
    mutationFn: (v: { name: string; role: KeyRole; unitCode?: string; departmentCode?: string }) =>
      data(
        api.POST('/api/v1/api-keys', {
          body: {
            name: v.name.trim(),
            role: v.role,
            ...(v.unitCode?.trim() ? { unitCode: v.unitCode.trim() } : {}),
            ...(v.departmentCode?.trim() ? { departmentCode: v.departmentCode.trim() } : {}),
          },
        }),
      ),
    onSuccess: (created) => {
      setCreating(false);
      form.resetFields();
      setSecret(created.key);
      void refresh();
    },
    onError: notes.failed,
  });
  const rotate = useMutation({
    mutationFn: ({ id, overlapMinutes }: { id: string; overlapMinutes: number }) =>
      data(api.POST('/api/v1/api-keys/{id}/rotate', { params: { path: { id } }, body: { overlapMinutes } })),
    onSuccess: (rotated) => {
      setRotating(null);
      setSecret(rotated.key);
      void refresh();
    },
    onError: notes.failed,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => data(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      notes.done(t('已吊销', 'Revoked'));
      void refresh();
    },
    onError: notes.failed,
  });

  const columns: TableColumnsType<ApiKey> = [
    { title: t('名称', 'Name'), dataIndex: 'name' },
    { title: t('角色', 'Role'), dataIndex: 'role', render: (r: string) => nameOf(ROLES, r, lang) },
    {
      title: t('范围', 'Scope'),
      key: 'scope',
      render: (_, k) => k.unitCode ?? k.departmentCode ?? t('全局', 'Deployment-wide'),
    },
    {
      title: t('前缀', 'Prefix'),
      dataIndex: 'keyPrefix',
      render: (p: string) => <Typography.Text code>{p}</Typography.Text>,
    },
    { title: t('创建时间', 'Created'), dataIndex: 'createdAt', render: formatTime },
    { title: t('最近使用', 'Last used'), dataIndex: 'lastUsedAt', render: formatTime },
    { title: t('到期', 'Expires'), dataIndex: 'expiresAt', render: formatTime },
    {
      title: t('状态', 'Status'),
      key: 'status',
      render: (_, k) => (k.revokedAt ? <Tag>{t('已吊销', 'Revoked')}</Tag> : <Tag>{t('有效', 'Active')}</Tag>),
    },
    {
      title: t('操作', 'Actions'),
      key: 'actions',
      render: (_, k) =>
        k.revokedAt ? null : (
          <Space>
            <Button size="small" aria-label={`${t('轮换', 'Rotate')} ${k.name}`} onClick={() => setRotating(k)}>
              {t('轮换', 'Rotate')}
            </Button>
            <Popconfirm
              title={t('吊销此密钥？使用它的系统将立即无法访问。', 'Revoke this key? Systems using it stop at once.')}
              okText={t('吊销', 'Revoke')}
              cancelText={t('取消', 'Cancel')}
              onConfirm={() => revoke.mutate(k.id)}
            >
              <Button size="small" danger aria-label={`${t('吊销', 'Revoke')} ${k.name}`}>
                {t('吊销', 'Revoke')}
              </Button>
            </Popconfirm>
          </Space>
        ),
    },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2}>{t('API 密钥', 'API keys')}</Typography.Title>
      <Space wrap>
        <Button onClick={() => setShowRevoked(!showRevoked)}>
          {showRevoked ? t('显示有效的密钥', 'Show active keys') : t('显示已吊销的密钥', 'Show revoked keys')}
        </Button>
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('新建密钥', 'New key')}
        </Button>
      </Space>
      <CursorTable list={list} columns={columns} rowKey="id" label={t('API 密钥', 'API keys')} />
      <Modal
        open={creating}
        title={t('新建 API 密钥', 'New API key')}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        okText={t('新建', 'Create')}
        cancelText={t('取消', 'Cancel')}
        confirmLoading={create.isPending}
        forceRender
      >
        <Form form={form} layout="vertical" onFinish={(v) => create.mutate(v)}>
          <Form.Item name="name" label={t('名称', 'Name')} rules={[{ required: true, whitespace: true, max: 100 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="role" label={t('角色', 'Role')} rules={[{ required: true }]}>
            <Select options={KEY_ROLES.map((r) => ({ value: r, label: nameOf(ROLES, r, lang) }))} />
          </Form.Item>
          <Form.Item name="unitCode" label={t('单位代码（可选）', 'Unit code (optional)')}>
            <Input />
          </Form.Item>
          <Form.Item name="departmentCode" label={t('部门代码（部门密钥）', 'Department code (department keys)')}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={!!rotating}
        title={t('轮换密钥', 'Rotate the key')}
        onCancel={() => setRotating(null)}
        onOk={() => rotateForm.submit()}
        okText={t('轮换', 'Rotate')}
        cancelText={t('取消', 'Cancel')}
        confirmLoading={rotate.isPending}
        forceRender
      >
        <Form
          form={rotateForm}
          layout="vertical"
          initialValues={{ overlapMinutes: 0 }}
          onFinish={(v) => rotating && rotate.mutate({ id: rotating.id, overlapMinutes: v.overlapMinutes })}
        >
          <Form.Item
            name="overlapMinutes"
            label={t('旧密钥继续有效的分钟数（0–1440）', 'Minutes the old key keeps working (0–1440)')}
          >
            <InputNumber min={0} max={1440} />
          </Form.Item>
        </Form>
      </Modal>
      <SecretOnce
        title={t('新的 API 密钥', 'The new API key')}
        secret={secret}
        note={t(
          '密钥只显示这一次，请立即交给使用它的系统。',
          'Shown this once only: hand it to the system that uses it now.',
        )}
        onClose={() => setSecret(null)}
      />
    </Space>
  );
}
