import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Popconfirm, Select, Space, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { CursorTable, formatTime, useCursorList } from '../audit/shared';
import { useI18n } from '../i18n';
import { DELIVERY_STATUSES, nameOf } from '../labels';
import { useNotes } from './common';

type Delivery = Schemas['Delivery'];
type Status = Delivery['status'];

/** Webhook deliveries to departments, the dead ones first: replay one, or every dead one (of a department). */
export function DeliveriesAdmin() {
  const { t, lang } = useI18n();
  const notes = useNotes();
  const client = useQueryClient();
  const [filter, setFilter] = useState<{ status?: Status; departmentCode?: string }>({ status: 'dead' });
  const list = useCursorList<Delivery>(['admin-deliveries', filter], (cursor) =>
    data(api.GET('/api/v1/admin/deliveries', { params: { query: { ...filter, cursor, limit: 50 } } })),
  );
  const refresh = () => client.invalidateQueries({ queryKey: ['admin-deliveries'] });
  const replayOne = useMutation({
    mutationFn: (id: string) => data(api.POST('/api/v1/admin/deliveries/{id}/replay', { params: { path: { id } } })),
    onSuccess: () => {
      notes.done(t('已重新投递', 'Sent again'));
      void refresh();
    },
    onError: notes.failed,
  });
  const replayAll = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/v1/admin/deliveries/replay', {
          body: filter.departmentCode ? { departmentCode: filter.departmentCode } : {},
        }),
      ),
    onSuccess: ({ replayed }) => {
      notes.done(
        replayed === 0
          ? t('没有需要重新投递的失败记录', 'No dead delivery to replay')
          : t(`已重新投递 ${replayed} 条`, `${replayed} sent again`),
      );
      void refresh();
    },
    onError: notes.failed,
  });
  const columns: TableColumnsType<Delivery> = [
    { title: t('部门', 'Department'), dataIndex: 'departmentCode' },
    { title: t('事件', 'Event'), dataIndex: 'type' },
    {
      title: t('案件', 'Case'),
      dataIndex: 'caseId',
      render: (id: string) => <Link to={`/cases/${id}`}>{id.slice(0, 8)}</Link>,
    },
    { title: t('状态', 'Status'), dataIndex: 'status', render: (s: string) => nameOf(DELIVERY_STATUSES, s, lang) },
    { title: t('尝试次数', 'Attempts'), dataIndex: 'attempts' },
    {
      title: t('最后结果', 'Last result'),
      key: 'last',
      render: (_, d) => [d.lastStatus, d.lastError].filter((x) => x !== null).join(' ') || '—',
    },
    { title: t('失败时间', 'Dead at'), dataIndex: 'deadAt', render: formatTime },
    {
      title: t('操作', 'Actions'),
      key: 'actions',
      render: (_, d) =>
        d.status === 'dead' ? (
          <Button size="small" aria-label={`${t('重新投递', 'Replay')} ${d.id}`} onClick={() => replayOne.mutate(d.id)}>
            {t('重新投递', 'Replay')}
          </Button>
        ) : null,
    },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2}>{t('投递失败的推送', 'Dead-letter deliveries')}</Typography.Title>
      <Space wrap>
        <Form
          layout="inline"
          initialValues={{ status: 'dead' }}
          onFinish={(v: { status?: Status; departmentCode?: string }) =>
            setFilter({
              ...(v.status ? { status: v.status } : {}),
              ...(v.departmentCode?.trim() ? { departmentCode: v.departmentCode.trim() } : {}),
            })
          }
        >
          <Form.Item name="status" label={t('状态', 'Status')}>
            <Select
              allowClear
              style={{ width: 130 }}
              options={(['dead', 'pending', 'delivered'] as const).map((s) => ({
                value: s,
                label: nameOf(DELIVERY_STATUSES, s, lang),
              }))}
            />
          </Form.Item>
          <Form.Item name="departmentCode" label={t('部门代码', 'Department code')}>
            <Input allowClear style={{ width: 120 }} />
          </Form.Item>
          <Button htmlType="submit">{t('筛选', 'Filter')}</Button>
        </Form>
        <Popconfirm
          title={t('重新投递全部失败记录？', 'Replay every dead delivery?')}
          okText={t('重新投递', 'Replay')}
          cancelText={t('取消', 'Cancel')}
          onConfirm={() => replayAll.mutate()}
        >
          <Button type="primary" loading={replayAll.isPending}>
            {filter.departmentCode
              ? t(
                  `重新投递 ${filter.departmentCode} 的全部失败记录`,
                  `Replay every dead one of ${filter.departmentCode}`,
                )
              : t('重新投递全部失败记录', 'Replay every dead one')}
          </Button>
        </Popconfirm>
      </Space>
      <CursorTable list={list} columns={columns} rowKey="id" label={t('推送记录', 'Deliveries')} />
    </Space>
  );
}
