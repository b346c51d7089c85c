import { dispute } from '#testing';
import type { ConsoleStack } from './console-harness.js';

/**
 * Arranging cases over the API (as the admin key) for the browser tests of My work, registration, the department
 * inbox and public progress: what a test starts from, not what it checks.
 */
export interface Registered {
  id: string;
  reference: string;
  queryCode: string;
}

export async function registerCase(stack: ConsoleStack, overrides: Record<string, unknown> = {}): Promise<Registered> {
  const reply = await stack.api.call<Registered>('POST', '/cases', { body: dispute(overrides) });
  if (reply.status !== 201) throw new Error(`could not register a case: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

export async function sendEvent(
  stack: ConsoleStack,
  caseId: string,
  type: string,
  payload: Record<string, unknown> = {},
): Promise<{ state: string; referrals: Array<{ id: string; departmentCode: string; state: string }> }> {
  const reply = await stack.api.call('POST', `/cases/${caseId}/events`, { body: { type, payload } });
  if (reply.status !== 200) throw new Error(`${type} on ${caseId}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/**
 * A neighbour dispute accepted, classified and referred (交办) to the police as lead, with the justice office
 * assisting: the police's reply then leaves its referral in `replied` while the case still waits for the other.
 */
export async function referredToPolice(stack: ConsoleStack): Promise<Registered & { referralId: string }> {
  const registered = await registerCase(stack);
  await sendEvent(stack, registered.id, 'ACCEPT');
  await sendEvent(stack, registered.id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'medium' });
  const referred = await sendEvent(stack, registered.id, 'REFER', {
    departments: [
      { code: 'POLICE', role: 'lead' },
      { code: 'JUSTICE', role: 'assist' },
    ],
    instructions: '请派出所会同司法所调处楼上漏水纠纷',
  });
  const police = referred.referrals.find((r) => r.departmentCode === 'POLICE');
  if (!police) throw new Error(`no police referral: ${JSON.stringify(referred.referrals)}`);
  return { ...registered, referralId: police.id };
}
