import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';
import { Alert, Button, Space, Table, Typography, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { ReactNode } from 'react';
import { api, ApiProblem, data } from '../api/client';
import { useI18n } from '../i18n';

/**
 * What the auditor's and the administrator's screens share: a cursor-paginated list (one page at a time, the next
 * on request: nothing loads everything), refusals in words, times as people read them, and finding a case by its
 * id or its reference.
 */

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A list the server pages: the first page now, each further one when asked for. */
export function useCursorList<T>(key: QueryKey, fetchPage: (cursor?: string) => Promise<Page<T>>, enabled = true) {
  const query = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return { query, items };
}

type CursorList<T> = ReturnType<typeof useCursorList<T>>;

/** A table of a cursor-paginated list, with "load more" under it while the server has more. */
export function CursorTable<T extends object>({
  list,
  columns,
  rowKey,
  label,
  expandable,
}: {
  list: CursorList<T>;
  columns: TableColumnsType<T>;
  rowKey: keyof T & string;
  /** The table's accessible name. */
  label: string;
  expandable?: Parameters<typeof Table<T>>[0]['expandable'];
}) {
  const { t } = useI18n();
  const { query, items } = list;
  if (query.isError) return <ProblemAlert error={query.error} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <ScrollRegion label={label}>
        <Table<T>
          aria-label={label}
          size="small"
          columns={columns}
          dataSource={items}
          rowKey={rowKey}
          loading={query.isFetching}
          pagination={false}
          expandable={expandable}
          locale={{ emptyText: <EmptyText /> }}
        />
      </ScrollRegion>
      <Space wrap>
        <Typography.Text type="secondary">
          {t(`已显示 ${items.length} 条`, `${items.length} shown`)}
          {query.hasNextPage ? '' : t('（已全部显示）', ' (all)')}
        </Typography.Text>
        {query.hasNextPage && (
          <Button onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
            {t('加载更多', 'Load more')}
          </Button>
        )}
      </Space>
    </Space>
  );
}

/**
 * A wide table's horizontal scroll, reachable from the keyboard (a focusable, named region), as a table of many
 * columns is wider than a narrow screen.
 */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} style={{ overflowX: 'auto', maxWidth: '100%' }}>
      {children}
    </div>
  );
}

/** An empty list's text, dark enough to read (Ant Design's own placeholder grey is not). */
export function EmptyText({ text }: { text?: string }) {
  const { t } = useI18n();
  return <span style={{ color: 'rgba(0, 0, 0, 0.65)' }}>{text ?? t('暂无数据', 'No data')}</span>;
}

/** A refusal or failure, said in words: no access, not found, invalid input, or the server's own detail. */
export function problemText(error: unknown, t: (zh: string, en: string) => string): string {
  if (error instanceof ApiProblem) {
    const detail = error.problem.detail ?? error.problem.title ?? '';
    const fields = Object.entries(error.fieldErrors)
      .map(([field, message]) => `${field}: ${message}`)
      .join('; ');
    const more = [detail, fields].filter(Boolean).join(' — ');
    if (error.status === 403)
      return `${t('无权进行此操作或查看此范围', 'Not allowed for your role or scope')}: ${more}`;
    if (error.status === 404)
      return `${t('未找到，或不在您的管辖范围内', 'Not found, or outside your scope')}: ${more}`;
    if (error.status === 409) return `${t('冲突', 'Conflict')}: ${more}`;
    if (error.status === 400 || error.status === 422) return `${t('输入有误', 'Invalid input')}: ${more}`;
    return `${t('请求失败', 'Request failed')} (${error.status}): ${more}`;
  }
  return `${t('请求失败', 'Request failed')}: ${error instanceof Error ? error.message : String(error)}`;
}

export function ProblemAlert({ error }: { error: unknown }) {
  const { t } = useI18n();
  return <Alert type="error" showIcon role="alert" message={problemText(error, t)} />;
}

/** `2026-03-02 09:00:00` in the browser's time zone. */
export const formatTime = (iso: string | null | undefined): string =>
  iso ? dayjs(iso).format('YYYY-MM-DD HH:mm:ss') : '—';

/** An instant with its offset, as the audit routes take it. */
export const instant = (value: Dayjs | null | undefined): string | undefined =>
  value ? value.format('YYYY-MM-DDTHH:mm:ssZ') : undefined;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class CaseNotFound extends Error {}

/** A case's id from what was typed: the id itself, or its reference (DSP-2026-000123) looked up in the reader's scope. */
export async function resolveCaseId(typed: string): Promise<string> {
  const text = typed.trim();
  if (UUID.test(text)) return text.toLowerCase();
  const page = await data(api.GET('/api/v1/cases', { params: { query: { q: text, limit: 20 } } }));
  const found = page.items.find((c) => c.reference.toLowerCase() === text.toLowerCase());
  if (!found) throw new CaseNotFound(text);
  return found.id;
}

/** Drops the fields left empty, so a query string carries only the filters given. */
export function given<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ) as Partial<T>;
}
