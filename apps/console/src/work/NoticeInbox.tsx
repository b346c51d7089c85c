import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Flex, Space, Switch, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { RouteLink } from './RouteLink';
import { api, data } from '../api/client';
import { useI18n } from '../i18n';
import { CLOCKS, nameOf, NOTICE_TOPICS } from '../labels';
import type { Notice } from './notice-stream';
import { CursorPager, useCursorPages } from './paging';
import { ToneTag } from './urgency';

const PAGE_SIZE = 20;

/** The notice inbox (GET /me/notices, newest first, paginated), with mark-read one by one or all at once. */
export function NoticeInbox() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const pages = useCursorPages(String(unreadOnly));
  const list = useQuery({
    queryKey: ['notices', 'list', unreadOnly, pages.cursor ?? null],
    queryFn: () =>
      data(
        api.GET('/api/v1/me/notices', {
          params: { query: { limit: PAGE_SIZE, cursor: pages.cursor, ...(unreadOnly ? { unread: true } : {}) } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const markRead = useMutation({
    mutationFn: (body: { ids: string[] } | { all: true }) => data(api.POST('/api/v1/me/notices/read', { body })),
    onSuccess: (answer) => {
      client.setQueryData(['notices', 'unread'], (old: unknown) =>
        old && typeof old === 'object' ? { ...old, unread: answer.unread } : old,
      );
      void client.invalidateQueries({ queryKey: ['notices'] });
    },
    onError: (error) => void message.error(error.message),
  });

  const topic = (n: Notice) => nameOf(NOTICE_TOPICS, n.topic, lang);
  const detail = (n: Notice) => (n.detail ? (CLOCKS[n.detail] ? nameOf(CLOCKS, n.detail, lang) : n.detail) : null);
  const link = (n: Notice) => (n.referralId ? `/referrals/${n.referralId}` : `/cases/${n.caseId}`);

  return (
    <section aria-labelledby="notices-heading">
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Title level={2} id="notices-heading" style={{ fontSize: 18, margin: 0 }}>
          {t('通知', 'Notices')}
          {list.data ? ` · ${t(`${list.data.unread} 条未读`, `${list.data.unread} unread`)}` : ''}
        </Typography.Title>
        <Space wrap>
          <Space>
            <Switch
              id="unread-only"
              checked={unreadOnly}
              onChange={setUnreadOnly}
              aria-label={t('只看未读', 'Unread only')}
            />
            <label htmlFor="unread-only">{t('只看未读', 'Unread only')}</label>
          </Space>
          <Button
            onClick={() => markRead.mutate({ all: true })}
            disabled={!list.data?.unread}
            loading={markRead.isPending && markRead.variables && 'all' in markRead.variables}
          >
            {t('全部标为已读', 'Mark all read')}
          </Button>
        </Space>
      </Flex>
      {list.error && <Alert type="error" showIcon role="alert" title={list.error.message} />}
      {list.data && !list.data.items.length && (
        <Empty description={unreadOnly ? t('没有未读通知', 'No unread notices') : t('没有通知', 'No notices')} />
      )}
      <ul
        aria-label={t('通知列表', 'Notices')}
        style={{ listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: 8 }}
      >
        {list.data?.items.map((n) => (
          <li key={n.id}>
            <Card size="small" style={n.readAt ? undefined : { borderColor: '#91caff', background: '#f5faff' }}>
              <Flex justify="space-between" align="center" wrap gap={8}>
                <Space wrap size={4}>
                  {n.readAt ? (
                    <ToneTag tone="neutral">{t('已读', 'Read')}</ToneTag>
                  ) : (
                    <ToneTag tone="info">{t('未读', 'Unread')}</ToneTag>
                  )}
                  <Typography.Text strong>{topic(n)}</Typography.Text>
                  <RouteLink
                    to={link(n)}
                    onClick={() => {
                      if (!n.readAt) markRead.mutate({ ids: [n.id] });
                    }}
                  >
                    {n.caseReference}
                  </RouteLink>
                  {detail(n) && <Typography.Text type="secondary">{detail(n)}</Typography.Text>}
                </Space>
                <Space wrap size={4}>
                  <Typography.Text type="secondary">
                    <time dateTime={n.createdAt}>{dayjs(n.createdAt).format('YYYY-MM-DD HH:mm')}</time>
                  </Typography.Text>
                  {!n.readAt && (
                    <Button
                      size="small"
                      onClick={() => markRead.mutate({ ids: [n.id] })}
                      aria-label={t(
                        `将 ${n.caseReference} 的通知标为已读`,
                        `Mark the notice on ${n.caseReference} read`,
                      )}
                    >
                      {t('标为已读', 'Mark read')}
                    </Button>
                  )}
                </Space>
              </Flex>
            </Card>
          </li>
        ))}
      </ul>
      <CursorPager pages={pages} nextCursor={list.data?.nextCursor} loading={list.isFetching} />
    </section>
  );
}
