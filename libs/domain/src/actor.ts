import type { UserRole } from './codes.js';

/** Who caused an event: an API key's principal, or Concord itself (deadlines, referrals). */
export interface Actor {
  id: string;
  role: UserRole | 'system';
  name: string;
}

export const SYSTEM_ACTORS = {
  deadlines: { id: 'system:deadlines', role: 'system', name: 'Deadline timer' },
  referrals: { id: 'system:referrals', role: 'system', name: 'Referral protocol' },
  notifications: { id: 'system:notifications', role: 'system', name: 'Notifier' },
  assignment: { id: 'system:assignment', role: 'system', name: 'Assignment' },
} as const satisfies Record<string, Actor>;
