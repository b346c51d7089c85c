import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { ContrastLink, LINK_COLOUR } from '../dashboard/LinkContrast';
import { useI18n } from '../i18n';
import { CATEGORIES, KINDS, nameOf, RISKS, STAGES, stateName } from '../labels';

type Query = NonNullable<paths['/api/v1/cases']['get']['parameters']['query']>;
const FILTERS = ['kind', 'stage', 'state', 'unitCode', 'category', 'riskLevel', 'q', 'overdue', 'from', 'to'] as const;

/**
 * The case list (GET /cases), its filters in the URL so a figure on the dashboard can link to the cases behind it.
 * A page at a time, by the API's cursor.
 */
export function CasesPage() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(FILTERS.flatMap((f) => (params.get(f) ? [[f, params.get(f)!]] : [])));
  const filterKey = JSON.stringify(filters);
  const [pages, setPages] = useState<{ key: string; cursors: Array<string | undefined> }>({
    key: filterKey,
    cursors: [undefined],
  });
  // A new filter starts again from the first page.
  const cursors = pages.key === filterKey ? pages.cursors : [undefined];
  const cursor = cursors[cursors.length - 1];

  const list = useQuery({
    queryKey: ['cases', filters, cursor],
    queryFn: () =>
      data(
        api.GET('/api/v1/cases', {
          params: {
            query: {
              ...(filters as Query),
              overdue: filters.overdue === undefined ? undefined : filters.overdue === 'true',
              limit: 20,
              cursor,
            } as Query,
          },
        }),
      ),
  });

  const apply = (values: Record<string, string | undefined>) => {
    const next = new URLSearchParams();
    for (const f of FILTERS) {
      const value = f in values ? values[f] : filters[f];
      if (value) next.set(f, value);
    }
    setParams(next);
  };

  const period =
    filters.from || filters.to
      ? `${filters.from ? dayjs(filters.from).format('YYYY-MM-DD HH:mm') : '…'} – ${
          filters.to ? dayjs(filters.to).format('YYYY-MM-DD HH:mm') : '…'
        }`
      : null;

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ margin: 0 }}>
        {t('案件列表', 'Cases')}
      </Typography.Title>
      <Form
        layout="inline"
        key={filterKey}
        initialValues={filters}
        onFinish={(values: Record<string, string | undefined>) => apply(values)}
      >
        <Form.Item name="q" label={t('关键词', 'Text')}>
          <Input allowClear style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="kind" label={t('类型', 'Kind')}>
          <Select
            allowClear
            style={{ width: 120 }}
            options={Object.keys(KINDS).map((k) => ({ value: k, label: nameOf(KINDS, k, lang) }))}
          />
        </Form.Item>
        <Form.Item name="stage" label={t('阶段', 'Stage')}>
          <Select
            allowClear
            style={{ width: 120 }}
            options={Object.keys(STAGES).map((k) => ({ value: k, label: nameOf(STAGES, k, lang) }))}
          />
        </Form.Item>
        <Form.Item name="unitCode" label={t('单位代码', 'Unit code')}>
          <Input allowClear style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="category" label={t('类别', 'Category')}>
          <Select
            allowClear
            showSearch
            style={{ width: 150 }}
            options={Object.keys(CATEGORIES).map((k) => ({ value: k, label: nameOf(CATEGORIES, k, lang) }))}
          />
        </Form.Item>
        <Form.Item name="riskLevel" label={t('风险', 'Risk')}>
          <Select
            allowClear
            style={{ width: 110 }}
            options={Object.keys(RISKS).map((k) => ({ value: k, label: nameOf(RISKS, k, lang) }))}
          />
        </Form.Item>
        <Form.Item name="overdue" label={t('超期', 'Overdue')}>
          <Select
            allowClear
            style={{ width: 110 }}
            options={[
              { value: 'true', label: t('已超期', 'Overdue') },
              { value: 'false', label: t('未超期', 'Not overdue') },
            ]}
          />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              {t('查询', 'Search')}
            </Button>
            <Button onClick={() => setParams(new URLSearchParams())}>{t('清除', 'Clear')}</Button>
          </Space>
        </Form.Item>
      </Form>
      {period && (
        <Typography.Text>
          {t('登记时间', 'Registered')}: {period}{' '}
          <Button
            type="link"
            size="small"
            style={{ color: LINK_COLOUR }}
            onClick={() => apply({ from: undefined, to: undefined })}
          >
            {t('不限时间', 'Any time')}
          </Button>
        </Typography.Text>
      )}
      {list.error && <Alert type="error" showIcon message={list.error.message} />}
      <Table<Schemas['CaseSummary']>
        size="small"
        rowKey="id"
        pagination={false}
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        scroll={{ x: true }}
        columns={[
          {
            title: t('编号', 'Reference'),
            dataIndex: 'reference',
            render: (reference: string, c) => <ContrastLink to={`/cases/${c.id}`}>{reference}</ContrastLink>,
          },
          { title: t('摘要', 'Summary'), dataIndex: 'summary' },
          { title: t('类型', 'Kind'), dataIndex: 'kind', render: (k: string) => nameOf(KINDS, k, lang) },
          { title: t('状态', 'State'), dataIndex: 'state', render: (s: string) => stateName(s, lang) },
          {
            title: t('类别', 'Category'),
            dataIndex: 'category',
            render: (c: string | null) => nameOf(CATEGORIES, c, lang),
          },
          {
            title: t('风险', 'Risk'),
            dataIndex: 'riskLevel',
            render: (r: string | null) =>
              r ? (
                <Tag color={r === 'high' || r === 'critical' ? 'red' : undefined}>{nameOf(RISKS, r, lang)}</Tag>
              ) : (
                '—'
              ),
          },
          { title: t('单位', 'Unit'), dataIndex: 'unitCode' },
          {
            title: t('登记时间', 'Registered'),
            dataIndex: 'createdAt',
            render: (at: string) => dayjs(at).format('YYYY-MM-DD HH:mm'),
          },
        ]}
      />
      <Space>
        <Button
          disabled={cursors.length < 2}
          onClick={() => setPages({ key: filterKey, cursors: cursors.slice(0, -1) })}
        >
          {t('上一页', 'Previous')}
        </Button>
        <Button
          disabled={!list.data?.nextCursor}
          onClick={() => setPages({ key: filterKey, cursors: [...cursors, list.data!.nextCursor ?? undefined] })}
        >
          {t('下一页', 'Next')}
        </Button>
      </Space>
    </Space>
  );
}
