import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Collapse, Empty, Flex, Form, Grid, Row, Select, Typography } from 'antd';
import dayjs from 'dayjs';
import { useSearchParams } from 'react-router';
import { RouteLink } from '../work/RouteLink';
import { api, data, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { nameOf, REFERRAL_STATES } from '../labels';
import { departmentName, ReferralStateTag, ROLE_NAMES, useDepartments } from '../referrals/shared';
import { DataTable, type Column } from '../work/DataTable';
import { CursorPager, useCursorPages } from '../work/paging';
import { Countdown, SupervisionMarks } from '../work/urgency';

type Summary = Schemas['ReferralSummary'];
type Status = NonNullable<NonNullable<Parameters<typeof listReferrals>[0]>['status']>;

const PAGE_SIZE = 20;

function listReferrals(query: { status?: Summary['state']; overdue?: boolean; cursor?: string }) {
  return data(api.GET('/api/v1/referrals', { params: { query: { ...query, limit: PAGE_SIZE } } }));
}

/**
 * The department inbox: the department's referrals (GET /referrals: every state, newest first, so what was
 * answered stays in sight), each with its state and its running clock's countdown, filtered by state and by
 * overdue, paginated by the API's cursor. Other readers (admins, auditors) see those of their scope.
 */
export function ReferralsPage() {
  return <ReferralsScreen />;
}

function ReferralsScreen() {
  const { t, lang } = useI18n();
  const narrow = !Grid.useBreakpoint().md;
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') || undefined) as Status | undefined;
  const overdue = params.get('overdue') === 'true' ? true : params.get('overdue') === 'false' ? false : undefined;
  const pages = useCursorPages(JSON.stringify([status, overdue]));
  const list = useQuery({
    queryKey: ['referrals', { status, overdue }, pages.cursor ?? null],
    queryFn: () => listReferrals({ status, overdue, cursor: pages.cursor }),
    placeholderData: keepPreviousData,
  });
  const departments = useDepartments();

  const setFilter = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };
  const link = (r: Summary) => <RouteLink to={`/referrals/${r.id}`}>{r.caseReference}</RouteLink>;
  const when = (at: string | null) => (at ? dayjs(at).format('YYYY-MM-DD HH:mm') : '—');
  const role = (r: Summary) => nameOf(ROLE_NAMES, r.role, lang);
  const clock = (r: Summary) => <Countdown dueAt={r.dueAt} overdue={r.overdue} />;

  const filters = (
    <Collapse
      size="small"
      style={{ marginBottom: 12 }}
      defaultActiveKey={narrow ? [] : ['filters']}
      items={[
        {
          key: 'filters',
          label: t('筛选', 'Filters'),
          children: (
            <Form layout="vertical" component="div">
              <Row gutter={12}>
                <Col xs={24} sm={12} md={8}>
                  <Form.Item label={t('状态', 'State')} style={{ marginBottom: 8 }}>
                    <Select
                      allowClear
                      aria-label={t('状态', 'State')}
                      placeholder={t('全部', 'All')}
                      value={status}
                      onChange={(v?: string) => setFilter('status', v)}
                      options={Object.keys(REFERRAL_STATES).map((value) => ({
                        value,
                        label: nameOf(REFERRAL_STATES, value, lang),
                      }))}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={12} md={8}>
                  <Form.Item label={t('是否超期', 'Overdue')} style={{ marginBottom: 8 }}>
                    <Select
                      allowClear
                      aria-label={t('是否超期', 'Overdue')}
                      placeholder={t('全部', 'All')}
                      value={overdue === undefined ? undefined : String(overdue)}
                      onChange={(v?: string) => setFilter('overdue', v)}
                      options={[
                        { value: 'true', label: t('已超期', 'Overdue') },
                        { value: 'false', label: t('未超期', 'Not overdue') },
                      ]}
                    />
                  </Form.Item>
                </Col>
              </Row>
            </Form>
          ),
        },
      ]}
    />
  );

  const items = list.data?.items ?? [];
  const columns: Array<Column<Summary>> = [
    { title: t('案件编号', 'Case'), key: 'case', render: (r) => link(r) },
    {
      title: t('部门', 'Department'),
      key: 'department',
      render: (r) => departmentName(departments.data, r.departmentCode),
    },
    { title: t('角色', 'Role'), key: 'role', render: (r) => role(r) },
    { title: t('状态', 'State'), key: 'state', render: (r) => <ReferralStateTag state={r.state} /> },
    {
      title: t('催办/督办', 'Urged / supervised'),
      key: 'marks',
      render: (r) => <SupervisionMarks supervised={r.supervised} urged={r.urged} />,
    },
    { title: t('时限', 'Due'), key: 'due', render: (r) => clock(r) },
    { title: t('交办时间', 'Issued'), key: 'issued', render: (r) => when(r.issuedAt) },
    { title: t('答复时间', 'Answered'), key: 'answered', render: (r) => when(r.answeredAt) },
  ];

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {t('部门交办', 'Department inbox')}
      </Typography.Title>
      {filters}
      {list.error && (
        <Alert type="error" showIcon role="alert" title={list.error.message} style={{ marginBottom: 12 }} />
      )}
      {narrow ? (
        !list.isFetching && !items.length ? (
          <Empty description={t('没有交办', 'No referrals')} />
        ) : (
          <ul
            aria-label={t('交办列表', 'Referrals')}
            style={{ listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: 8 }}
          >
            {items.map((r) => (
              <li key={r.id}>
                <Card size="small" title={link(r)} extra={clock(r)}>
                  <Flex vertical gap={4}>
                    <span>
                      <ReferralStateTag state={r.state} />
                      {(r.supervised || r.urged) && <SupervisionMarks supervised={r.supervised} urged={r.urged} />}
                    </span>
                    <Typography.Text>
                      {departmentName(departments.data, r.departmentCode)} · {role(r)}
                    </Typography.Text>
                    <Typography.Text>
                      {t('交办时间', 'Issued')}：{when(r.issuedAt)}
                    </Typography.Text>
                  </Flex>
                </Card>
              </li>
            ))}
          </ul>
        )
      ) : (
        <DataTable<Summary>
          label={t('交办列表', 'Referrals')}
          columns={columns}
          rows={items}
          rowKey={(r) => r.id}
          loading={list.isFetching}
          empty={t('没有交办', 'No referrals')}
        />
      )}
      <CursorPager pages={pages} nextCursor={list.data?.nextCursor} loading={list.isFetching} />
    </>
  );
}
