import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Modal, Select, Space, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import { CursorTable, useCursorList } from '../audit/shared';
import { useI18n } from '../i18n';
import { SecretOnce, useNotes } from './common';

type Department = Schemas['Department'];
interface Values {
  code: string;
  name: string;
  categories: string[];
  webhookUrl?: string;
  function: 'discipline_inspection' | 'none';
}

/** The departments and the categories each is responsible for (its 职责清单), their webhooks and functions. */
export function DepartmentsAdmin() {
  const { t } = useI18n();
  const notes = useNotes();
  const client = useQueryClient();
  const [category, setCategory] = useState<string | undefined>();
  const [editing, setEditing] = useState<Department | 'new' | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm<Values>();
  const list = useCursorList<Department>(['admin-departments', category], (cursor) =>
    data(api.GET('/api/v1/departments', { params: { query: { cursor, limit: 50, category } } })),
  );
  const refresh = () => client.invalidateQueries({ queryKey: ['admin-departments'] });
  const fn = (v: Values['function']) => (v === 'none' ? null : v);

  const save = useMutation({
    mutationFn: async (v: Values) => {
      if (editing === 'new') {
        const created = await data(
          api.POST('/api/v1/departments', {
            body: {
              code: v.code,
              name: v.name,
              categories: v.categories ?? [],
              ...(v.webhookUrl ? { webhookUrl: v.webhookUrl } : {}),
              ...(v.function !== 'none' ? { function: v.function } : {}),
            },
          }),
        );
        return { secret: null as string | null, code: created.code };
      }
      const code = (editing as Department).code;
      const updated = await data(
        api.PATCH('/api/v1/departments/{code}', {
          params: { path: { code } },
          body: { name: v.name, categories: v.categories ?? [], ...(v.webhookUrl ? { webhookUrl: v.webhookUrl } : {}) },
        }),
      );
      if (fn(v.function) !== (editing as Department).function)
        await data(
          api.PUT('/api/v1/departments/{code}/function', {
            params: { path: { code } },
            body: { function: fn(v.function) },
          }),
        );
      return { secret: updated.webhookSecret, code };
    },
    onSuccess: ({ secret: made, code }) => {
      notes.done(t(`已保存部门 ${code}`, `Department ${code} saved`));
      setEditing(null);
      if (made) setSecret(made);
      void refresh();
    },
    onError: notes.failed,
  });

  const open = (d: Department | 'new') => {
    setEditing(d);
    form.setFieldsValue(
      d === 'new'
        ? { code: '', name: '', categories: [], webhookUrl: '', function: 'none' }
        : {
            code: d.code,
            name: d.name,
            categories: d.categories,
            webhookUrl: d.webhookUrl ?? '',
            function: d.function ?? 'none',
          },
    );
  };

  const columns: TableColumnsType<Department> = [
    { title: t('代码', 'Code'), dataIndex: 'code' },
    { title: t('名称', 'Name'), dataIndex: 'name' },
    {
      title: t('职责清单（类别）', 'Responsibilities (categories)'),
      dataIndex: 'categories',
      render: (cs: string[]) => cs.map((c) => <Tag key={c}>{c}</Tag>),
    },
    { title: t('Webhook', 'Webhook'), dataIndex: 'webhookUrl', render: (u: string | null) => u ?? '—' },
    {
      title: t('职能', 'Function'),
      dataIndex: 'function',
      render: (f: string | null) => (f === 'discipline_inspection' ? t('纪检监察', 'Discipline inspection') : '—'),
    },
    {
      title: t('操作', 'Actions'),
      key: 'actions',
      render: (_, d) => (
        <Button size="small" onClick={() => open(d)} aria-label={`${t('编辑', 'Edit')} ${d.code}`}>
          {t('编辑', 'Edit')}
        </Button>
      ),
    },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2}>{t('部门与职责清单', 'Departments and responsibilities')}</Typography.Title>
      <Space wrap>
        <Form layout="inline" onFinish={(v: { category?: string }) => setCategory(v.category?.trim() || undefined)}>
          <Form.Item name="category" label={t('负责类别', 'Responsible for category')}>
            <Input allowClear style={{ width: 180 }} />
          </Form.Item>
          <Button htmlType="submit">{t('筛选', 'Filter')}</Button>
        </Form>
        <Button type="primary" onClick={() => open('new')}>
          {t('新建部门', 'New department')}
        </Button>
      </Space>
      <CursorTable list={list} columns={columns} rowKey="code" label={t('部门', 'Departments')} />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('新建部门', 'New department') : t('编辑部门', 'Edit department')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('保存', 'Save')}
        cancelText={t('取消', 'Cancel')}
        confirmLoading={save.isPending}
        forceRender
      >
        <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Form.Item
            name="code"
            label={t('代码', 'Code')}
            rules={[{ required: true, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/ }]}
          >
            <Input disabled={editing !== 'new'} />
          </Form.Item>
          <Form.Item name="name" label={t('名称', 'Name')} rules={[{ required: true, whitespace: true, max: 200 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="categories" label={t('负责的类别', 'Categories it is responsible for')}>
            <Select mode="tags" tokenSeparators={[',', '，', ' ']} />
          </Form.Item>
          <Form.Item
            name="webhookUrl"
            label={t('Webhook 地址（可选）', 'Webhook URL (optional)')}
            rules={[{ type: 'url', message: t('请输入网址', 'Enter a URL') }]}
          >
            <Input placeholder="https://" />
          </Form.Item>
          <Form.Item name="function" label={t('特殊职能', 'Function')}>
            <Select
              options={[
                { value: 'none', label: t('无', 'None') },
                { value: 'discipline_inspection', label: t('纪检监察', 'Discipline inspection') },
              ]}
            />
          </Form.Item>
        </Form>
      </Modal>
      <SecretOnce
        title={t('Webhook 签名密钥', 'Webhook signing secret')}
        secret={secret}
        note={t(
          '此密钥只显示这一次，请交给部门系统保存。',
          'Shown this once only: hand it to the department’s system.',
        )}
        onClose={() => setSecret(null)}
      />
    </Space>
  );
}
