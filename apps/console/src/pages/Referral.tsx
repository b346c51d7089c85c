import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Descriptions, Empty, Flex, Row, Spin, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useParams } from 'react-router';
import { DataTable } from '../work/DataTable';
import { RouteLink } from '../work/RouteLink';
import { api, ApiProblem, data, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import {
  CATEGORIES,
  CLOCKS,
  KINDS,
  nameOf,
  PARTY_ROLES,
  REFERRAL_EVENTS,
  REFERRAL_STATES,
  ROLES,
  stateName,
} from '../labels';
import { useUnits, unitName } from '../register/units';
import { ReferralActions } from '../referrals/ReferralActions';
import { departmentName, ReferralStateTag, ROLE_NAMES, useDepartments } from '../referrals/shared';
import { Countdown, RiskTag, SupervisionMarks, ToneTag } from '../work/urgency';

type Referral = Schemas['Referral'];
type Deadline = Schemas['Deadline'];
type Entry = Schemas['ReferralEventEntry'];

const when = (at: string | null | undefined) => (at ? dayjs(at).format('YYYY-MM-DD HH:mm') : '—');

const CLOCK_STATUS: Record<string, [string, string]> = {
  pending: ['计时中', 'Running'],
  paused: ['已暂停', 'Paused'],
  breached: ['已超期', 'Breached'],
  met: ['按时完成', 'Met'],
  lapsed: ['逾期完成', 'Met late'],
  cancelled: ['已取消', 'Cancelled'],
  superseded: ['已更替', 'Superseded'],
};

/** What an event said, in words: its note, reason, result, instructions. */
function payloadWords(entry: Entry, t: (zh: string, en: string) => string): string | null {
  const p = entry.payload as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof p.resolved === 'boolean') parts.push(p.resolved ? t('已解决', 'Resolved') : t('未解决', 'Not resolved'));
  for (const key of ['instructions', 'note', 'reason', 'result'])
    if (typeof p[key] === 'string' && p[key]) parts.push(p[key] as string);
  return parts.length ? parts.join(' — ') : null;
}

/**
 * A referral as its department reads it: the case it may see, the instructions, the clocks, the history of the
 * referral in the case's chain, and the answers allowed now (签收, 受理, 退回, 进展, 答复) as buttons with their forms.
 */
export function ReferralPage() {
  return <ReferralScreen />;
}

function ReferralScreen() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const referral = useQuery({
    queryKey: ['referral', id],
    queryFn: () => data(api.GET('/api/v1/referrals/{id}', { params: { path: { id } } })),
  });
  const departments = useDepartments();
  const units = useUnits();

  if (referral.isPending) return <Spin tip={t('加载中', 'Loading')} />;
  if (referral.error) {
    const missing = referral.error instanceof ApiProblem && referral.error.status === 404;
    return (
      <>
        <Typography.Title level={1} style={{ fontSize: 24 }}>
          {t('交办', 'Referral')}
        </Typography.Title>
        <Alert
          type="error"
          showIcon
          role="alert"
          title={
            missing
              ? t('没有找到这项交办，或您无权查看。', 'No such referral, or not yours to see.')
              : referral.error.message
          }
        />
        <RouteLink to="/referrals">{t('返回部门交办', 'Back to the department inbox')}</RouteLink>
      </>
    );
  }
  const r: Referral = referral.data;
  const actorRole = (role: string) => (role === 'system' ? t('系统', 'System') : nameOf(ROLES, role, lang));
  const c = r.case;

  const clocks = (
    <DataTable<Deadline>
      size="small"
      label={t('时限', 'Clocks')}
      rows={r.deadlines}
      rowKey={(d) => d.id}
      empty={t('没有时限', 'No clocks')}
      columns={[
        { title: t('时限', 'Clock'), key: 'key', render: (d) => nameOf(CLOCKS, d.key, lang) },
        { title: t('状态', 'Status'), key: 'status', render: (d) => nameOf(CLOCK_STATUS, d.status, lang) },
        { title: t('起算', 'Started'), key: 'start', render: (d) => when(d.startsAt) },
        { title: t('到期', 'Due'), key: 'due', render: (d) => when(d.dueAt) },
        {
          title: t('剩余', 'Left'),
          key: 'left',
          render: (d) =>
            d.open && d.status !== 'paused' ? <Countdown dueAt={d.dueAt} overdue={d.overdue} clock={d.key} /> : '—',
        },
      ]}
    />
  );

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {t('交办', 'Referral')} {r.caseReference}
      </Typography.Title>
      <Flex wrap gap={8} align="center" style={{ marginBottom: 16 }}>
        <span data-testid="referral-state">
          {t('状态', 'State')}：<ReferralStateTag state={r.state} />
        </span>
        {(r.urged || r.supervised) && <SupervisionMarks urged={r.urged} supervised={r.supervised} />}
        {r.dueAt && <Countdown dueAt={r.dueAt} overdue={r.overdue} />}
      </Flex>
      <section aria-label={t('可办理的操作', 'What you can do now')} style={{ marginBottom: 16 }}>
        <ReferralActions referral={r} />
      </section>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('交办要求', 'Instructions')}</h2>} size="small">
            <Descriptions
              column={1}
              size="small"
              items={[
                {
                  key: 'dep',
                  label: t('部门', 'Department'),
                  children: departmentName(departments.data, r.departmentCode),
                },
                { key: 'role', label: t('角色', 'Role'), children: nameOf(ROLE_NAMES, r.role, lang) },
                { key: 'ins', label: t('要求', 'Instructions'), children: r.instructions },
                {
                  key: 'limit',
                  label: t('答复时限', 'Reply within'),
                  children:
                    r.dueInWorkingDays != null
                      ? t(`${r.dueInWorkingDays} 个工作日`, `${r.dueInWorkingDays} working days`)
                      : t('默认时限', 'The default limit'),
                },
                { key: 'issued', label: t('交办时间', 'Issued'), children: when(r.issuedAt) },
                ...(r.answeredAt
                  ? [{ key: 'ans', label: t('答复时间', 'Answered'), children: when(r.answeredAt) }]
                  : []),
                ...(r.resolved != null
                  ? [
                      {
                        key: 'res',
                        label: t('是否解决', 'Resolved'),
                        children: r.resolved ? t('已解决', 'Resolved') : t('未解决', 'Not resolved'),
                      },
                    ]
                  : []),
                ...(r.result ? [{ key: 'result', label: t('办理结果', 'Result'), children: r.result }] : []),
                ...(r.rejectionReason
                  ? [{ key: 'rej', label: t('退回理由', 'Rejection reason'), children: r.rejectionReason }]
                  : []),
                ...(r.cancellationReason
                  ? [{ key: 'can', label: t('撤销原因', 'Cancellation reason'), children: r.cancellationReason }]
                  : []),
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('案件', 'The case')}</h2>} size="small">
            <Descriptions
              column={1}
              size="small"
              items={[
                { key: 'ref', label: t('编号', 'Reference'), children: c.reference },
                { key: 'kind', label: t('类型', 'Kind'), children: nameOf(KINDS, c.kind, lang) },
                { key: 'cat', label: t('类别', 'Category'), children: nameOf(CATEGORIES, c.category, lang) },
                { key: 'risk', label: t('风险', 'Risk'), children: <RiskTag risk={c.riskLevel} /> },
                { key: 'unit', label: t('单位', 'Unit'), children: unitName(units.data, c.unitCode) },
                { key: 'sum', label: t('摘要', 'Summary'), children: c.summary },
                { key: 'desc', label: t('详细情况', 'Description'), children: c.description },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('时限', 'Clocks')}</h2>} size="small">
            {clocks}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('当事人', 'Parties')}</h2>} size="small">
            {r.parties.length ? (
              <DataTable<Schemas['Party']>
                size="small"
                label={t('当事人', 'Parties')}
                rows={r.parties}
                rowKey={(p) => p.id}
                empty={t('没有当事人信息', 'No parties')}
                columns={[
                  { title: t('身份', 'Role'), key: 'role', render: (p) => nameOf(PARTY_ROLES, p.role, lang) },
                  { title: t('姓名', 'Name'), key: 'name', render: (p) => p.name },
                  { title: t('电话', 'Phone'), key: 'phone', render: (p) => p.phone ?? '—' },
                ]}
              />
            ) : (
              <Empty description={t('没有当事人信息', 'No parties')} />
            )}
            {!r.shareParties && r.parties.length > 0 && (
              <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
                {t('交办未共享当事人信息：已脱敏。', 'The referral does not share the parties: they are masked.')}
              </Typography.Paragraph>
            )}
          </Card>
        </Col>
        <Col xs={24}>
          <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('办理记录', 'History')}</h2>} size="small">
            <Timeline
              items={r.events.map((e) => ({
                key: e.seq,
                content: (
                  <div>
                    <Typography.Text strong>{nameOf(REFERRAL_EVENTS, e.type, lang)}</Typography.Text>{' '}
                    <ToneTag tone="neutral">
                      {e.type === 'REFER' ? stateName(e.state, lang) : nameOf(REFERRAL_STATES, e.state, lang)}
                    </ToneTag>
                    <div>
                      <Typography.Text type="secondary">
                        {when(e.at)} · {e.actor.name}（{actorRole(e.actor.role)}）
                      </Typography.Text>
                    </div>
                    {payloadWords(e, t) && <div>{payloadWords(e, t)}</div>}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
