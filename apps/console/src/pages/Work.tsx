import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Badge, Grid, Radio, Tabs, Typography } from 'antd';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { api, ApiProblem, data } from '../api/client';
import { useI18n } from '../i18n';
import { useIdle } from '../idle';
import { unitTree, useUnits } from '../register/units';
import { hasRole, useMe } from '../session';
import { NoticeInbox } from '../work/NoticeInbox';
import { CursorPager, useCursorPages } from '../work/paging';
import {
  countText,
  FILTER_NAMES,
  queueAddress,
  useQueue,
  useQueueCounts,
  VIEWS,
  type QueueFilters as Filters,
  type QueueItem,
} from '../work/queue';
import { QueueFilters } from '../work/QueueFilters';
import { QueueList } from '../work/QueueList';

const NOTICES = 'notices';

/**
 * My work: the views of the person's queue as tabs with their counts, each a server-paginated list with filters
 * and, on the unassigned view, a claim button; and the notice inbox. The page's query string holds the tab and the
 * filters. The header's notice bell keeps the live notice stream and refreshes the queue when a notice arrives.
 */
export function WorkPage() {
  return <WorkScreen />;
}

function WorkScreen() {
  const { t } = useI18n();
  const me = useMe();
  const screens = Grid.useBreakpoint();
  const narrow = !screens.md;
  const [params, setParams] = useSearchParams();
  const { tab, view, filters } = useMemo(() => queueAddress(params), [params]);
  const pages = useCursorPages(JSON.stringify([view, filters]));
  const onNotices = tab === NOTICES;
  const queue = useQueue(view, filters, pages.cursor);
  const counts = useQueueCounts(filters);
  // Rows name their unit; until the tree is read (once the queue is drawn) they show its code.
  const units = useUnits(useIdle());
  const unitChoices = useMemo(
    () => (units.data ? unitTree(units.data, me.data?.unitCode, true) : undefined),
    [units.data, me.data],
  );
  const client = useQueryClient();
  const { message } = App.useApp();

  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['queue'] });
    void client.invalidateQueries({ queryKey: ['queue-counts'] });
  };
  const claim = useMutation({
    mutationFn: (item: QueueItem): Promise<unknown> =>
      item.referralId
        ? data(
            api.POST('/api/v1/referrals/{id}/events', {
              params: { path: { id: item.referralId } },
              body: { type: 'CLAIM' },
            }),
          )
        : data(api.POST('/api/v1/cases/{id}/events', { params: { path: { id: item.id } }, body: { type: 'CLAIM' } })),
    onSuccess: (_, item) => {
      void message.success(t(`已认领 ${item.reference}`, `You claimed ${item.reference}`));
      refresh();
    },
    onError: (error, item) => {
      if (error instanceof ApiProblem && error.status === 409)
        void message.warning(
          t(`${item.reference} 已有变化，列表已刷新`, `${item.reference} changed meanwhile: the list is refreshed`),
        );
      else void message.error(error.message);
      refresh();
    },
  });

  const setTab = (key: string) => {
    const next = new URLSearchParams(params);
    next.set('tab', key);
    setParams(next);
  };
  const setFilters = (next: Filters) => {
    const out = new URLSearchParams();
    out.set('tab', tab);
    for (const name of FILTER_NAMES) if (next[name]) out.set(name, next[name]!);
    setParams(out);
  };

  const views = VIEWS.filter((v) => v.view !== 'in_charge' || hasRole(me.data, 'leader', 'admin'));
  const claimable = view === 'unassigned' && !hasRole(me.data, 'leader', 'auditor');
  const list = (
    <>
      <QueueFilters filters={filters} onChange={setFilters} narrow={narrow} units={unitChoices} />
      {queue.error && (
        <Alert type="error" showIcon role="alert" title={queue.error.message} style={{ marginBottom: 12 }} />
      )}
      <QueueList
        items={queue.data?.items ?? []}
        loading={queue.isFetching}
        units={units.data}
        narrow={narrow}
        onClaim={claimable ? (item) => claim.mutate(item) : undefined}
        claiming={claim.isPending ? (claim.variables?.id ?? null) : null}
      />
      <CursorPager pages={pages} nextCursor={queue.data?.nextCursor} loading={queue.isFetching} />
    </>
  );

  const tabs = [
    ...views.map((v) => ({ key: v.view as string, name: t(v.zh, v.en), figure: countText(counts.data?.[v.view]) })),
    { key: NOTICES, name: t('通知', 'Notices'), figure: undefined },
  ];
  const badge = (figure: string | undefined) =>
    figure !== undefined && (
      <Badge
        count={figure}
        showZero
        overflowCount={Number.MAX_SAFE_INTEGER}
        style={{ backgroundColor: figure === '0' ? '#595959' : '#1d5fbf' }}
      />
    );
  const active = onNotices ? NOTICES : view;
  const content = onNotices ? <NoticeInbox /> : list;

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {t('我的工作', 'My work')}
      </Typography.Title>
      {narrow ? (
        // On a phone the views wrap onto lines of their own instead of scrolling out of sight behind a menu.
        <>
          <Radio.Group
            aria-label={t('视图', 'View')}
            value={active}
            onChange={(e) => setTab(e.target.value as string)}
            optionType="button"
            style={{ display: 'flex', flexWrap: 'wrap', gap: 6, marginBottom: 12 }}
            options={tabs.map((tab) => ({
              value: tab.key,
              label: (
                <span>
                  {tab.name} {badge(tab.figure)}
                </span>
              ),
            }))}
          />
          {content}
        </>
      ) : (
        <Tabs
          activeKey={active}
          onChange={setTab}
          items={tabs.map((tab) => ({
            key: tab.key,
            label: (
              <span>
                {tab.name} {badge(tab.figure)}
              </span>
            ),
            children: tab.key === active ? content : null,
          }))}
        />
      )}
    </>
  );
}
