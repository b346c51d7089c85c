import { Button, Card, Empty, Flex, Typography } from 'antd';
import { DataTable, type Column } from './DataTable';
import { RouteLink } from './RouteLink';
import { useI18n } from '../i18n';
import { CATEGORIES, KINDS, nameOf, REFERRAL_STATES, stateName } from '../labels';
import { unitName, type Unit } from '../register/units';
import type { QueueItem } from './queue';
import { Countdown, RiskTag, SupervisionMarks } from './urgency';

interface Props {
  items: QueueItem[];
  loading: boolean;
  units: Unit[] | undefined;
  /** The claim button's handler, on the unassigned view only. */
  onClaim?: (item: QueueItem) => void;
  claiming?: string | null;
  /** Cards instead of a table, for a phone's width. */
  narrow: boolean;
}

/** Where an entry leads: a department person's entries are referrals, everyone else's cases. */
export const entryLink = (item: QueueItem) => (item.referralId ? `/referrals/${item.referralId}` : `/cases/${item.id}`);

function useEntryWords() {
  const { lang } = useI18n();
  return {
    state: (item: QueueItem) =>
      item.referralId ? nameOf(REFERRAL_STATES, item.state, lang) : stateName(item.state, lang),
    kind: (item: QueueItem) => nameOf(KINDS, item.kind, lang),
    category: (item: QueueItem) => nameOf(CATEGORIES, item.category, lang),
  };
}

/** The entries of one queue view: a table on a wide screen, a list of cards on a phone. */
export function QueueList({ items, loading, units, onClaim, claiming, narrow }: Props) {
  const { t } = useI18n();
  const words = useEntryWords();
  const claimButton = (item: QueueItem) =>
    onClaim && (
      <Button
        type="primary"
        size="small"
        loading={claiming === item.id}
        disabled={!!claiming && claiming !== item.id}
        onClick={() => onClaim(item)}
        aria-label={t(`认领 ${item.reference}`, `Claim ${item.reference}`)}
      >
        {t('认领', 'Claim')}
      </Button>
    );

  if (narrow) {
    if (!loading && !items.length) return <Empty description={t('没有案件', 'Nothing here')} />;
    return (
      <ul
        aria-label={t('案件列表', 'Cases')}
        style={{ listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: 8 }}
      >
        {items.map((item) => (
          <li key={item.id}>
            <Card
              size="small"
              title={<RouteLink to={entryLink(item)}>{item.reference}</RouteLink>}
              extra={
                <Countdown
                  dueAt={item.nextDue?.dueAt ?? null}
                  overdue={item.nextDue?.overdue}
                  clock={item.nextDue?.key}
                />
              }
            >
              <Flex vertical gap={4}>
                <Typography.Text>
                  {words.kind(item)} · {words.state(item)}
                </Typography.Text>
                <Typography.Text>
                  {t('类别', 'Category')}：{words.category(item)} · {t('单位', 'Unit')}：
                  {unitName(units, item.unitCode)}
                </Typography.Text>
                <Typography.Text>
                  {t('承办人', 'Assignee')}：{item.assignee?.name ?? t('无', 'Nobody')}
                </Typography.Text>
                <Flex wrap gap={4} align="center" justify="space-between">
                  <span>
                    {t('风险', 'Risk')}：<RiskTag risk={item.riskLevel} />
                    {(item.supervised || item.urged) && (
                      <SupervisionMarks supervised={item.supervised} urged={item.urged} />
                    )}
                  </span>
                  {claimButton(item)}
                </Flex>
              </Flex>
            </Card>
          </li>
        ))}
      </ul>
    );
  }

  const columns: Array<Column<QueueItem>> = [
    {
      title: t('编号', 'Reference'),
      key: 'reference',
      render: (item) => <RouteLink to={entryLink(item)}>{item.reference}</RouteLink>,
    },
    { title: t('类型', 'Kind'), key: 'kind', render: (item) => words.kind(item) },
    { title: t('状态', 'State'), key: 'state', render: (item) => words.state(item) },
    { title: t('类别', 'Category'), key: 'category', render: (item) => words.category(item) },
    { title: t('风险', 'Risk'), key: 'risk', render: (item) => <RiskTag risk={item.riskLevel} /> },
    { title: t('单位', 'Unit'), key: 'unit', render: (item) => unitName(units, item.unitCode) },
    {
      title: t('承办人', 'Assignee'),
      key: 'assignee',
      render: (item) => item.assignee?.name ?? <Typography.Text type="secondary">{t('无', 'Nobody')}</Typography.Text>,
    },
    {
      title: t('督办', 'Supervision'),
      key: 'supervised',
      render: (item) => <SupervisionMarks supervised={item.supervised} urged={item.urged} />,
    },
    {
      title: t('时限', 'Next due'),
      key: 'nextDue',
      render: (item) => (
        <Countdown dueAt={item.nextDue?.dueAt ?? null} overdue={item.nextDue?.overdue} clock={item.nextDue?.key} />
      ),
    },
  ];
  if (onClaim) columns.push({ title: t('操作', 'Action'), key: 'action', render: (item) => claimButton(item) });
  return (
    <DataTable<QueueItem>
      label={t('案件列表', 'Cases')}
      columns={columns}
      rows={items}
      rowKey={(item) => item.id}
      loading={loading}
      empty={t('没有案件', 'Nothing here')}
    />
  );
}
