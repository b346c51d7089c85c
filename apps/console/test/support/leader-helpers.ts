import { dispute } from '#testing';
import type { ConsoleStack } from './console-harness.js';

/** Registers a dispute as the admin key and sends it events; answers its id and reference. */
export async function driveCase(
  stack: ConsoleStack,
  overrides: Record<string, unknown>,
  events: Array<[type: string, payload?: Record<string, unknown>]> = [],
): Promise<{ id: string; reference: string; body: any }> {
  const opened = await stack.api.call<{ id: string; reference: string }>('POST', '/cases', {
    body: dispute(overrides),
  });
  if (opened.status !== 201) throw new Error(`registering a case: ${JSON.stringify(opened.body)}`);
  let body: any = opened.body;
  for (const [type, payload = {}] of events) {
    const sent = await stack.api.call('POST', `/cases/${opened.body.id}/events`, { body: { type, payload } });
    if (sent.status !== 200) throw new Error(`${type}: ${JSON.stringify(sent.body)}`);
    body = sent.body;
  }
  return { id: opened.body.id, reference: opened.body.reference, body };
}

/** Accepted, classified and referred to JUSTICE: a case with a referral. */
export const REFERRED: Array<[string, Record<string, unknown>?]> = [
  ['ACCEPT'],
  ['CLASSIFY', { category: 'neighbour', riskLevel: 'low' }],
  ['REFER', { departmentCode: 'JUSTICE', instructions: '请协助调处' }],
];

/** The China-time date of an instant, YYYY-MM-DD. */
export const chinaDate = (at: Date): string => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
