import { dispute } from '#testing';
import { openBrowser, startConsoleStack, type ConsoleBrowser, type ConsoleStack } from './support/console-harness.js';

/**
 * The state diagram of a case's own machine version, drawn from the machine's definition (GET /machines/…): the
 * current state marked as such in words, the states visited and the transitions taken marked, the path as text.
 */
describe('the console: a case’s machine as a state diagram', () => {
  let stack: ConsoleStack;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    stack = await startConsoleStack();
    browser = await openBrowser(stack.origin);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('a mediator of the case’s unit sees its machine, where the case is and the path it took', async () => {
    const mediator = await stack.person(['mediator'], { unitCode: 'XC-XH-01' }, '李调解');
    const created = await stack.api.call<{ id: string; machineVersion: number }>('POST', '/cases', { body: dispute() });
    expect(created.status).toBe(201);
    expect(created.body.machineVersion).toBe(2);
    const id = created.body.id;
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000).toISOString();
    for (const [type, payload, state] of [
      ['ACCEPT', {}, 'triage.assessing'],
      ['CLASSIFY', { category: 'neighbour', riskLevel: 'medium' }, 'triage.assessing'],
      ['ASSIGN_MEDIATOR', { mediatorId: mediator.id, channel: 'people' }, 'mediation.assigned'],
      ['SCHEDULE_SESSION', { at: inThreeDays, location: '新华社区调解室' }, 'mediation.in_session'],
      ['ADD_NOTE', { text: '已电话通知双方' }, 'mediation.in_session'],
    ] as const) {
      const reply = await stack.api.call('POST', `/cases/${id}/events`, { body: { type, payload } });
      expect({ type, status: reply.status, state: reply.body.state }).toEqual({ type, status: 200, state });
    }

    const { page, errors, refusals, screenshot, seriousViolations, signIn } = await browser.page();
    await signIn(mediator);
    await page.goto(`${stack.origin}/cases/${id}/machine`);
    await page.getByRole('heading', { level: 1, name: '案件状态图' }).waitFor();
    const diagram = page.getByRole('region', { name: '状态图' });
    const node = (name: string) => diagram.locator('.react-flow__node', { hasText: name });

    // The current state says so in words, and only it does.
    const current = diagram.locator('.react-flow__node', { hasText: '● 当前' });
    await current.waitFor();
    expect(await current.count()).toBe(1);
    expect(await current.textContent()).toContain('调解中');
    expect(await current.getAttribute('aria-label')).toBe('办理 · 调解中，当前状态');
    // The states the case went through carry ✓ with the word; one it never entered carries neither.
    for (const visited of ['已登记', '研判中', '已指派'])
      expect(await node(visited).textContent()).toContain('✓ 已经过');
    expect(await node('司法确认').first().textContent()).not.toContain('已经过');
    // Transitions taken are marked on their edges; an event in place is marked on its state's list.
    for (const event of ['✓ACCEPT', '✓ASSIGN_MEDIATOR', '✓SCHEDULE_SESSION'])
      await diagram.locator('.react-flow__edges, .react-flow__edgelabel-renderer').getByText(event).first().waitFor();
    expect(await node('研判中').textContent()).toContain('✓CLASSIFY');
    // Every state of the machine is drawn: version 2 has twenty.
    expect(await diagram.locator('.react-flow__node').count()).toBe(20);

    // The path as text, oldest first, the current state last.
    await page.getByText('路径 (4)').click();
    expect(
      await diagram.getByRole('list', { name: '已经过的状态（按时间先后）' }).getByRole('listitem').allTextContents(),
    ).toEqual(['登记 · 已登记', '研判 · 研判中', '办理 · 已指派', '办理 · 调解中 — 当前']);
    await screenshot('case-machine');
    expect(await seriousViolations()).toEqual([]);

    // In English too.
    await page.getByText('English', { exact: true }).click();
    const english = page.getByRole('region', { name: 'State diagram' });
    await english.locator('.react-flow__node', { hasText: '● current' }).getByText('In session').waitFor();
    expect(await seriousViolations()).toEqual([]);
    expect(errors).toEqual([]);
    expect(refusals).toEqual([]);
  });

  it('a case outside the reader’s scope, or no case at all, is said to be not found', async () => {
    const elsewhere = await stack.person(['mediator'], { unitCode: 'XC-YL' });
    const created = await stack.api.call<{ id: string }>('POST', '/cases', { body: dispute() });
    const { page, errors, refusals, seriousViolations, signIn } = await browser.page();
    await signIn(elsewhere);
    await page.goto(`${stack.origin}/cases/${created.body.id}/machine`);
    await page.getByText('没有找到这个案件，或它不在您的范围内。').waitFor();
    expect(await seriousViolations()).toEqual([]);
    expect(errors).toEqual([]);
    expect(refusals).toEqual([`404 GET /api/v1/cases/${created.body.id}`]);
  });
});
