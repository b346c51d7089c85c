import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Alert, Button, Space, Spin, Tag, Typography } from 'antd';
import { useEffect, useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { MachineDiagram } from '../case/MachineDiagram';
import { useI18n } from '../i18n';
import { KINDS, nameOf, stateName } from '../labels';

/** History pages read without asking: enough for any ordinary case; a longer one goes on at the reader's request. */
const AUTO_PAGES = 5;
const PAGE_SIZE = 200;

type HistoryEntry = Schemas['HistoryEntry'];

/** The case's own path through its machine, from its history (its referrals' events are theirs, not the case's). */
function pathOf(entries: HistoryEntry[]) {
  const visited: string[] = [];
  const taken: Array<[string, string, string]> = [];
  let previous: string | null = null;
  for (const entry of entries) {
    if (entry.referralId) continue;
    if (previous !== null && entry.type) taken.push([previous, entry.type, entry.state]);
    visited.push(entry.state);
    previous = entry.state;
  }
  return { visited, taken };
}

/** A case's machine drawn on its own: the state diagram of its version, where it is and how it got there. */
export function CaseMachinePage() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const found = useQuery({
    queryKey: ['case', id],
    queryFn: () => data(api.GET('/api/v1/cases/{id}', { params: { path: { id } } })),
  });
  const history = useInfiniteQuery({
    queryKey: ['case', id, 'history'],
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/api/v1/cases/{id}/history', {
          params: { path: { id }, query: { limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: found.isSuccess,
  });
  const pages = history.data?.pages.length ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = history;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && pages < AUTO_PAGES) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, pages]);
  const path = useMemo(() => pathOf(history.data?.pages.flatMap((p) => p.items) ?? []), [history.data]);

  const title = <Typography.Title level={1}>{t('案件状态图', 'The case’s state diagram')}</Typography.Title>;
  if (found.isPending) return <Spin tip={t('加载中', 'Loading')}>{title}</Spin>;
  if (found.isError)
    return (
      <>
        {title}
        <Alert
          type="error"
          showIcon
          title={
            (found.error as { status?: number }).status === 404
              ? t('没有找到这个案件，或它不在您的范围内。', 'No such case, or it is outside your scope.')
              : found.error.message
          }
        />
      </>
    );

  const theCase = found.data;
  return (
    <>
      {title}
      <Space wrap style={{ marginBottom: 12 }}>
        <Link to={`/cases/${theCase.id}`} style={{ color: '#1d5fbf' }}>
          {theCase.reference}
        </Link>
        <span>{nameOf(KINDS, theCase.kind, lang)}</span>
        <Tag>
          {t('当前状态', 'Current state')}: {stateName(theCase.state, lang)}
        </Tag>
        <span>
          {t('机器版本', 'Machine version')} {theCase.machineVersion}
        </span>
      </Space>
      {history.isError && <Alert type="warning" showIcon title={t('历史未能加载', 'The history could not be read')} />}
      {history.isSuccess && hasNextPage && pages >= AUTO_PAGES && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('路径只显示了历史的前一部分。', 'The path shows the first part of the history only.')}
          action={
            <Button size="small" loading={isFetchingNextPage} onClick={() => void fetchNextPage()}>
              {t('加载更多历史', 'Read more of the history')}
            </Button>
          }
        />
      )}
      <MachineDiagram
        kind={theCase.kind}
        version={theCase.machineVersion}
        current={theCase.state}
        visited={path.visited.length ? path.visited : [theCase.state]}
        taken={path.taken}
      />
    </>
  );
}
