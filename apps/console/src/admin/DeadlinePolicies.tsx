import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Form, Input, InputNumber, Popconfirm, Select, Space, Table, Typography } from 'antd';
import { api, data, type Schemas } from '../api/client';
import { EmptyText, formatTime, ProblemAlert, ScrollRegion } from '../audit/shared';
import { useI18n } from '../i18n';
import { CLOCK_UNITS, nameOf } from '../labels';
import { useNotes } from './common';

type Policy = Schemas['DeadlinePolicy'];
type Default = Schemas['ClockDefault'];
type ClockUnit = Policy['unit'];

/** The clocks' limits as the machines declare them, and the policies that override them by category or unit. */
export function DeadlinePoliciesAdmin() {
  const { t, lang } = useI18n();
  const notes = useNotes();
  const client = useQueryClient();
  const [form] = Form.useForm<{ key: string; category?: string; unitCode?: string; amount: number; unit: ClockUnit }>();
  const policies = useQuery({
    queryKey: ['admin-policies'],
    queryFn: () => data(api.GET('/api/v1/deadline-policies')),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['admin-policies'] });
  const set = useMutation({
    mutationFn: (v: { key: string; category?: string; unitCode?: string; amount: number; unit: ClockUnit }) =>
      data(
        api.PUT('/api/v1/deadline-policies', {
          body: {
            key: v.key,
            amount: v.amount,
            unit: v.unit,
            ...(v.category?.trim() ? { category: v.category.trim() } : {}),
            ...(v.unitCode?.trim() ? { unitCode: v.unitCode.trim() } : {}),
          },
        }),
      ),
    onSuccess: () => {
      notes.done(t('已保存时限策略', 'Policy saved'));
      form.resetFields();
      void refresh();
    },
    onError: notes.failed,
  });
  const remove = useMutation({
    mutationFn: (id: string) => data(api.DELETE('/api/v1/deadline-policies/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      notes.done(t('已删除', 'Removed'));
      void refresh();
    },
    onError: notes.failed,
  });
  const limit = (amount: number, unit: string) => `${amount} ${nameOf(CLOCK_UNITS, unit, lang)}`;

  if (policies.isError) return <ProblemAlert error={policies.error} />;
  const defaults = policies.data?.defaults ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={2}>{t('办理时限', 'Deadline policies')}</Typography.Title>
      <Card size="small" title={t('设置时限策略', 'Set a policy')}>
        <Form form={form} layout="inline" initialValues={{ unit: 'working_days' }} onFinish={(v) => set.mutate(v)}>
          <Form.Item
            name="key"
            label={t('时钟', 'Clock')}
            rules={[{ required: true, message: t('请选择时钟', 'Choose a clock') }]}
          >
            <Select
              style={{ width: 260 }}
              showSearch
              options={defaults.map((d) => ({ value: d.key, label: d.key }))}
              onChange={(key: string) => {
                const d = defaults.find((x) => x.key === key);
                if (d) form.setFieldsValue({ unit: d.unit });
              }}
            />
          </Form.Item>
          <Form.Item name="category" label={t('类别（可选）', 'Category (optional)')}>
            <Input style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="unitCode" label={t('单位代码（可选）', 'Unit code (optional)')}>
            <Input style={{ width: 120 }} />
          </Form.Item>
          <Form.Item
            name="amount"
            label={t('时限', 'Limit')}
            rules={[{ required: true, message: t('请填写时限', 'Enter a limit') }]}
          >
            <InputNumber min={1} max={365} />
          </Form.Item>
          <Form.Item name="unit" label={t('单位', 'Counted in')} rules={[{ required: true }]}>
            <Select
              style={{ width: 120 }}
              options={(['working_days', 'calendar_days', 'hours'] as const).map((u) => ({
                value: u,
                label: nameOf(CLOCK_UNITS, u, lang),
              }))}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={set.isPending}>
            {t('保存', 'Save')}
          </Button>
        </Form>
      </Card>
      <Typography.Title level={3}>{t('生效的策略', 'Policies in force')}</Typography.Title>
      <ScrollRegion label={t('生效的策略', 'Policies in force')}>
        <Table<Policy>
          aria-label={t('生效的策略', 'Policies in force')}
          size="small"
          rowKey="id"
          pagination={false}
          loading={policies.isPending}
          dataSource={policies.data?.policies ?? []}
          locale={{
            emptyText: <EmptyText text={t('暂无策略：各时钟按默认时限', 'None: every clock runs on its default')} />,
          }}
          columns={[
            { title: t('时钟', 'Clock'), dataIndex: 'key' },
            {
              title: t('类别', 'Category'),
              dataIndex: 'category',
              render: (c: string | null) => c ?? t('全部', 'Any'),
            },
            { title: t('单位', 'Unit'), dataIndex: 'unitCode', render: (u: string | null) => u ?? t('全部', 'Any') },
            { title: t('时限', 'Limit'), key: 'limit', render: (_, p) => limit(p.amount, p.unit) },
            { title: t('设置时间', 'Set at'), dataIndex: 'createdAt', render: formatTime },
            {
              title: t('操作', 'Actions'),
              key: 'actions',
              render: (_, p) => (
                <Popconfirm
                  title={t('删除此策略？时钟恢复默认时限。', 'Remove this policy? The clock returns to its default.')}
                  okText={t('删除', 'Remove')}
                  cancelText={t('取消', 'Cancel')}
                  onConfirm={() => remove.mutate(p.id)}
                >
                  <Button size="small" danger aria-label={`${t('删除', 'Remove')} ${p.key}`}>
                    {t('删除', 'Remove')}
                  </Button>
                </Popconfirm>
              ),
            },
          ]}
        />
      </ScrollRegion>
      <Typography.Title level={3}>{t('默认时限（流程定义）', 'Defaults (from the machines)')}</Typography.Title>
      <ScrollRegion label={t('默认时限', 'Defaults')}>
        <Table<Default>
          aria-label={t('默认时限', 'Defaults')}
          size="small"
          rowKey="key"
          pagination={false}
          loading={policies.isPending}
          dataSource={defaults}
          columns={[
            { title: t('时钟', 'Clock'), dataIndex: 'key' },
            { title: t('时限', 'Limit'), key: 'limit', render: (_, d) => limit(d.amount, d.unit) },
            { title: t('超时后', 'On breach'), dataIndex: 'onBreach' },
            { title: t('法定依据', 'Statute'), dataIndex: 'statutory', render: (s: string | null) => s ?? '—' },
          ]}
        />
      </ScrollRegion>
    </Space>
  );
}
