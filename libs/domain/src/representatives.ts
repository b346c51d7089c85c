import type { CaseKind, Channel } from './codes.js';

/** 信访工作条例 art. 20 ¶3: several people petitioning in person on one matter choose at most 5 representatives. */
export const MAX_REPRESENTATIVES = 5;

/**
 * Why a case may not have `count` representatives, or null when it may: the limit binds walk-in petitions
 * (走访), where a group appears in person; letters and calls come from whoever signs them.
 */
export function representativesProblem(kind: CaseKind, channel: Channel, count: number): string | null {
  if (kind !== 'petition' || channel !== 'walk_in' || count <= MAX_REPRESENTATIVES) return null;
  return (
    `a walk-in petition has at most ${MAX_REPRESENTATIVES} representatives (信访工作条例 art. 20 ¶3); ` +
    `this would make ${count}`
  );
}
