import { Button, DatePicker, Form, Input, Space, Typography, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { CursorTable, formatTime, given, instant, useCursorList } from './shared';

type Entry = Schemas['SecurityLogEntry'];
interface Filter {
  action?: string;
  actorId?: string;
  from?: string;
  to?: string;
}

/** Changes to who may do what (keys, users, roles, sign-ins…), newest first, with who made them and from where. */
export function SecurityLogView() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<Filter>({});
  const list = useCursorList<Entry>(['security-log', filter], (cursor) =>
    data(api.GET('/api/v1/audit/security-log', { params: { query: { ...filter, cursor, limit: 50 } } })),
  );
  const columns: TableColumnsType<Entry> = [
    { title: t('时间', 'Time'), dataIndex: 'at', render: formatTime },
    { title: t('动作', 'Action'), dataIndex: 'action' },
    {
      title: t('操作人', 'Actor'),
      dataIndex: 'actor',
      render: (a: Entry['actor']) => `${a.name} (${a.role})`,
    },
    {
      title: t('对象', 'Subject'),
      dataIndex: 'subject',
      render: (s: Entry['subject']) => `${s.type}: ${s.id}`,
    },
    { title: t('单位', 'Unit'), dataIndex: 'unitCode', render: (u: string | null) => u ?? t('全局', 'Deployment') },
    {
      title: t('详情', 'Detail'),
      dataIndex: 'detail',
      render: (d: Entry['detail']) => <Typography.Text code>{JSON.stringify(d)}</Typography.Text>,
    },
    { title: t('来源地址', 'Client address'), dataIndex: 'clientAddress', render: (a: string | null) => a ?? '—' },
  ];
  const search = (values: { action?: string; actorId?: string; from?: Dayjs | null; to?: Dayjs | null }) =>
    setFilter(
      given({
        action: values.action?.trim(),
        actorId: values.actorId?.trim(),
        from: instant(values.from),
        to: instant(values.to),
      }),
    );
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2}>{t('安全日志', 'Security log')}</Typography.Title>
      <Form layout="inline" onFinish={search}>
        <Form.Item name="action" label={t('动作', 'Action')}>
          <Input allowClear placeholder="api_key.revoked" style={{ width: 180 }} />
        </Form.Item>
        <Form.Item name="actorId" label={t('操作人 ID', 'Actor id')}>
          <Input allowClear style={{ width: 300 }} />
        </Form.Item>
        <Form.Item name="from" label={t('起始时间', 'From')}>
          <DatePicker showTime />
        </Form.Item>
        <Form.Item name="to" label={t('截止时间（不含）', 'To (exclusive)')}>
          <DatePicker showTime />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit">
            {t('查询', 'Search')}
          </Button>
        </Form.Item>
      </Form>
      <CursorTable list={list} columns={columns} rowKey="id" label={t('安全日志', 'Security log')} />
    </Space>
  );
}
