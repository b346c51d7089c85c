import type { Actor } from './actor.js';
import type { UserRole } from './codes.js';

/**
 * Who calls a route: the holder of an API key, or a person signed in with a session. A person may hold several
 * roles; `role` is the one it acts in for this request (the first of the route's roles it holds).
 */
export interface Principal {
  id: string;
  name: string;
  role: UserRole;
  unitCode: string | null;
  /** Unit path prefix of the principal's scope (`/D1/S2/`), or null for every unit. */
  scope: string | null;
  departmentCode: string | null;
  /** A person's session (absent for an API key): its id, every role the person holds, and what it must do first. */
  session?: { id: string; roles: UserRole[]; mustChangePassword: boolean };
}

export function actorOf(principal: Principal): Actor {
  return { id: principal.id, role: principal.role, name: principal.name };
}

/** Whether a unit with `path` lies within the principal's scope. */
export function inScope(principal: Principal, path: string): boolean {
  return principal.scope === null || path.startsWith(principal.scope);
}

/**
 * Roles that see a confidential case (an accusation: 信访工作条例 art. 30) within their scope: the admins of the
 * registering unit (and above), auditors, and Concord itself (its timers and notices). The discipline-inspection
 * department sees it through its referral alone; intake and mediator keys, and every other department, never do.
 */
const SEES_CONFIDENTIAL: ReadonlySet<UserRole | 'system'> = new Set(['admin', 'auditor', 'system']);

export function seesConfidential(principal: { role: UserRole | 'system' }): boolean {
  return SEES_CONFIDENTIAL.has(principal.role);
}

/**
 * Whether a case reader sees a case: within its scope and, for a confidential case, in a role that sees those.
 * A case it does not see is "not found", exactly like one that does not exist.
 */
export function seesCase(
  principal: { role: UserRole | 'system'; scope: string | null },
  found: { path: string; confidential: boolean },
): boolean {
  return (
    (principal.scope === null || found.path.startsWith(principal.scope)) &&
    (!found.confidential || seesConfidential(principal))
  );
}

/** Roles that work with the parties directly and so see their PII unmasked. */
const SEES_PII: ReadonlySet<UserRole> = new Set(['admin', 'intake', 'mediator', 'grid_worker', 'leader']);

export function seesPii(principal: Principal): boolean {
  return SEES_PII.has(principal.role);
}
