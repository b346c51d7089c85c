import { SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Flex, Form, Input, Spin, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useNavigate, useParams } from 'react-router';
import { api, ApiProblem, data } from '../api/client';
import { useI18n } from '../i18n';
import { LangSwitch } from '../layout/AppLayout';
import { KINDS, nameOf, STAGES } from '../labels';
import { ToneTag, type Tone } from '../work/urgency';

const STATUS: Record<string, { zh: string; en: string; tone: Tone }> = {
  in_progress: { zh: '办理中', en: 'In progress', tone: 'info' },
  concluded: { zh: '已办结', en: 'Concluded', tone: 'ok' },
  closed: { zh: '已归档', en: 'Closed', tone: 'neutral' },
};

const day = (at: string | null | undefined) => (at ? dayjs(at).format('YYYY-MM-DD HH:mm') : '—');

/**
 * 阳光信访: anyone with a case's query code follows it here, without signing in. The page shows only what the
 * public route answers (reference, kind, stages and dates: no party, summary or unit), says "not found" the same
 * way for any code that finds nothing, and asks to wait when the route's rate limit refuses (429). The code is
 * kept in the address only, never in the browser's storage.
 */
export function ProgressPage() {
  return <ProgressScreen />;
}

function ProgressScreen() {
  const { t, lang } = useI18n();
  const { queryCode } = useParams();
  const navigate = useNavigate();
  const code = queryCode?.trim().toUpperCase() ?? '';
  const progress = useQuery({
    queryKey: ['progress', code],
    queryFn: () => data(api.GET('/api/v1/public/progress/{queryCode}', { params: { path: { queryCode: code } } })),
    enabled: !!code,
    retry: false,
    staleTime: 60_000,
  });

  const refusal =
    progress.error instanceof ApiProblem && progress.error.status === 404
      ? t(
          '没有找到与该查询码对应的案件，请核对后重新输入。',
          'No case was found for this query code. Check it and try again.',
        )
      : progress.error instanceof ApiProblem && progress.error.status === 429
        ? t('查询过于频繁，请稍等一分钟后再试。', 'Too many look-ups from here: wait a minute and try again.')
        : progress.error
          ? t('暂时无法查询，请稍后再试。', 'The look-up is unavailable for now: try again later.')
          : null;
  const p = progress.data;
  const status = p ? STATUS[p.status] : undefined;

  return (
    <main style={{ minHeight: '100vh', background: '#f5f5f5', padding: 16 }}>
      <div style={{ maxWidth: 560, margin: '0 auto' }}>
        <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
          <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
            {t('办理进度查询', 'Case progress')}
          </Typography.Title>
          <LangSwitch />
        </Flex>
        <Card size="small" style={{ marginBottom: 12 }}>
          <Typography.Paragraph style={{ marginBottom: 12 }}>
            {t(
              '请输入登记时告知您的查询码，查看案件办理到哪一步。',
              'Enter the query code you were given when the case was registered to see how far it has come.',
            )}
          </Typography.Paragraph>
          <Form
            layout="vertical"
            key={code}
            initialValues={{ code }}
            onFinish={({ code: typed }: { code: string }) =>
              navigate(`/progress/${encodeURIComponent(typed.trim().toUpperCase())}`)
            }
          >
            <Form.Item
              name="code"
              label={t('查询码', 'Query code')}
              rules={[{ required: true, whitespace: true, message: t('请输入查询码', 'Enter the query code') }]}
              normalize={(v: string) => v.toUpperCase()}
            >
              <Input autoComplete="off" autoCapitalize="characters" spellCheck={false} maxLength={64} />
            </Form.Item>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} block>
              {t('查询', 'Look up')}
            </Button>
          </Form>
        </Card>
        {progress.isFetching && !p && <Spin tip={t('查询中', 'Looking up')} />}
        {refusal && (
          <Alert
            type={progress.error instanceof ApiProblem && progress.error.status === 429 ? 'warning' : 'error'}
            showIcon
            role="alert"
            title={refusal}
          />
        )}
        {p && !progress.error && (
          <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('办理进度', 'Progress')}</h2>}>
            <Descriptions
              column={1}
              size="small"
              items={[
                { key: 'ref', label: t('案件编号', 'Reference'), children: p.reference },
                { key: 'kind', label: t('类型', 'Kind'), children: nameOf(KINDS, p.kind, lang) },
                {
                  key: 'status',
                  label: t('办理状态', 'Status'),
                  children: status ? <ToneTag tone={status.tone}>{t(status.zh, status.en)}</ToneTag> : p.status,
                },
                { key: 'stage', label: t('当前阶段', 'Current stage'), children: nameOf(STAGES, p.stage, lang) },
                { key: 'reg', label: t('登记时间', 'Registered'), children: day(p.registeredAt) },
                { key: 'upd', label: t('最近更新', 'Last updated'), children: day(p.updatedAt) },
                ...(p.concludedAt
                  ? [{ key: 'con', label: t('办结时间', 'Concluded'), children: day(p.concludedAt) }]
                  : []),
              ]}
            />
            <Typography.Title level={3} style={{ fontSize: 15, marginTop: 16 }}>
              {t('各阶段', 'Stages')}
            </Typography.Title>
            <Timeline
              items={p.stages.map((s, i) => {
                const current = i === p.stages.length - 1;
                return {
                  key: `${s.stage}-${s.enteredAt}`,
                  color: current && !p.closed ? 'blue' : 'gray',
                  content: (
                    <div>
                      <Typography.Text strong>{nameOf(STAGES, s.stage, lang)}</Typography.Text>
                      {current && (
                        <>
                          {' '}
                          <ToneTag tone="info">{t('当前', 'Now')}</ToneTag>
                        </>
                      )}
                      <div>
                        <Typography.Text type="secondary">
                          {t('进入时间', 'Entered')}：{day(s.enteredAt)}
                        </Typography.Text>
                      </div>
                    </div>
                  ),
                };
              })}
            />
          </Card>
        )}
      </div>
    </main>
  );
}
