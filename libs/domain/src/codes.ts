/** Codes that are part of the public contract (docs/api.md, "Codes"). */

export const CASE_KINDS = ['dispute', 'petition'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export const STAGES = ['intake', 'triage', 'mediation', 'escalation', 'archive'] as const;
export type Stage = (typeof STAGES)[number];

export const CHANNELS = ['walk_in', 'letter', 'hotline', 'online', 'grid_report', 'court_delegation'] as const;
export type Channel = (typeof CHANNELS)[number];

export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const MEDIATION_CHANNELS = ['people', 'administrative', 'industry', 'judicial'] as const;
export type MediationChannel = (typeof MEDIATION_CHANNELS)[number];

/** Top to bottom: a unit's parent is always one level up. */
export const UNIT_LEVELS = ['district', 'street', 'community', 'grid'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];

export const PARTY_ROLES = ['applicant', 'respondent', 'third_party'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

/** Vulnerable-party flags that change how a case is handled (elderly, minors, disabled, special populations). */
export const VULNERABLE_FLAGS = ['elderly', 'minor', 'disabled', 'special_population'] as const;
export type VulnerableFlag = (typeof VULNERABLE_FLAGS)[number];

/**
 * What a department is, beyond its responsibility list. `discipline_inspection` is the discipline-inspection and
 * supervision body (纪检监察): the only one an accusation (检举控告类) is handed to (信访工作条例 art. 30).
 */
export const DEPARTMENT_FUNCTIONS = ['discipline_inspection'] as const;
export type DepartmentFunction = (typeof DEPARTMENT_FUNCTIONS)[number];

export const REFERRAL_ROLES = ['lead', 'assist'] as const;
export type ReferralRole = (typeof REFERRAL_ROLES)[number];

export const OPINION_SUPPORT = ['full', 'partial', 'none'] as const;
export type OpinionSupport = (typeof OPINION_SUPPORT)[number];

export const SESSION_OUTCOMES = ['continuing', 'agreement', 'failed'] as const;
export type SessionOutcome = (typeof SESSION_OUTCOMES)[number];

/**
 * How a mediation the court delegated before filing (诉前委派) ended, as the court is told: an agreement, a failure,
 * the period run out without an agreed extension (特邀调解规定 art. 27 ¶1, art. 21), or the applicant's withdrawal.
 */
export const DELEGATION_ENDINGS = ['agreement', 'failed', 'expired', 'withdrawn'] as const;
export type DelegationEnding = (typeof DELEGATION_ENDINGS)[number];

export const TRANSFER_TARGETS = ['litigation', 'arbitration', 'administrative_review', 'petition'] as const;
export type TransferTarget = (typeof TRANSFER_TARGETS)[number];

/** How an archived case ended. */
export const OUTCOMES = [
  'declined',
  'merged',
  'forwarded',
  'withdrawn',
  'transferred',
  /** A petition directed to its statutory channel (litigation, arbitration, …: 信访工作条例 art. 31(1)–(5)). */
  'directed',
  'mediated',
  'resolved',
  'unresolved',
  'handled',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * Outcomes that abandon the case: a transition that sets one cancels the clocks it ends. Every other way of
 * leaving a clock's state meets it (`met`).
 */
export const CANCELLING_OUTCOMES: readonly Outcome[] = ['withdrawn', 'merged'];

export const ROLES = ['admin', 'intake', 'mediator', 'department', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The roles a person (a staff account) may hold, several at once: the roles of keys, and grid workers (网格员,
 * who register grid reports) and leaders (领导, who take personal charge of cases: 信访工作条例 art. 18).
 */
export const USER_ROLES = ['admin', 'intake', 'mediator', 'grid_worker', 'department', 'leader', 'auditor'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Whether `level` sits below `than` in the unit hierarchy (grid is below community, …). */
export function isBelowLevel(level: UnitLevel, than: UnitLevel): boolean {
  return UNIT_LEVELS.indexOf(level) > UNIT_LEVELS.indexOf(than);
}
