import { Alert, Button, Empty, Spin, Tag, Timeline as AntTimeline, Typography } from 'antd';
import { useI18n } from '../i18n';
import { EVENTS, nameOf, ROLES, stateName } from '../labels';
import { fieldLabel, valueLabel } from '../forms/field-labels';
import type { HistoryEntry } from './api';
import { TAG } from './colours';
import { when } from './countdown';
import type { Schemas } from '../api/client';
import type { UseInfiniteQueryResult, InfiniteData, UseQueryResult } from '@tanstack/react-query';

/** Party PII is never summarised from a payload, whatever the API answered. */
const HIDDEN = new Set(['name', 'phone', 'idNumber', 'parties', 'description']);
const MAX_FIELDS = 4;

/** A few of the payload's fields as `label: value`. */
export function payloadSummary(payload: Record<string, unknown>, lang: 'zh' | 'en'): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(payload ?? {})) {
    if (HIDDEN.has(key) || value === null || value === undefined) continue;
    let text: string;
    if (typeof value === 'string') text = valueLabel(value, lang);
    else if (typeof value === 'number' || typeof value === 'boolean')
      text =
        typeof value === 'boolean'
          ? value
            ? lang === 'zh'
              ? '是'
              : 'yes'
            : lang === 'zh'
              ? '否'
              : 'no'
          : String(value);
    else if (Array.isArray(value))
      text = value
        .map((v) => (v && typeof v === 'object' ? Object.values(v).join('/') : valueLabel(String(v), lang)))
        .join('、');
    else continue;
    out.push(`${fieldLabel(key, lang)}: ${text.length > 80 ? `${text.slice(0, 80)}…` : text}`);
    if (out.length === MAX_FIELDS) break;
  }
  return out;
}

interface Props {
  history: UseInfiniteQueryResult<InfiniteData<Schemas['HistoryPage']>>;
  /** Only for auditors and admins; undefined for everyone else (nothing is said about verification). */
  verify?: UseQueryResult<Schemas['VerifyReport']>;
}

/** Every event of the case, oldest first, a page at a time; for auditors and admins, the chain as verified. */
export function Timeline({ history, verify }: Props) {
  const { t, lang } = useI18n();
  const entries: HistoryEntry[] = history.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      {verify?.data &&
        (verify.data.valid ? (
          <Alert
            type="success"
            showIcon
            style={{ marginBottom: 12 }}
            title={`${t('哈希链已验证', 'Hash chain verified')} · ${t(`${verify.data.checked} 个事件`, `${verify.data.checked} events`)}`}
          />
        ) : (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('哈希链断裂', 'Hash chain broken')}
            description={
              verify.data.brokenAt
                ? t(
                    `第 ${verify.data.brokenAt.seq} 个事件：${verify.data.brokenAt.reason}`,
                    `At event ${verify.data.brokenAt.seq}: ${verify.data.brokenAt.reason}`,
                  )
                : undefined
            }
          />
        ))}
      {verify?.isPending && (
        // A status region may be named; a bare div may not carry aria-label (axe: aria-prohibited-attr).
        <div role="status" aria-label={t('正在验证哈希链', 'Verifying the hash chain')}>
          <Spin size="small" />
        </div>
      )}
      {history.isPending ? (
        <div role="status" aria-label={t('加载中', 'Loading')}>
          <Spin />
        </div>
      ) : history.isError ? (
        <Alert type="error" title={t('无法读取时间线', 'The timeline could not be read')} />
      ) : entries.length === 0 ? (
        <Empty description={t('没有事件', 'No events')} />
      ) : (
        <AntTimeline
          items={entries.map((e, i) => {
            const from = i > 0 ? entries[i - 1]!.state : undefined;
            const summary = payloadSummary(e.payload as Record<string, unknown>, lang);
            return {
              key: e.seq,
              content: (
                <div data-testid="timeline-event">
                  <Typography.Text strong>{nameOf(EVENTS, e.type, lang)}</Typography.Text>{' '}
                  <Typography.Text type="secondary">
                    #{e.seq} · {when(e.at)} · {e.actor?.name}（
                    {e.actor?.role === 'system' ? t('系统', 'system') : nameOf(ROLES, e.actor?.role, lang)}）
                  </Typography.Text>
                  <div>
                    {from && from !== e.state ? (
                      <>
                        <Tag>{stateName(from, lang)}</Tag>→ <Tag color={TAG.blue}>{stateName(e.state!, lang)}</Tag>
                      </>
                    ) : (
                      <Tag>{stateName(e.state!, lang)}</Tag>
                    )}
                  </div>
                  {summary.length > 0 && (
                    <Typography.Paragraph style={{ marginBottom: 0 }} type="secondary">
                      {summary.join('；')}
                    </Typography.Paragraph>
                  )}
                </div>
              ),
            };
          })}
        />
      )}
      {history.hasNextPage && (
        <Button onClick={() => void history.fetchNextPage()} loading={history.isFetchingNextPage}>
          {t('加载更多', 'Load more')}
        </Button>
      )}
    </>
  );
}
