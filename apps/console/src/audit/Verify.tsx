import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Space, Typography, type TableColumnsType } from 'antd';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { useMe } from '../session';
import { CaseNotFound, CursorTable, formatTime, ProblemAlert, resolveCaseId, useCursorList } from './shared';

type Report = Schemas['VerifyReport'];
type Anchor = Schemas['Anchor'];

/** What a verification found, in words: the chain intact with its counts, or where and why it breaks. */
function ReportView({ report, scope }: { report: Report; scope: 'case' | 'all' }) {
  const { t } = useI18n();
  const counts = t(
    `已核验 ${report.checked} 个事件、${report.cases} 个案件。`,
    `${report.checked} events and ${report.cases} cases checked.`,
  );
  const anchors = report.anchors;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {report.valid ? (
        <Alert
          type="success"
          showIcon
          message={`${t('链完整', 'Chain intact')}${scope === 'all' ? t('（全部案件）', ' (every case)') : ''}`}
          description={counts}
        />
      ) : (
        <Alert
          type="error"
          showIcon
          message={t('链断裂', 'Chain broken')}
          description={
            <>
              {counts}{' '}
              {report.brokenAt ? (
                <>
                  {t('第一处断裂：案件', 'First break: case')}{' '}
                  <Link to={`/cases/${report.brokenAt.caseId}`}>{report.brokenAt.caseId}</Link>
                  {t(`，第 ${report.brokenAt.seq} 个事件：`, `, event ${report.brokenAt.seq}: `)}
                  {report.brokenAt.reason}
                </>
              ) : null}
            </>
          }
        />
      )}
      {anchors ? (
        <Alert
          type={anchors.valid ? 'success' : 'error'}
          showIcon
          message={
            anchors.valid
              ? t(`每日锚点完整（已核对 ${anchors.checked} 个）`, `Daily anchors intact (${anchors.checked} checked)`)
              : t(
                  `每日锚点不符：${anchors.brokenDay ?? ''} ${anchors.reason ?? ''}`,
                  `Daily anchor mismatch: ${anchors.brokenDay ?? ''} ${anchors.reason ?? ''}`,
                )
          }
        />
      ) : null}
    </Space>
  );
}

/** Verifies one case's hash chain, or every case's and the daily anchors; lists the anchors. */
export function VerifyChains() {
  const { t } = useI18n();
  const me = useMe();
  const [form] = Form.useForm<{ caseRef: string }>();
  const one = useMutation({
    mutationFn: async (caseRef: string) => {
      const caseId = await resolveCaseId(caseRef);
      return data(api.GET('/api/v1/audit/verify', { params: { query: { caseId } } }));
    },
    onError: (error) => {
      if (error instanceof CaseNotFound)
        form.setFields([{ name: 'caseRef', errors: [t('未找到该案件', 'No such case')] }]);
    },
  });
  const all = useMutation({ mutationFn: () => data(api.GET('/api/v1/audit/verify', { params: { query: {} } })) });
  const anchors = useCursorList<Anchor>(['audit-anchors'], (cursor) =>
    data(api.GET('/api/v1/audit/anchors', { params: { query: { cursor, limit: 20 } } })),
  );
  const scoped = !!me.data?.unitCode;
  const columns: TableColumnsType<Anchor> = [
    { title: t('日期', 'Day'), dataIndex: 'day' },
    { title: t('案件数', 'Cases'), dataIndex: 'cases' },
    { title: t('事件数', 'Events'), dataIndex: 'events' },
    {
      title: t('锚点', 'Anchor'),
      dataIndex: 'anchor',
      render: (a: string) => <Typography.Text code>{a.slice(0, 16)}…</Typography.Text>,
    },
    { title: t('生成时间', 'Created'), dataIndex: 'createdAt', render: formatTime },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={2}>{t('哈希链核验', 'Verify the hash chains')}</Typography.Title>
      <Card title={t('核验一个案件', 'Verify one case')} size="small">
        <Form form={form} layout="inline" onFinish={(v) => one.mutate(v.caseRef)}>
          <Form.Item
            name="caseRef"
            label={t('案件（编号或 ID）', 'Case (reference or id)')}
            rules={[{ required: true, whitespace: true, message: t('请输入案件', 'Enter a case') }]}
          >
            <Input style={{ width: 320 }} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={one.isPending}>
              {t('核验此案', 'Verify this case')}
            </Button>
          </Form.Item>
        </Form>
        <div style={{ marginTop: 12 }} aria-live="polite">
          {one.data ? <ReportView report={one.data} scope="case" /> : null}
          {one.isError && !(one.error instanceof CaseNotFound) ? <ProblemAlert error={one.error} /> : null}
        </div>
      </Card>
      <Card title={t('核验全部案件与每日锚点', 'Verify every case and the daily anchors')} size="small">
        <Space direction="vertical" style={{ width: '100%' }}>
          {scoped ? (
            <Typography.Text type="secondary">
              {t(
                '核验全部案件需要不限辖区的账号；您的账号限于本辖区，可逐案核验。',
                'Verifying every case needs an account without a unit scope; yours can verify cases one by one.',
              )}
            </Typography.Text>
          ) : null}
          <Button onClick={() => all.mutate()} loading={all.isPending}>
            {t('核验全部', 'Verify all')}
          </Button>
          <div aria-live="polite">
            {all.data ? <ReportView report={all.data} scope="all" /> : null}
            {all.isError ? <ProblemAlert error={all.error} /> : null}
          </div>
        </Space>
      </Card>
      <Card title={t('每日锚点', 'Daily anchors')} size="small">
        <CursorTable list={anchors} columns={columns} rowKey="day" label={t('每日锚点', 'Daily anchors')} />
      </Card>
    </Space>
  );
}
