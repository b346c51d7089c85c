import { ClockCircleOutlined, ExclamationCircleOutlined } from '@ant-design/icons';
import { Tag, Tooltip } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState, type CSSProperties, type ReactNode } from 'react';
import { useI18n, type Lang } from '../i18n';
import { CLOCKS, nameOf, RISKS } from '../labels';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The queue's "due soon" window (DUE_SOON_HOURS in libs/cases/src/work-queue.ts). */
const DUE_SOON = 48 * HOUR;

/**
 * Tag colours with text dark enough for WCAG AA contrast on their own background: Ant Design's preset tag colours
 * (red text on pale red) fall short of it. Each tag also says its meaning in words, never by colour alone.
 */
export const TONES = {
  danger: { color: '#a8071a', background: '#fff1f0', borderColor: '#ffa39e' },
  warning: { color: '#ad4e00', background: '#fff7e6', borderColor: '#ffd591' },
  caution: { color: '#7a5c00', background: '#fffbe6', borderColor: '#ffe58f' },
  ok: { color: '#135200', background: '#f6ffed', borderColor: '#b7eb8f' },
  info: { color: '#003a8c', background: '#e6f4ff', borderColor: '#91caff' },
  neutral: { color: 'rgba(0, 0, 0, 0.78)', background: '#fafafa', borderColor: '#d9d9d9' },
} satisfies Record<string, CSSProperties>;
export type Tone = keyof typeof TONES;

export function ToneTag({ tone, children, icon }: { tone: Tone; children: ReactNode; icon?: ReactNode }) {
  return (
    <Tag style={{ ...TONES[tone], marginInlineEnd: 4 }} icon={icon} variant="outlined">
      {children}
    </Tag>
  );
}

/** The current time, ticking every `every` ms, so countdowns move without a refetch. */
export function useNow(every = MINUTE): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), every);
    return () => window.clearInterval(timer);
  }, [every]);
  return now;
}

/** "剩余 3 天" / "3 days left", "已超期 2 小时" / "2 hours overdue": the largest whole unit. */
export function countdownWords(dueAt: string, now: number, lang: Lang): { words: string; tone: Tone } {
  const left = new Date(dueAt).getTime() - now;
  const span = Math.abs(left);
  const [n, zhUnit, enUnit] =
    span >= DAY
      ? [Math.floor(span / DAY), '天', 'day']
      : span >= HOUR
        ? [Math.floor(span / HOUR), '小时', 'hour']
        : [Math.max(1, Math.floor(span / MINUTE)), '分钟', 'minute'];
  const en = `${n} ${enUnit}${n === 1 ? '' : 's'}`;
  if (left < 0) return { words: lang === 'zh' ? `已超期 ${n} ${zhUnit}` : `${en} overdue`, tone: 'danger' };
  const tone: Tone = left < DAY ? 'warning' : left < DUE_SOON ? 'caution' : 'ok';
  return { words: lang === 'zh' ? `剩余 ${n} ${zhUnit}` : `${en} left`, tone };
}

/**
 * A clock's due time as a countdown: coloured by urgency (overdue, within a day, within the 48 hours of "due
 * soon", later) and worded, with the exact time and the clock’s name on hover.
 */
export function Countdown({ dueAt, overdue, clock }: { dueAt: string | null; overdue?: boolean; clock?: string }) {
  const { t, lang } = useI18n();
  const now = useNow();
  if (!dueAt) return <span>—</span>;
  const { words, tone } = countdownWords(dueAt, now, lang);
  const shown: Tone = overdue ? 'danger' : tone;
  const exact = dayjs(dueAt).format('YYYY-MM-DD HH:mm');
  const label = `${clock ? nameOf(CLOCKS, clock, lang) + ' · ' : ''}${t('到期', 'due')} ${exact}`;
  return (
    <Tooltip title={label}>
      <time dateTime={dueAt}>
        <ToneTag tone={shown} icon={shown === 'danger' ? <ExclamationCircleOutlined /> : <ClockCircleOutlined />}>
          {words}
        </ToneTag>
      </time>
    </Tooltip>
  );
}

const RISK_TONES: Record<string, Tone> = { low: 'ok', medium: 'caution', high: 'warning', critical: 'danger' };

/** A risk level as a tag that names it (低 / 中 / 高 / 重大). */
export function RiskTag({ risk }: { risk: string | null | undefined }) {
  const { lang } = useI18n();
  if (!risk) return <span>—</span>;
  return <ToneTag tone={RISK_TONES[risk] ?? 'neutral'}>{nameOf(RISKS, risk, lang)}</ToneTag>;
}

/** 督办 (supervised) and 催办 (urged) marks, in words. */
export function SupervisionMarks({ supervised, urged }: { supervised?: boolean; urged?: boolean }) {
  const { t } = useI18n();
  if (!supervised && !urged) return <span>—</span>;
  return (
    <>
      {supervised && <ToneTag tone="danger">{t('督办', 'Supervised')}</ToneTag>}
      {urged && <ToneTag tone="warning">{t('催办', 'Urged')}</ToneTag>}
    </>
  );
}
