import { Tag } from 'antd';
import { Link } from 'react-router';
import type { Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { nameOf, REFERRAL_STATES } from '../labels';
import { CountdownTag } from './Deadlines';
import { TAG, LINK } from './colours';
import { countdown, when } from './countdown';
import { SimpleTable } from './SimpleTable';

type Referral = Schemas['ReferralSummary'];

/** The case's referrals (交办): each department, its referral's own state and clock, and a link to it. */
export function Referrals({ referrals }: { referrals: Referral[] }) {
  const { t, lang } = useI18n();
  return (
    <SimpleTable<Referral>
      rows={referrals}
      rowKey={(row) => row.id!}
      emptyText={t('没有交办', 'No referrals')}
      columns={[
        {
          title: t('部门', 'Department'),
          key: 'department',
          render: (r) => (
            <>
              {r.departmentCode} {r.role === 'lead' ? t('（牵头）', '(lead)') : t('（协办）', '(assist)')}
            </>
          ),
        },
        { title: t('状态', 'State'), key: 'state', render: (r) => nameOf(REFERRAL_STATES, r.state, lang) },
        { title: t('交办时间', 'Issued'), key: 'issuedAt', render: (r) => when(r.issuedAt) },
        {
          title: t('到期', 'Due'),
          key: 'dueAt',
          render: (r) =>
            r.dueAt ? (
              <>
                {when(r.dueAt)} <CountdownTag left={countdown(r.dueAt, new Date(), undefined, undefined)} />
              </>
            ) : (
              '—'
            ),
        },
        {
          title: t('标记', 'Marks'),
          key: 'marks',
          render: (r) => (
            <>
              {r.urged && <Tag color={TAG.volcano}>{t('催办', 'Urged')}</Tag>}
              {r.supervised && <Tag color={TAG.red}>{t('督办', 'Supervised')}</Tag>}
              {r.resolved === true && <Tag color={TAG.green}>{t('已解决', 'Resolved')}</Tag>}
              {r.resolved === false && <Tag>{t('未解决', 'Unresolved')}</Tag>}
            </>
          ),
        },
        {
          title: t('详情', 'Details'),
          key: 'link',
          render: (r) => (
            <Link to={`/referrals/${r.id}`} style={{ color: LINK }}>
              {t('查看交办', 'Open the referral')}
            </Link>
          ),
        },
      ]}
    />
  );
}
