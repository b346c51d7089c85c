import { Alert, Button, Form, Input, Radio, Space, Typography } from 'antd';
import { useState } from 'react';
import { ApiProblem, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { FilterFields, toFilter, type FilterValues } from './EventSearch';
import { CaseNotFound, ProblemAlert } from './shared';

interface ExportValues extends FilterValues {
  format: 'jsonl' | 'csv';
  reason: string;
}

/** The file name the API gave the export (Content-Disposition), or one of our own. */
function fileNameOf(response: Response, format: string): string {
  const match = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
  return match?.[1] ?? `concord-events.${format}`;
}

/** Hands a blob to the browser as a download: an object URL and a temporary link, no navigation. */
function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The download has its own reference to the blob by now; the URL is not needed past this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * The event log exported as JSON Lines or CSV, with the access reason the access log keeps next to it. The file
 * is fetched with the session's cookie and saved from a blob: the page never navigates to the API.
 */
export function ExportEvents() {
  const { t } = useI18n();
  const [form] = Form.useForm<ExportValues>();
  const [problem, setProblem] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (values: ExportValues) => {
    setProblem(null);
    setDone(null);
    setBusy(true);
    try {
      const filter = await toFilter(values);
      const query = new URLSearchParams({ ...filter, format: values.format, reason: values.reason.trim() });
      const response = await fetch(`/api/v1/audit/export?${query.toString()}`, {
        credentials: 'same-origin',
        headers: { accept: 'application/x-ndjson, text/csv, application/problem+json' },
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({ title: response.statusText }))) as Schemas['Problem'];
        const refused = new ApiProblem(response.status, body);
        const fields = refused.fieldErrors;
        if (fields.reason) form.setFields([{ name: 'reason', errors: [fields.reason] }]);
        throw refused;
      }
      const name = fileNameOf(response, values.format);
      saveBlob(await response.blob(), name);
      setDone(name);
    } catch (error) {
      if (error instanceof CaseNotFound)
        form.setFields([{ name: 'caseRef', errors: [t('未找到该案件', 'No such case')] }]);
      else setProblem(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2}>{t('导出事件', 'Export the events')}</Typography.Title>
      <Typography.Paragraph type="secondary">
        {t(
          '导出您辖区内符合条件的全部事件。导出理由将与本次导出一并记入审计访问日志。',
          'Exports every matching event in your scope. The reason is kept with the export in the audit access log.',
        )}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={run} initialValues={{ format: 'jsonl' }} style={{ maxWidth: 960 }}>
        <Form.Item name="format" label={t('格式', 'Format')}>
          <Radio.Group
            options={[
              { value: 'jsonl', label: 'JSON Lines' },
              { value: 'csv', label: 'CSV' },
            ]}
          />
        </Form.Item>
        <Space wrap align="start">
          <FilterFields />
        </Space>
        <Form.Item
          name="reason"
          label={t('导出理由', 'Reason for the export')}
          rules={[
            { required: true, whitespace: true, message: t('请填写导出理由', 'Give the reason for the export') },
            { max: 500, message: t('最多 500 字', 'At most 500 characters') },
            {
              pattern: /^[^\p{C}]*$/u,
              message: t('不能包含换行或控制字符', 'No line breaks or control characters'),
            },
          ]}
        >
          <Input maxLength={500} showCount />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('导出', 'Export')}
          </Button>
        </Form.Item>
      </Form>
      <div aria-live="polite">
        {done ? <Alert type="success" showIcon message={`${t('已下载', 'Downloaded')}: ${done}`} /> : null}
        {problem ? <ProblemAlert error={problem} /> : null}
      </div>
    </Space>
  );
}
