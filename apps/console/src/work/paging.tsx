import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { Button, Space, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { useI18n } from '../i18n';

/**
 * Server-side pagination by the API's cursors: the cursors of the pages visited so far, so "previous" goes back
 * without the API having to page backwards. A new `resetKey` (another view, other filters) starts again.
 */
export function useCursorPages(resetKey: string) {
  const [state, setState] = useState<{ key: string; cursors: Array<string | undefined> }>({
    key: resetKey,
    cursors: [undefined],
  });
  const cursors = state.key === resetKey ? state.cursors : [undefined];
  const next = useCallback(
    (cursor: string) => setState({ key: resetKey, cursors: [...cursors, cursor] }),
    [resetKey, cursors],
  );
  const previous = useCallback(
    () => setState({ key: resetKey, cursors: cursors.slice(0, Math.max(1, cursors.length - 1)) }),
    [resetKey, cursors],
  );
  const first = useCallback(() => setState({ key: resetKey, cursors: [undefined] }), [resetKey]);
  return { cursor: cursors[cursors.length - 1], page: cursors.length, next, previous, first };
}

/** "上一页 / 下一页" under a list: next only when the API gave a cursor for it. */
export function CursorPager({
  pages,
  nextCursor,
  loading,
}: {
  pages: ReturnType<typeof useCursorPages>;
  nextCursor: string | null | undefined;
  loading?: boolean;
}) {
  const { t } = useI18n();
  if (pages.page === 1 && !nextCursor) return null;
  return (
    <nav aria-label={t('分页', 'Pages')} style={{ marginTop: 12 }}>
      <Space wrap>
        <Button icon={<LeftOutlined />} disabled={pages.page === 1 || loading} onClick={pages.previous}>
          {t('上一页', 'Previous page')}
        </Button>
        <Typography.Text>{t(`第 ${pages.page} 页`, `Page ${pages.page}`)}</Typography.Text>
        <Button
          disabled={!nextCursor || loading}
          onClick={() => nextCursor && pages.next(nextCursor)}
          icon={<RightOutlined />}
          iconPlacement="end"
        >
          {t('下一页', 'Next page')}
        </Button>
      </Space>
    </nav>
  );
}
