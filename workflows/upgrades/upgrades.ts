import { statePath, type CaseKind } from '#domain';
import type { StoredSnapshot } from '../runtime/machine-runtime.js';
import { noAssignment } from '../shared/assignment.js';
import { PETITION_TYPES, type PetitionType } from '../petition/petition-v2.machine.js';

/**
 * Moving an open case from one machine version to the next (`MIGRATE_MACHINE`): where each state of the old
 * version goes in the new one, and what the new version needs that the old one never recorded (a petition's
 * class). A state with no counterpart is refused with the reason. The mapping is pure: the engine records the
 * event, keeps the due times of the clocks both versions declare in the case's state, and arms the others.
 */
export interface Upgrade {
  kind: CaseKind;
  from: number;
  to: number;
  /** What the admin states for the new version, by field, and the values it may take. */
  asks: Readonly<Record<string, readonly string[]>>;
  /** The snapshot on the new version, or why there is none. */
  map(stored: StoredSnapshot, answers: Readonly<Record<string, string>>): UpgradeResult;
}

export type UpgradeResult = { ok: true; snapshot: StoredSnapshot } | { ok: false; reason: string };

const refuse = (reason: string): UpgradeResult => ({ ok: false, reason });

/** A `{ stage: child }` state value from a dotted path, as XState stores nested states. */
function valueOf(path: string): unknown {
  return path
    .split('.')
    .reduceRight<unknown>((inner, key) => (inner === undefined ? key : { [key]: inner }), undefined);
}

const ARCHIVED = 'An archived case stays on the version it ended on.';

/**
 * Dispute 1 → 2. Every open state has its counterpart. The agreement stops the mediation clock and opens the
 * parties' 30 days to apply to the court; a case waiting for the court is taken as applied, not yet accepted.
 */
export const disputeV1ToV2: Upgrade = {
  kind: 'dispute',
  from: 1,
  to: 2,
  asks: {},
  map(stored) {
    const path = statePath(stored.value);
    if (path === 'archive.closed') return refuse(ARCHIVED);
    const to = path === 'mediation.judicial_confirmation' ? 'mediation.judicial_confirmation.applied' : path;
    return {
      ok: true,
      snapshot: {
        status: stored.status,
        value: valueOf(to),
        // No one works a migrated case yet: version 1 named its mediator in free text, which stays as it was.
        context: {
          ...stored.context,
          court: null,
          courtExtended: false,
          conclusion: null,
          delegation: null,
          ...noAssignment(),
        },
      },
    };
  },
};

/** Where each open version-1 petition state goes, by the class the admin states. */
const PETITION_STATES: Readonly<Record<string, Partial<Record<PetitionType, string>>>> = {
  'intake.registered': { claim: 'intake.registered', suggestion: 'intake.registered', accusation: 'intake.registered' },
  'triage.assigning': { claim: 'triage.assigning', suggestion: 'mediation.studying' },
  'mediation.handling': { claim: 'mediation.handling', suggestion: 'mediation.studying' },
  // Version 1 opened the review windows when the opinion was issued: the answer is taken as delivered then.
  'escalation.awaiting_review_request': { claim: 'escalation.awaiting_review_request' },
  'escalation.review': { claim: 'escalation.review' },
  'escalation.awaiting_re_review_request': { claim: 'escalation.awaiting_re_review_request' },
  'escalation.re_review': { claim: 'escalation.re_review.deciding' },
  'archive.follow_up': { claim: 'archive.follow_up', suggestion: 'archive.follow_up' },
};

/**
 * Petition 1 → 2. Version 1 never recorded a petition's class (信访工作条例 art. 29–31), so the admin states it.
 * An accusation already accepted has no version-2 state (it goes to the discipline-inspection department at
 * acceptance, and only there); a suggestion has no review stage.
 */
export const petitionV1ToV2: Upgrade = {
  kind: 'petition',
  from: 1,
  to: 2,
  asks: { petitionType: PETITION_TYPES },
  map(stored, answers) {
    const path = statePath(stored.value);
    if (path === 'archive.closed') return refuse(ARCHIVED);
    const petitionType = answers.petitionType as PetitionType;
    if (!PETITION_TYPES.includes(petitionType)) {
      return refuse(`State the petition's class (petitionType): one of ${PETITION_TYPES.join(', ')}.`);
    }
    const to = PETITION_STATES[path]?.[petitionType];
    if (!to) {
      return refuse(
        petitionType === 'accusation'
          ? `An accusation accepted under version 1 has no version-2 state in ${path}: version 2 hands an ` +
              'accusation to the discipline-inspection department when it is accepted (信访工作条例 art. 30).'
          : `A ${petitionType} has no version-2 state in ${path}: only a claim has the opinion and its reviews.`,
      );
    }
    const context = stored.context;
    return {
      ok: true,
      snapshot: {
        status: stored.status,
        value: valueOf(to),
        context: {
          ...context,
          petitionType: path === 'intake.registered' ? null : petitionType,
          // Confidential from the transition that classes it as an accusation (only ever from intake.registered).
          confidential: path !== 'intake.registered' && petitionType === 'accusation',
          directedTo: null,
          extension: null,
          delivered: to.startsWith('escalation.') || to.startsWith('archive.'),
          reviewBodies: [],
          hearing: false,
          openReferrals: [],
          mergedInto: null,
          ...noAssignment(),
        },
      },
    };
  },
};

/** Every upgrade between machine versions, by kind and the version it starts from. */
export const UPGRADES: readonly Upgrade[] = [disputeV1ToV2, petitionV1ToV2];

export function upgradeFrom(kind: CaseKind, version: number): Upgrade | undefined {
  return UPGRADES.find((u) => u.kind === kind && u.from === version);
}
