import { useQuery } from '@tanstack/react-query';
import { Button, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api, data } from '../api/client';
import { useI18n } from '../i18n';
import { ContrastLink } from './LinkContrast';
import { CATEGORIES, KINDS, nameOf, stateName } from '../labels';

/** The cases a leader has taken charge of (包案): GET /me/queue?view=in_charge, a page at a time. */
export function InCharge() {
  const { t, lang } = useI18n();
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const page = useQuery({
    queryKey: ['queue', 'in_charge', cursor],
    queryFn: () => data(api.GET('/api/v1/me/queue', { params: { query: { view: 'in_charge', limit: 10, cursor } } })),
  });
  return (
    <section aria-labelledby="dashboard-in-charge">
      <Typography.Title level={2} id="dashboard-in-charge">
        {t('我包案的案件', 'Cases in my charge')}
      </Typography.Title>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        loading={page.isPending}
        dataSource={page.data?.items ?? []}
        columns={[
          {
            title: t('编号', 'Reference'),
            dataIndex: 'reference',
            render: (reference: string, item) => (
              <ContrastLink to={`/cases/${item.caseId ?? item.id}`}>{reference}</ContrastLink>
            ),
          },
          { title: t('类型', 'Kind'), dataIndex: 'kind', render: (k: string) => nameOf(KINDS, k, lang) },
          { title: t('状态', 'State'), dataIndex: 'state', render: (s: string) => stateName(s, lang) },
          {
            title: t('类别', 'Category'),
            dataIndex: 'category',
            render: (c: string | null) => nameOf(CATEGORIES, c, lang),
          },
          { title: t('单位', 'Unit'), dataIndex: 'unitCode' },
        ]}
      />
      <Space style={{ marginTop: 8 }}>
        <Button disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t('上一页', 'Previous')}
        </Button>
        <Button
          disabled={!page.data?.nextCursor}
          onClick={() => setCursors((c) => [...c, page.data!.nextCursor ?? undefined])}
        >
          {t('下一页', 'Next')}
        </Button>
      </Space>
    </section>
  );
}
