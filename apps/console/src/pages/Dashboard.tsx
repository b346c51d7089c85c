import { InfoCircleOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, DatePicker, Row, Segmented, Space, Statistic, Table, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { Chart } from '../dashboard/Chart';
import { InCharge } from '../dashboard/InCharge';
import { casesLink, percent, statsBounds, thisMonth, type Period } from '../dashboard/period';
import { ContrastLink } from '../dashboard/LinkContrast';
import { useI18n } from '../i18n';
import { CATEGORIES, nameOf } from '../labels';
import { hasRole, useMe } from '../session';

type Interval = 'day' | 'week' | 'month';
type Figures = Schemas['CaseFigures'];

/**
 * The leader dashboard: the 12345 three rates and the on-time rate over a period, received and resolved by unit,
 * category and department (GET /stats/kpis), the trend (GET /stats/series), overdue now by unit and the cases in
 * the leader's charge. Every case figure links to the case list behind it. The API keeps every figure in the
 * reader's scope.
 */
export function DashboardPage() {
  const { t, lang } = useI18n();
  const me = useMe();
  const navigate = useNavigate();
  const [period, setPeriod] = useState<Period>(thisMonth);
  const [interval, setInterval] = useState<Interval>('day');
  const bounds = statsBounds(period);

  const kpis = useQuery({
    queryKey: ['kpis', bounds],
    queryFn: () => data(api.GET('/api/v1/stats/kpis', { params: { query: bounds } })),
  });
  const series = useQuery({
    queryKey: ['series', bounds, interval],
    queryFn: () => data(api.GET('/api/v1/stats/series', { params: { query: { ...bounds, interval, by: 'unit' } } })),
  });

  const report = kpis.data;
  const root = report?.unitCode ?? null;
  // The units one level below the reader's root: the street rows of a district, the community rows of a street.
  const units = useMemo(() => (report?.byUnit ?? []).filter((u) => u.parentCode === root), [report, root]);
  const categories = report?.byCategory ?? [];
  const link = (filters: Record<string, string | undefined>) => casesLink(period, filters);
  const categoryName = (c: string | null) => (c === null ? t('未分类', 'Unclassified') : nameOf(CATEGORIES, c, lang));

  const rateCards: Array<{ key: string; title: string; value: string; help: string }> = report
    ? [
        {
          key: 'responseRate',
          title: t('响应率', 'Response rate'),
          value: percent(report.totals.responseRate),
          help: t(
            '按时受理决定（受理、不予受理、转送、合并）数 ÷ 应响应数',
            'Cases decided at intake (accepted, declined, forwarded, merged) within the intake clock ÷ cases due a response',
          ),
        },
        {
          key: 'solveRate',
          title: t('解决率', 'Solve rate'),
          value: percent(report.totals.solveRate),
          help: t('化解（调解成功或已化解）数 ÷ 办结数', 'Resolved or mediated ÷ concluded (办结)'),
        },
        {
          key: 'satisfactionRate',
          title: t('满意率', 'Satisfaction rate'),
          value: percent(report.totals.satisfactionRate),
          help: t(
            '回访满意（4–5 分）数 ÷ 回访联系上数',
            'Follow-ups rated 4–5 ÷ follow-ups that reached the applicant',
          ),
        },
        {
          key: 'onTimeRate',
          title: t('按时办结率', 'On-time rate'),
          value: percent(report.totals.onTimeRate),
          help: t(
            '时限未超期的案件 ÷ 时限已到期或已结束的案件',
            'Cases none of whose clocks breached ÷ cases with a clock ended or come due',
          ),
        },
      ]
    : [];

  const unitOption = useMemo(
    () => ({
      legend: { top: 0, data: [t('受理', 'Received'), t('化解', 'Resolved')] },
      grid: { left: 48, right: 16, bottom: 40, top: 40 },
      xAxis: { type: 'category', data: units.map((u) => u.name) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('受理', 'Received'), type: 'bar', data: units.map((u) => u.received) },
        { name: t('化解', 'Resolved'), type: 'bar', data: units.map((u) => u.resolved) },
      ],
    }),
    [units, t],
  );
  const categoryOption = useMemo(
    () => ({
      legend: { top: 0, data: [t('受理', 'Received'), t('化解', 'Resolved')] },
      grid: { left: 48, right: 16, bottom: 40, top: 40 },
      xAxis: { type: 'category', data: categories.map((c) => categoryName(c.category)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('受理', 'Received'), type: 'bar', data: categories.map((c) => c.received) },
        { name: t('化解', 'Resolved'), type: 'bar', data: categories.map((c) => c.resolved) },
      ],
    }),
    [categories, lang],
  );
  const trendOption = useMemo(() => {
    const s = series.data;
    if (!s) return {};
    const line = (name: string, pick: (f: Figures) => number) => ({
      name,
      type: 'line',
      data: s.totals.map(pick),
    });
    return {
      legend: { top: 0, data: [t('受理', 'Received'), t('进入办理', 'Accepted'), t('化解', 'Resolved')] },
      grid: { left: 48, right: 16, bottom: 40, top: 40 },
      xAxis: { type: 'category', data: s.buckets.map((b) => b.label) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        line(t('受理', 'Received'), (f) => f.received),
        line(t('进入办理', 'Accepted'), (f) => f.accepted),
        line(t('化解', 'Resolved'), (f) => f.resolved),
      ],
    };
  }, [series.data, t]);
  const trendTotal = series.data?.totals.reduce((n, f) => n + f.received, 0) ?? 0;

  const countLink = (n: number, filters: Record<string, string | undefined>, label: string) => (
    <ContrastLink to={link(filters)} aria-label={`${label}: ${n}`}>
      {n}
    </ContrastLink>
  );

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ margin: 0 }}>
        {t('领导看板', 'Dashboard')}
      </Typography.Title>
      <Space wrap>
        <label htmlFor="dashboard-period">{t('统计期间', 'Period')}</label>
        <DatePicker.RangePicker
          id="dashboard-period"
          allowClear={false}
          value={period}
          onChange={(value) => value?.[0] && value[1] && setPeriod([value[0], value[1]])}
          aria-label={t('统计期间', 'Period')}
        />
      </Space>
      {kpis.error && <Alert type="error" showIcon message={kpis.error.message} />}

      <section aria-labelledby="dashboard-rates">
        <Typography.Title level={2} id="dashboard-rates">
          {t('总体指标', 'Overall')}
        </Typography.Title>
        <Row gutter={[16, 16]}>
          <Col xs={12} md={8} xl={4}>
            <Card data-testid="kpi-received">
              <Statistic
                title={t('受理量', 'Received')}
                valueRender={() =>
                  report
                    ? countLink(report.totals.received, { unitCode: root ?? undefined }, t('受理量', 'Received'))
                    : '—'
                }
              />
            </Card>
          </Col>
          {rateCards.map((card) => (
            <Col xs={12} md={8} xl={4} key={card.key}>
              <Card data-testid={`kpi-${card.key}`}>
                <Statistic
                  title={
                    <Space size={4}>
                      {card.title}
                      <Tooltip title={card.help}>
                        <InfoCircleOutlined tabIndex={0} role="img" aria-label={`${card.title}: ${card.help}`} />
                      </Tooltip>
                    </Space>
                  }
                  value={card.value}
                />
              </Card>
            </Col>
          ))}
          <Col xs={12} md={8} xl={4}>
            <Card data-testid="kpi-overdueNow">
              <Statistic
                title={t('当前超期', 'Overdue now')}
                valueRender={() =>
                  report
                    ? countLink(
                        report.totals.overdueNow,
                        { unitCode: root ?? undefined, overdue: 'true' },
                        t('当前超期', 'Overdue now'),
                      )
                    : '—'
                }
              />
            </Card>
          </Col>
        </Row>
      </section>

      <section aria-labelledby="dashboard-trend">
        <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
          <Typography.Title level={2} id="dashboard-trend">
            {t('趋势', 'Trend')}
          </Typography.Title>
          <Segmented
            aria-label={t('时间粒度', 'Interval')}
            value={interval}
            onChange={(v) => setInterval(v as Interval)}
            options={[
              { value: 'day', label: t('按日', 'Daily') },
              { value: 'week', label: t('按周', 'Weekly') },
              { value: 'month', label: t('按月', 'Monthly') },
            ]}
          />
        </Space>
        {series.error ? (
          <Alert type="warning" showIcon message={series.error.message} />
        ) : (
          <Card>
            <Chart
              option={trendOption}
              label={t(
                `受理、进入办理与化解案件数随时间的变化，共 ${series.data?.buckets.length ?? 0} 个时段，受理合计 ${trendTotal} 件`,
                `Received, accepted and resolved cases over ${series.data?.buckets.length ?? 0} periods; ${trendTotal} received in all`,
              )}
            />
          </Card>
        )}
      </section>

      <section aria-labelledby="dashboard-units">
        <Typography.Title level={2} id="dashboard-units">
          {t('按单位', 'By unit')}
        </Typography.Title>
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={12}>
            <Card>
              <Chart
                option={unitOption}
                label={t(
                  `各单位受理与化解数：${units.map((u) => `${u.name} ${u.received}/${u.resolved}`).join('，')}`,
                  `Received and resolved by unit: ${units.map((u) => `${u.name} ${u.received}/${u.resolved}`).join(', ')}`,
                )}
                onClick={({ dataIndex }) => {
                  const unit = units[dataIndex];
                  if (unit) navigate(link({ unitCode: unit.code }));
                }}
              />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Table
              size="small"
              rowKey="code"
              pagination={false}
              loading={kpis.isPending}
              dataSource={units}
              columns={[
                { title: t('单位', 'Unit'), dataIndex: 'name' },
                {
                  title: t('受理', 'Received'),
                  dataIndex: 'received',
                  render: (n: number, u) => countLink(n, { unitCode: u.code }, `${u.name} ${t('受理', 'received')}`),
                },
                { title: t('化解', 'Resolved'), dataIndex: 'resolved' },
                { title: t('解决率', 'Solve rate'), dataIndex: 'solveRate', render: percent },
                { title: t('按时率', 'On time'), dataIndex: 'onTimeRate', render: percent },
                {
                  title: t('当前超期', 'Overdue now'),
                  dataIndex: 'overdueNow',
                  render: (n: number, u) =>
                    countLink(n, { unitCode: u.code, overdue: 'true' }, `${u.name} ${t('当前超期', 'overdue now')}`),
                },
              ]}
            />
          </Col>
        </Row>
      </section>

      <section aria-labelledby="dashboard-categories">
        <Typography.Title level={2} id="dashboard-categories">
          {t('按类别', 'By category')}
        </Typography.Title>
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={12}>
            <Card>
              <Chart
                option={categoryOption}
                label={t(
                  `各类别受理与化解数：${categories.map((c) => `${categoryName(c.category)} ${c.received}/${c.resolved}`).join('，')}`,
                  `Received and resolved by category: ${categories.map((c) => `${categoryName(c.category)} ${c.received}/${c.resolved}`).join(', ')}`,
                )}
                onClick={({ dataIndex }) => {
                  const category = categories[dataIndex];
                  if (category?.category) navigate(link({ unitCode: root ?? undefined, category: category.category }));
                }}
              />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Table
              size="small"
              rowKey={(c) => c.category ?? '-'}
              pagination={false}
              loading={kpis.isPending}
              dataSource={categories}
              columns={[
                { title: t('类别', 'Category'), dataIndex: 'category', render: categoryName },
                {
                  title: t('受理', 'Received'),
                  dataIndex: 'received',
                  render: (n: number, c) =>
                    c.category
                      ? countLink(
                          n,
                          { unitCode: root ?? undefined, category: c.category },
                          `${categoryName(c.category)} ${t('受理', 'received')}`,
                        )
                      : n,
                },
                { title: t('化解', 'Resolved'), dataIndex: 'resolved' },
                { title: t('解决率', 'Solve rate'), dataIndex: 'solveRate', render: percent },
                { title: t('满意率', 'Satisfaction'), dataIndex: 'satisfactionRate', render: percent },
              ]}
            />
          </Col>
        </Row>
      </section>

      <section aria-labelledby="dashboard-departments">
        <Typography.Title level={2} id="dashboard-departments">
          {t('按职能部门（交办）', 'By department (referrals)')}
        </Typography.Title>
        <Table
          size="small"
          rowKey="code"
          pagination={false}
          loading={kpis.isPending}
          dataSource={report?.byDepartment ?? []}
          columns={[
            { title: t('部门', 'Department'), dataIndex: 'name' },
            { title: t('交办', 'Referred'), dataIndex: 'received' },
            { title: t('已答复', 'Answered'), dataIndex: 'answered' },
            { title: t('按时答复率', 'Answered on time'), dataIndex: 'onTimeRate', render: percent },
            { title: t('已化解', 'Resolved'), dataIndex: 'resolved' },
            { title: t('退回', 'Rejected'), dataIndex: 'rejected' },
            { title: t('催办', 'Urged'), dataIndex: 'urged' },
            { title: t('督办', 'Supervised'), dataIndex: 'supervised' },
          ]}
        />
      </section>

      {hasRole(me.data, 'leader') && <InCharge />}
    </Space>
  );
}
