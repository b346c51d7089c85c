import { useQuery } from '@tanstack/react-query';
import { api, data, type Schemas } from '../api/client';

export type Unit = Schemas['Unit'];

/** A unit and the units below it, as antd's TreeSelect takes them. */
export interface UnitNode {
  value: string;
  title: string;
  disabled?: boolean;
  children?: UnitNode[];
}

/** Pages of at most 200; the hierarchy of a district is a few hundred units, so a handful of pages at most. */
const PAGE = 200;

/**
 * Every unit of the hierarchy (GET /units, page after page). The tree is small and changes rarely: it is read once
 * per session and shared by the screens that name units. `enabled`: false until a screen that only names units
 * (codes show until then) has drawn what it needs first.
 */
export function useUnits(enabled = true) {
  return useQuery({
    queryKey: ['units'],
    enabled,
    queryFn: async () => {
      const units: Unit[] = [];
      let cursor: string | undefined;
      do {
        const page = await data(api.GET('/api/v1/units', { params: { query: { limit: PAGE, cursor } } }));
        units.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return units;
    },
    staleTime: 10 * 60_000,
  });
}

/** A unit's name by code, or the code itself while the units load (or for one not found). */
export function unitName(units: Unit[] | undefined, code: string): string {
  return units?.find((u) => u.code === code)?.name ?? code;
}

/**
 * The tree under `rootCode` (the reader's own unit: their scope), or the whole forest when they have none (an
 * unscoped admin). Retired units are shown but cannot be chosen for a new case (they take none); a filter
 * (`retiredChoosable`) may choose them, for the cases they still own.
 */
export function unitTree(units: Unit[], rootCode: string | null | undefined, retiredChoosable = false): UnitNode[] {
  const children = new Map<string | null, Unit[]>();
  for (const unit of units) {
    const siblings = children.get(unit.parentCode) ?? [];
    siblings.push(unit);
    children.set(unit.parentCode, siblings);
  }
  const node = (unit: Unit): UnitNode => {
    const below = (children.get(unit.code) ?? []).sort((a, b) => a.code.localeCompare(b.code)).map(node);
    return {
      value: unit.code,
      title: `${unit.name}（${unit.code}）`,
      disabled: !retiredChoosable && unit.retiredAt != null,
      ...(below.length ? { children: below } : {}),
    };
  };
  const root = rootCode ? units.find((u) => u.code === rootCode) : undefined;
  if (root) return [node(root)];
  return (children.get(null) ?? []).sort((a, b) => a.code.localeCompare(b.code)).map(node);
}
