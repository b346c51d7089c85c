import { useQuery } from '@tanstack/react-query';
import { Descriptions, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { api, data } from '../api/client';
import { useI18n } from '../i18n';
import { CLOCK_STATUSES, CLOCKS, nameOf, stateName } from '../labels';
import type { Deadline } from './api';
import { TAG } from './colours';
import { chinaDate, countdown, when, type Countdown } from './countdown';
import { SimpleTable } from './SimpleTable';

const STATUS_COLOURS: Record<string, string> = {
  pending: TAG.blue,
  paused: TAG.grey,
  breached: TAG.red,
  met: TAG.green,
  lapsed: TAG.volcano,
  cancelled: TAG.grey,
  superseded: TAG.grey,
};
const URGENCY_COLOURS = { overdue: TAG.red, urgent: TAG.volcano, soon: TAG.gold, ample: TAG.green } as const;

/** The working days from today to the last open clock's due date (GET /calendar, any key; 400 days at most). */
function useWorkdays(deadlines: Deadline[]) {
  const open = deadlines.filter((d) => d.open && d.status === 'pending');
  const last = open.reduce<string | null>((max, d) => (!max || d.dueAt! > max ? d.dueAt! : max), null);
  const from = chinaDate(new Date());
  const to = last ? chinaDate(last) : null;
  const span = to ? (Date.parse(to) - Date.parse(from)) / 86_400_000 : -1;
  return useQuery({
    queryKey: ['calendar', from, to],
    enabled: span >= 0 && span < 399,
    staleTime: 3_600_000,
    queryFn: async () => {
      const days = await data(api.GET('/api/v1/calendar', { params: { query: { from, to: to! } } }));
      return new Map(days.days.map((d) => [d.date!, d.workday!]));
    },
  });
}

export function CountdownTag({ left }: { left: Countdown }) {
  const { t } = useI18n();
  const text =
    left.urgency === 'overdue'
      ? t('已超期', 'overdue')
      : left.unit === 'working_days'
        ? t(`剩余 ${left.amount} 个工作日`, `${left.amount} working day${left.amount === 1 ? '' : 's'} left`)
        : left.unit === 'days'
          ? t(`剩余 ${left.amount} 天`, `${left.amount} day${left.amount === 1 ? '' : 's'} left`)
          : t(`剩余 ${left.amount} 小时`, `${left.amount} hour${left.amount === 1 ? '' : 's'} left`);
  return <Tag color={URGENCY_COLOURS[left.urgency]}>{text}</Tag>;
}

/** The case's clocks: when each is due, what is left, its warnings and breach, and how its due time was computed. */
export function Deadlines({ deadlines }: { deadlines: Deadline[] }) {
  const { t, lang } = useI18n();
  const workdays = useWorkdays(deadlines);
  const now = useMemo(() => new Date(), []);
  return (
    <SimpleTable<Deadline>
      rows={deadlines}
      rowKey={(row) => row.id!}
      emptyText={t('没有计时', 'No clocks')}
      expand={{
        label: t('如何计算', 'How was this computed'),
        hide: t('收起', 'Hide'),
        render: (d) => <Derivation derivation={d.derivation as Record<string, unknown>} statute={d.statute ?? null} />,
      }}
      columns={[
        {
          title: t('时限', 'Clock'),
          key: 'key',
          render: (d) => (
            <>
              {nameOf(CLOCKS, d.key, lang)}
              <br />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {d.key}
              </Typography.Text>
            </>
          ),
        },
        { title: t('状态节点', 'State'), key: 'state', render: (d) => stateName(d.state!, lang) },
        { title: t('起算', 'Starts'), key: 'startsAt', render: (d) => when(d.startsAt) },
        { title: t('到期', 'Due'), key: 'dueAt', render: (d) => when(d.dueAt) },
        {
          title: t('计时状态', 'Status'),
          key: 'status',
          render: (d) => <Tag color={STATUS_COLOURS[d.status!]}>{nameOf(CLOCK_STATUSES, d.status, lang)}</Tag>,
        },
        {
          title: t('剩余', 'Left'),
          key: 'left',
          render: (d) =>
            d.open && d.status === 'pending' ? (
              <CountdownTag
                left={countdown(
                  d.dueAt!,
                  now,
                  ((d.derivation as { rule?: { unit?: string } }).rule ?? {}).unit,
                  workdays.data,
                )}
              />
            ) : (
              '—'
            ),
        },
        {
          title: t('预警', 'Warnings'),
          key: 'warnings',
          render: (d) =>
            d.warnings?.length
              ? d.warnings.map((w) => (
                  <div key={w.percent}>
                    {w.percent}% · {when(w.at)} · {nameOf(CLOCK_STATUSES, w.status, lang)}
                  </div>
                ))
              : '—',
        },
        {
          title: t('超期', 'Breach'),
          key: 'breach',
          render: (d) =>
            d.breachedAt ? <Tag color={TAG.red}>{`${t('超期于', 'Breached')} ${when(d.breachedAt)}`}</Tag> : '—',
        },
      ]}
    />
  );
}

const UNITS: Record<string, [string, string]> = {
  working_days: ['个工作日', 'working days'],
  calendar_days: ['个自然日', 'calendar days'],
  hours: ['小时', 'hours'],
};

/**
 * A citation as Chinese readers write it: `信访工作条例 art. 22 ¶1, art. 23 ¶2–3` → `信访工作条例第22条第1款、第23条第2–3款`.
 */
export const citation = (source: string) =>
  source
    .replace(/art\. (\d+)/g, '第$1条')
    .replace(/¶(\d+(?:–\d+)?)/g, '第$1款')
    .replace(/,? 第/g, (m) => (m.startsWith(',') ? '、第' : '第'))
    .replace(/; /g, '；');

/**
 * The stored derivation, key by key as people read it, with the statute that sets the clock's limit (or that none
 * does); any key not known here is shown as it is stored.
 */
export function Derivation({
  derivation,
  statute,
}: {
  derivation: Record<string, unknown>;
  statute: Deadline['statute'];
}) {
  const { t, lang } = useI18n();
  const rule = derivation.rule as
    { key?: string; amount?: number; unit?: string; source?: string; dueAt?: string } | undefined;
  const items: Array<{ key: string; label: string; children: React.ReactNode }> = [];
  const add = (key: string, label: string, children: React.ReactNode) => items.push({ key, label, children });
  const shown = new Set(['timeZone', 'startsAt', 'startDate', 'rule', 'dueAt', 'dueDate', 'skipped']);
  add(
    'start',
    t('起算', 'Start'),
    `${when(derivation.startsAt as string)}（${String(derivation.startDate ?? '')}，${String(derivation.timeZone ?? 'Asia/Shanghai')}）`,
  );
  if (rule) {
    const source =
      rule.source === 'default'
        ? t('默认时限', 'the default limit')
        : rule.source === 'referral'
          ? t('交办时指定', 'set by the referral')
          : rule.source?.startsWith('policy:')
            ? t(`时限策略 ${rule.source.slice(7)}`, `policy ${rule.source.slice(7)}`)
            : String(rule.source ?? '');
    add(
      'rule',
      t('规则', 'Rule'),
      rule.dueAt
        ? t(`交办指定的到期时间 ${when(rule.dueAt)}`, `the due time the request set, ${when(rule.dueAt)}`)
        : `${rule.amount ?? ''} ${UNITS[rule.unit ?? '']?.[lang === 'zh' ? 0 : 1] ?? rule.unit ?? ''}（${source}）`,
    );
  }
  add(
    'statute',
    t('法律依据', 'Statute'),
    statute
      ? t(
          `${citation(statute.source)}：法定时限 ${statute.amount} ${UNITS[statute.unit]?.[0] ?? statute.unit}，时限策略只可缩短`,
          `${statute.source}: ${statute.amount} ${UNITS[statute.unit]?.[1] ?? statute.unit} by law; a policy may only shorten it`,
        )
      : t('无法定时限：按流程默认时限或本地时限策略', 'No statutory limit: the machine’s default or a local policy'),
  );
  add('due', t('到期', 'Due'), `${when(derivation.dueAt as string)}（${String(derivation.dueDate ?? '')}）`);
  const skipped = (derivation.skipped ?? []) as Array<{ date: string; kind: string; name: string | null }>;
  add(
    'skipped',
    t('跳过的休息日', 'Rest days skipped'),
    skipped.length
      ? skipped.map((d) => `${d.date}${d.name ? ` ${d.name}` : ''}（${d.kind}）`).join('、')
      : t('无', 'None'),
  );
  const labels: Record<string, [string, string]> = {
    rolledOverFrom: ['顺延自', 'Rolled over from'],
    counting: ['计算方式', 'Counting'],
    uncoveredYears: ['无节假日安排的年份', 'Years without a holiday schedule'],
    extension: ['延期', 'Extension'],
    laterExtensions: ['后续延期', 'Later extensions'],
    startedFrom: ['起算依据', 'Started from'],
    pauses: ['暂停', 'Pauses'],
    recomputed: ['重新计算', 'Recomputed'],
  };
  for (const [key, value] of Object.entries(derivation)) {
    if (shown.has(key) || value === undefined || value === null) continue;
    const label = labels[key]?.[lang === 'zh' ? 0 : 1] ?? key;
    add(key, label, <Readable value={value} />);
  }
  return <Descriptions size="small" column={1} bordered items={items} />;
}

/** A stored value as text: instants as local times, objects as `key: value` lines. */
function Readable({ value }: { value: unknown }): React.ReactNode {
  if (Array.isArray(value))
    return value.length ? (
      <ol style={{ margin: 0, paddingInlineStart: 18 }}>
        {value.map((v, i) => (
          <li key={i}>
            <Readable value={v} />
          </li>
        ))}
      </ol>
    ) : (
      '—'
    );
  if (value && typeof value === 'object')
    return (
      <>
        {Object.entries(value).map(([k, v]) => (
          <div key={k}>
            {k}: <Readable value={v} />
          </div>
        ))}
      </>
    );
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return when(value);
  return String(value);
}
