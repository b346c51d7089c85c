import { Button, DatePicker, Form, Input, Space, Typography, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { stateName } from '../labels';
import {
  CaseNotFound,
  CursorTable,
  formatTime,
  given,
  instant,
  ProblemAlert,
  resolveCaseId,
  useCursorList,
} from './shared';

type AuditEvent = Schemas['AuditEvent'];

/** The filters of GET /audit/events (and of the export), as the form holds them. */
export interface FilterValues {
  caseRef?: string;
  type?: string;
  actor?: string;
  departmentCode?: string;
  unitCode?: string;
  from?: Dayjs | null;
  to?: Dayjs | null;
}

export type AuditFilter = {
  caseId?: string;
  type?: string;
  actor?: string;
  departmentCode?: string;
  unitCode?: string;
  from?: string;
  to?: string;
};

/** The form's values as the API's filters: the case found by id or reference, instants with their offset. */
export async function toFilter(values: FilterValues): Promise<AuditFilter> {
  return given({
    caseId: values.caseRef?.trim() ? await resolveCaseId(values.caseRef) : undefined,
    type: values.type?.trim().toUpperCase(),
    actor: values.actor?.trim(),
    departmentCode: values.departmentCode?.trim(),
    unitCode: values.unitCode?.trim(),
    from: instant(values.from),
    to: instant(values.to),
  });
}

/** The filter fields both the search and the export show. */
export function FilterFields() {
  const { t } = useI18n();
  return (
    <>
      <Form.Item name="caseRef" label={t('案件（编号或 ID）', 'Case (reference or id)')}>
        <Input allowClear style={{ width: 260 }} />
      </Form.Item>
      <Form.Item name="type" label={t('事件类型', 'Event type')}>
        <Input allowClear placeholder="REFER" style={{ width: 140 }} />
      </Form.Item>
      <Form.Item name="actor" label={t('操作人 ID', 'Actor id')}>
        <Input allowClear style={{ width: 200 }} />
      </Form.Item>
      <Form.Item name="departmentCode" label={t('部门代码', 'Department code')}>
        <Input allowClear style={{ width: 120 }} />
      </Form.Item>
      <Form.Item name="unitCode" label={t('单位代码', 'Unit code')}>
        <Input allowClear style={{ width: 120 }} />
      </Form.Item>
      <Form.Item name="from" label={t('起始时间', 'From')}>
        <DatePicker showTime />
      </Form.Item>
      <Form.Item name="to" label={t('截止时间（不含）', 'To (exclusive)')}>
        <DatePicker showTime />
      </Form.Item>
    </>
  );
}

/** Events across the cases in the reader's scope, oldest first, a page at a time. */
export function EventSearch() {
  const { t, lang } = useI18n();
  const [filter, setFilter] = useState<AuditFilter>({});
  const [problem, setProblem] = useState<unknown>(null);
  const [form] = Form.useForm<FilterValues>();
  const list = useCursorList<AuditEvent>(['audit-events', filter], (cursor) =>
    data(api.GET('/api/v1/audit/events', { params: { query: { ...filter, cursor, limit: 50 } } })),
  );
  const search = async (values: FilterValues) => {
    setProblem(null);
    try {
      setFilter(await toFilter(values));
    } catch (error) {
      if (error instanceof CaseNotFound)
        form.setFields([{ name: 'caseRef', errors: [t('未找到该案件', 'No such case')] }]);
      else setProblem(error);
    }
  };
  const columns: TableColumnsType<AuditEvent> = [
    { title: t('时间', 'Time'), dataIndex: 'at', render: formatTime },
    {
      title: t('案件', 'Case'),
      dataIndex: 'caseId',
      render: (id: string) => <Link to={`/cases/${id}`}>{id.slice(0, 8)}</Link>,
    },
    { title: t('序号', 'Seq'), dataIndex: 'seq' },
    { title: t('事件', 'Event'), dataIndex: 'type' },
    { title: t('之后的状态', 'State after'), dataIndex: 'state', render: (s: string) => stateName(s, lang) },
    { title: t('单位', 'Unit'), dataIndex: 'unitCode' },
    {
      title: t('操作人', 'Actor'),
      dataIndex: 'actor',
      render: (a: AuditEvent['actor']) => `${a.name} (${a.role})`,
    },
    {
      title: t('哈希', 'Hash'),
      dataIndex: 'hash',
      render: (h: string) => <Typography.Text code>{h.slice(0, 12)}</Typography.Text>,
    },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2}>{t('事件查询', 'Event search')}</Typography.Title>
      <Form form={form} layout="inline" onFinish={search} aria-label={t('事件筛选', 'Event filters')}>
        <FilterFields />
        <Form.Item>
          <Button type="primary" htmlType="submit">
            {t('查询', 'Search')}
          </Button>
        </Form.Item>
      </Form>
      {problem ? <ProblemAlert error={problem} /> : null}
      <CursorTable
        list={list}
        columns={columns}
        rowKey="hash"
        label={t('事件', 'Events')}
        expandable={{
          expandedRowRender: (e) => (
            <Typography.Paragraph style={{ margin: 0 }}>
              <Typography.Text code>{JSON.stringify(e.payload)}</Typography.Text>
            </Typography.Paragraph>
          ),
        }}
      />
    </Space>
  );
}
