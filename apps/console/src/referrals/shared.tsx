import { useQuery } from '@tanstack/react-query';
import { api, data, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { nameOf, REFERRAL_STATES } from '../labels';
import { ToneTag, type Tone } from '../work/urgency';

export type Department = Schemas['Department'];
type ReferralState = Schemas['ReferralSummary']['state'];

const STATE_TONES: Record<ReferralState, Tone> = {
  issued: 'warning',
  acknowledged: 'info',
  accepted: 'info',
  in_progress: 'info',
  'transfer.objectable': 'caution',
  'transfer.within_remit': 'caution',
  replied: 'ok',
  closed: 'ok',
  rejected: 'neutral',
  cancelled: 'neutral',
};

/** A referral's state as a tag that names it (待签收, 已签收, … 已答复). */
export function ReferralStateTag({ state }: { state: ReferralState }) {
  const { lang } = useI18n();
  return <ToneTag tone={STATE_TONES[state] ?? 'neutral'}>{nameOf(REFERRAL_STATES, state, lang)}</ToneTag>;
}

/** Every department (GET /departments, page after page: a deployment has tens of them), for their names. */
export function useDepartments() {
  return useQuery({
    queryKey: ['departments'],
    queryFn: async () => {
      const all: Department[] = [];
      let cursor: string | undefined;
      do {
        const page = await data(api.GET('/api/v1/departments', { params: { query: { limit: 200, cursor } } }));
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },
    staleTime: 10 * 60_000,
  });
}

export const departmentName = (departments: Department[] | undefined, code: string): string =>
  departments?.find((d) => d.code === code)?.name ?? code;

export const ROLE_NAMES: Record<string, [string, string]> = { lead: ['主办', 'Lead'], assist: ['协办', 'Assisting'] };
