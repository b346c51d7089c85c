import { BellOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button } from 'antd';
import { useNavigate } from 'react-router';
import { api, data } from '../api/client';
import { useI18n } from '../i18n';
import { useMe } from '../session';
import { useNoticeStream } from '../work/notice-stream';
import { useIdle } from '../idle';

/**
 * The notice inbox's bell in the header: the unread count (GET /me/notices answers it with any page), kept
 * current by the live notice stream this bell holds open for the page, and the way to the inbox in My work.
 */
export function NoticeBell() {
  const { t } = useI18n();
  const me = useMe();
  const navigate = useNavigate();
  // The stream holds one of the browser's six connections to the server for as long as the page is open, and the
  // count is not what a screen is opened for: both start once the screen is drawn and the browser idle.
  const idle = useIdle();
  const signedIn = !!me.data?.session && idle;
  useNoticeStream(signedIn);
  const unread = useQuery({
    queryKey: ['notices', 'unread'],
    queryFn: () => data(api.GET('/api/v1/me/notices', { params: { query: { limit: 1, unread: true } } })),
    select: (page) => page.unread,
    enabled: signedIn,
    refetchInterval: 5 * 60_000,
  });
  const count = unread.data ?? 0;
  return (
    <Badge count={count} size="small" overflowCount={99} style={{ backgroundColor: '#cf1322' }}>
      <Button
        size="small"
        icon={<BellOutlined />}
        aria-label={count ? t(`通知（${count} 条未读）`, `Notices (${count} unread)`) : t('通知', 'Notices')}
        onClick={() => navigate('/work?tab=notices')}
      />
    </Badge>
  );
}
