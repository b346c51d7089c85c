import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Slider,
  Space,
  Spin,
  Table,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { nameOf, REFERRAL_STATES, STAGES, stateName } from '../labels';
import { CaseNotFound, EmptyText, formatTime, ProblemAlert, resolveCaseId } from './shared';

type HistoryEntry = Schemas['HistoryEntry'];
type Rebuilt = Schemas['RebuiltCase'];

/** Every event of the case, page after page (200 a page): the slider's marks. */
async function wholeHistory(id: string): Promise<HistoryEntry[]> {
  const events: HistoryEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await data(
      api.GET('/api/v1/cases/{id}/history', { params: { path: { id }, query: { cursor, limit: 200 } } }),
    );
    events.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return events;
}

/** A context value in a line: text as it is, anything else as JSON. */
const show = (value: unknown): string =>
  value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);

function RebuiltView({ rebuilt }: { rebuilt: Rebuilt }) {
  const { t, lang } = useI18n();
  // The fields that had a value then; the machine's unset ones would only lengthen the list.
  const context = Object.entries(rebuilt.snapshot.context ?? {}).filter(([, v]) => v !== null && v !== undefined);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        title={t('当时的案件', 'The case as it stood')}
        items={[
          {
            key: 'state',
            label: t('状态', 'State'),
            children: (
              <span data-testid="rebuilt-state">
                {stateName(rebuilt.state, lang)} <Typography.Text type="secondary">({rebuilt.state})</Typography.Text>
              </span>
            ),
          },
          { key: 'stage', label: t('阶段', 'Stage'), children: nameOf(STAGES, rebuilt.stage, lang) },
          { key: 'unit', label: t('所属单位', 'Owning unit'), children: rebuilt.unitCode },
          { key: 'asOf', label: t('时点', 'As of'), children: formatTime(rebuilt.asOf) },
          {
            key: 'seq',
            label: t('已应用事件', 'Events applied'),
            children: t(`前 ${rebuilt.seq} 个`, `the first ${rebuilt.seq}`),
          },
          { key: 'machine', label: t('流程版本', 'Machine version'), children: rebuilt.machineVersion },
          {
            key: 'matches',
            label: t('与现存记录一致', 'Matches what is stored'),
            children:
              rebuilt.matchesStored === null
                ? t('不适用（早于最新事件）', 'Not applicable (before the latest event)')
                : rebuilt.matchesStored
                  ? t('一致', 'Yes')
                  : t('不一致', 'No'),
          },
          {
            key: 'divergence',
            label: t('重放偏差', 'Replay divergence'),
            children: rebuilt.divergence
              ? t(
                  `第 ${rebuilt.divergence.seq} 个事件：记录为 ${rebuilt.divergence.recorded}，重放得 ${rebuilt.divergence.replayed}`,
                  `event ${rebuilt.divergence.seq}: recorded ${rebuilt.divergence.recorded}, replayed ${rebuilt.divergence.replayed}`,
                )
              : t('无', 'None'),
          },
        ]}
      />
      <Descriptions
        bordered
        size="small"
        column={1}
        title={t('当时的详情', 'Details then')}
        items={context.map(([key, value]) => ({ key, label: key, children: show(value) }))}
      />
      <Typography.Title level={3}>{t('当时的交办', 'Referrals then')}</Typography.Title>
      <Table
        aria-label={t('当时的交办', 'Referrals then')}
        size="small"
        pagination={false}
        rowKey="id"
        dataSource={rebuilt.referrals}
        locale={{ emptyText: <EmptyText text={t('当时尚无交办', 'No referral yet')} /> }}
        columns={[
          { title: t('部门', 'Department'), dataIndex: 'departmentCode' },
          {
            title: t('状态', 'State'),
            dataIndex: 'state',
            render: (s: string) => nameOf(REFERRAL_STATES, s, lang),
          },
          {
            title: 'ID',
            dataIndex: 'id',
            render: (id: string) => <Typography.Text code>{id.slice(0, 8)}</Typography.Text>,
          },
        ]}
      />
    </Space>
  );
}

/**
 * A case as it stood at a chosen instant: the slider steps through the case's own events (one mark each, in
 * order), the date picker takes any instant; the API rebuilds the case by replaying its events up to then.
 */
export function PointInTimeView() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const caseParam = params.get('caseId') ?? '';
  const [form] = Form.useForm<{ caseRef: string }>();
  const [caseId, setCaseId] = useState<string | null>(null);
  const [lookupProblem, setLookupProblem] = useState<unknown>(null);
  const [asOf, setAsOf] = useState<string | null>(null);

  useEffect(() => {
    if (!caseParam) return;
    form.setFieldsValue({ caseRef: caseParam });
    let live = true;
    resolveCaseId(caseParam)
      .then((id) => live && setCaseId(id))
      .catch((error: unknown) => live && setLookupProblem(error));
    return () => {
      live = false;
    };
  }, [caseParam, form]);

  const history = useQuery({
    queryKey: ['point-in-time-history', caseId],
    queryFn: () => wholeHistory(caseId!),
    enabled: !!caseId,
  });
  const events = useMemo(() => history.data ?? [], [history.data]);
  // Opened at the latest event: the case as it stands now.
  useEffect(() => {
    if (events.length) setAsOf(events[events.length - 1]!.at);
  }, [events]);

  const rebuilt = useQuery({
    queryKey: ['point-in-time', caseId, asOf],
    queryFn: () =>
      data(api.GET('/api/v1/audit/cases/{id}/state', { params: { path: { id: caseId! }, query: { asOf: asOf! } } })),
    enabled: !!caseId && !!asOf,
    placeholderData: (previous) => previous,
  });

  /** The last event at or before the chosen instant: where the slider stands. */
  const position = useMemo(() => {
    if (!asOf) return 0;
    const at = dayjs(asOf).valueOf();
    let index = -1;
    events.forEach((e, i) => {
      if (dayjs(e.at).valueOf() <= at) index = i;
    });
    return Math.max(index, 0);
  }, [asOf, events]);
  const marks = Object.fromEntries(events.map((e, i) => [i, String(e.seq)]));
  const describe = (i: number) => {
    const e = events[i];
    return e
      ? t(`第 ${e.seq} 个事件 ${e.type}，${formatTime(e.at)}`, `event ${e.seq} ${e.type}, ${formatTime(e.at)}`)
      : '';
  };

  const open = async ({ caseRef }: { caseRef: string }) => {
    setLookupProblem(null);
    try {
      const id = await resolveCaseId(caseRef);
      setCaseId(id);
      setAsOf(null);
      setParams({ caseId: id }, { replace: true });
    } catch (error) {
      if (error instanceof CaseNotFound)
        form.setFields([{ name: 'caseRef', errors: [t('未找到该案件', 'No such case')] }]);
      else setLookupProblem(error);
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={2}>{t('时点回溯', 'Point in time')}</Typography.Title>
      <Form form={form} layout="inline" onFinish={open}>
        <Form.Item
          name="caseRef"
          label={t('案件（编号或 ID）', 'Case (reference or id)')}
          rules={[{ required: true, whitespace: true, message: t('请输入案件', 'Enter a case') }]}
        >
          <Input style={{ width: 320 }} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit">
            {t('打开', 'Open')}
          </Button>
        </Form.Item>
      </Form>
      {lookupProblem ? <ProblemAlert error={lookupProblem} /> : null}
      {caseId ? (
        <Typography.Text>
          {t('案件', 'Case')} <Link to={`/cases/${caseId}`}>{caseId}</Link>
        </Typography.Text>
      ) : null}
      {history.isError ? <ProblemAlert error={history.error} /> : null}
      {history.isPending && caseId ? <Spin /> : null}
      {events.length > 0 && asOf ? (
        <Card size="small" title={t('选择时点', 'Choose the instant')}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <div style={{ padding: '0 16px' }}>
              <Slider
                min={0}
                max={Math.max(events.length - 1, 0)}
                step={1}
                marks={marks}
                value={position}
                onChange={(i: number) => setAsOf(events[i]!.at)}
                tooltip={{ formatter: (i) => (i === undefined ? '' : describe(i)) }}
                ariaLabelForHandle={t('事件时间轴', 'Event timeline')}
                ariaValueTextFormatterForHandle={(i) => (i === undefined ? '' : describe(i))}
              />
            </div>
            <Space wrap>
              <label htmlFor="point-in-time-instant">{t('时点', 'Instant')}</label>
              <DatePicker
                id="point-in-time-instant"
                showTime
                allowClear={false}
                value={dayjs(asOf)}
                onChange={(value) => value && setAsOf(value.toISOString())}
              />
              <Typography.Text aria-live="polite" data-testid="point-in-time-chosen">
                {t('所选时点：', 'Chosen: ')}
                {formatTime(asOf)} · {t('最近的事件：', 'latest event: ')}
                {describe(position)}
              </Typography.Text>
            </Space>
          </Space>
        </Card>
      ) : null}
      {rebuilt.isError ? <ProblemAlert error={rebuilt.error} /> : null}
      {rebuilt.data && caseId ? (
        <Spin spinning={rebuilt.isFetching}>
          <RebuiltView rebuilt={rebuilt.data} />
        </Spin>
      ) : null}
      {rebuilt.data ? null : caseId && asOf && rebuilt.isPending ? <Spin /> : null}
      {!caseId && !caseParam ? (
        <Alert
          type="info"
          showIcon
          message={t(
            '输入案件编号或 ID，再沿时间轴查看它在每个事件之后的样子。',
            'Type a case reference or id, then step along its events to see it as it stood after each.',
          )}
        />
      ) : null}
    </Space>
  );
}
