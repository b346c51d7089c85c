import { dispute } from '#testing';
import type { Page } from 'playwright-core';
import type { ConsoleStack } from './console-harness.js';

/** What the auditor's and administrator's browser tests arrange over the API, with the admin key. */

export interface HistoryEvent {
  seq: number;
  type: string;
  at: string;
  state: string;
}

/**
 * A dispute in 新华社区 walked over the API to a referral to the police: ACCEPT, CLASSIFY, REFER. Returns the case
 * and its history as the API keeps it.
 */
export async function referredDispute(
  stack: ConsoleStack,
): Promise<{ id: string; reference: string; history: HistoryEvent[] }> {
  const opened = await stack.api.call<{ id: string; reference: string }>('POST', '/cases', { body: dispute() });
  if (opened.status !== 201) throw new Error(`open: ${opened.status} ${JSON.stringify(opened.body)}`);
  const { id, reference } = opened.body;
  const send = async (type: string, payload: Record<string, unknown> = {}) => {
    const reply = await stack.api.call('POST', `/cases/${id}/events`, { body: { type, payload } });
    if (reply.status !== 200) throw new Error(`${type}: ${reply.status} ${JSON.stringify(reply.body)}`);
  };
  await send('ACCEPT');
  await send('CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
  await send('REFER', { departmentCode: 'POLICE', instructions: '请派出所核查邻里纠纷中的噪音扰民情况' });
  const history = await stack.api.call<{ items: HistoryEvent[] }>('GET', `/cases/${id}/history?limit=200`);
  return { id, reference, history: history.body.items };
}

/**
 * axe's serious violations with the pointer moved off the page first: a button the test just clicked would
 * otherwise be measured in its hover colours, which last only while the pointer rests on it.
 */
export async function settled(page: Page, seriousViolations: () => Promise<string[]>): Promise<string[]> {
  await page.mouse.move(0, 0);
  return seriousViolations();
}
