import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, data, type Schemas } from '../api/client';

export type QueueItem = Schemas['QueueItem'];
export type QueueCounts = Schemas['QueueCounts'];
export type QueueView = keyof QueueCounts;

/** The queue's filters, as GET /me/queue and /me/queue/counts take them (and as this page's query string keeps them). */
export interface QueueFilters {
  kind?: 'dispute' | 'petition';
  stage?: 'intake' | 'triage' | 'mediation' | 'escalation' | 'archive';
  category?: string;
  risk?: 'low' | 'medium' | 'high' | 'critical';
  /** The owning unit, with the units below it. */
  unitCode?: string;
}
export const FILTER_NAMES = ['kind', 'stage', 'category', 'risk', 'unitCode'] as const;

export const VIEWS: Array<{ view: QueueView; zh: string; en: string }> = [
  { view: 'mine', zh: '我的', en: 'Mine' },
  { view: 'unassigned', zh: '待认领', en: 'Unassigned' },
  { view: 'due_soon', zh: '即将到期', en: 'Due soon' },
  { view: 'overdue', zh: '已超期', en: 'Overdue' },
  { view: 'supervised', zh: '督办', en: 'Supervised' },
  { view: 'in_charge', zh: '包案', en: 'In my charge' },
];

export const PAGE_SIZE = 20;

/** The view and filters a My work address (`/work?tab=unassigned&risk=high`) asks for. */
export function queueAddress(params: URLSearchParams): { tab: string; view: QueueView; filters: QueueFilters } {
  const tab = params.get('tab') ?? 'mine';
  const view = (VIEWS.some((v) => v.view === tab) ? tab : 'mine') as QueueView;
  const filters: Record<string, string> = {};
  for (const name of FILTER_NAMES) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  return { tab, view, filters: filters as QueueFilters };
}

/** A page of a view: what the page shows and what the route's loader fetches before the page's code has arrived. */
export const queueQuery = (view: QueueView, filters: QueueFilters, cursor: string | undefined) => ({
  queryKey: ['queue', view, filters, cursor ?? null],
  queryFn: () =>
    data(api.GET('/api/v1/me/queue', { params: { query: { view, ...filters, cursor, limit: PAGE_SIZE } } })),
});

export const countsQuery = (filters: QueueFilters) => ({
  queryKey: ['queue-counts', filters],
  queryFn: () => data(api.GET('/api/v1/me/queue/counts', { params: { query: filters } })),
});

export function useQueue(view: QueueView, filters: QueueFilters, cursor: string | undefined) {
  return useQuery({ ...queueQuery(view, filters, cursor), placeholderData: keepPreviousData });
}

export function useQueueCounts(filters: QueueFilters) {
  return useQuery(countsQuery(filters));
}

/** A badge's figure: "1000+" when the API stopped counting. */
export const countText = (count: Schemas['QueueCount'] | undefined): string | undefined =>
  count ? (count.capped ? `${count.count}+` : String(count.count)) : undefined;
