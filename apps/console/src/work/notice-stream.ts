import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useEffect, useRef } from 'react';
import type { Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { nameOf, NOTICE_TOPICS } from '../labels';

export type Notice = Schemas['Notice'];

/** What a notice may have changed: the work queue and its counts, the inbox, the referrals. */
export function refreshAfterNotice(client: QueryClient): void {
  for (const key of ['queue', 'queue-counts', 'notices', 'referrals', 'referral'])
    void client.invalidateQueries({ queryKey: [key] });
}

/**
 * The signed-in person's notices, live (GET /me/notices/stream, server-sent events with the session cookie): each
 * one refreshes what it may have changed and shows a toast. The browser's EventSource reconnects by itself with
 * `Last-Event-ID`, so nothing delivered while it was away is missed; after a reconnection the lists are refreshed
 * too. One stream per page: the header's notice bell holds it.
 */
export function useNoticeStream(enabled: boolean): void {
  const client = useQueryClient();
  const { notification } = App.useApp();
  const { t, lang } = useI18n();
  // The words of the toast follow the language without reopening the stream.
  const words = useRef({ t, lang });
  words.current = { t, lang };

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/v1/me/notices/stream', { withCredentials: true });
    let opened = false;
    source.addEventListener('open', () => {
      if (opened) refreshAfterNotice(client);
      opened = true;
    });
    source.addEventListener('notice', (event) => {
      let notice: Notice;
      try {
        notice = JSON.parse((event as MessageEvent<string>).data) as Notice;
      } catch {
        return;
      }
      refreshAfterNotice(client);
      const { t: say, lang: now } = words.current;
      notification.info({
        key: notice.id,
        title: `${say('新通知', 'New notice')}：${nameOf(NOTICE_TOPICS, notice.topic, now)}`,
        description: `${say('案件', 'Case')} ${notice.caseReference}`,
        placement: 'bottomRight',
        duration: 6,
      });
    });
    return () => source.close();
  }, [enabled, client, notification]);
}
