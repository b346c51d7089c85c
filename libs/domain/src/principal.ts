import type { Actor } from './actor.js';
import type { Role } from './codes.js';

/** The holder of an API key, as every route sees it. */
export interface Principal {
  id: string;
  name: string;
  role: Role;
  unitCode: string | null;
  /** Unit path prefix of the principal's scope (`/D1/S2/`), or null for every unit. */
  scope: string | null;
  departmentCode: string | null;
}

export function actorOf(principal: Principal): Actor {
  return { id: principal.id, role: principal.role, name: principal.name };
}

/** Whether a unit with `path` lies within the principal's scope. */
export function inScope(principal: Principal, path: string): boolean {
  return principal.scope === null || path.startsWith(principal.scope);
}

/** Roles that work with the parties directly and so see their PII unmasked. */
const SEES_PII: ReadonlySet<Role> = new Set(['admin', 'intake', 'mediator']);

export function seesPii(principal: Principal): boolean {
  return SEES_PII.has(principal.role);
}
