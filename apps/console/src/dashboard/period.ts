import dayjs, { type Dayjs } from 'dayjs';

/** A period of whole China-time days: the first day and the last (inclusive), as the RangePicker gives them. */
export type Period = [Dayjs, Dayjs];

/** Now on China's wall clock (UTC+8), whatever the browser's zone: the project counts dates in China time. */
export const chinaNow = (): Dayjs => dayjs(Date.now() + (8 * 60 + new Date().getTimezoneOffset()) * 60_000);

export const thisMonth = (): Period => [chinaNow().startOf('month'), chinaNow()];

/** The bare dates GET /stats/kpis and /stats/series take: 00:00 China time on the first day, and after the last. */
export function statsBounds([first, last]: Period): { from: string; to: string } {
  return { from: first.format('YYYY-MM-DD'), to: last.add(1, 'day').format('YYYY-MM-DD') };
}

/** The same bounds as the instants GET /cases takes (it wants an offset): midnight in China. */
export function caseBounds(period: Period): { from: string; to: string } {
  const { from, to } = statsBounds(period);
  return { from: `${from}T00:00:00+08:00`, to: `${to}T00:00:00+08:00` };
}

/** The link to the case list behind a figure. */
export function casesLink(period: Period, filters: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...caseBounds(period) }))
    if (value !== undefined) params.set(key, value);
  return `/cases?${params}`;
}

export const percent = (rate: number | null | undefined): string =>
  rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
