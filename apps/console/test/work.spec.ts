import {
  animationsDone,
  openBrowser,
  startConsoleStack,
  type ConsoleBrowser,
  type ConsoleStack,
} from './support/console-harness.js';
import { registerCase, sendEvent, type Registered } from './support/work-helpers.js';

/**
 * My work: a mediator's queue views with their counts, claiming from the unassigned view, a notice arriving live
 * (the badge, the queue and the inbox follow without a reload), the inbox, and the same screen on a phone.
 */
describe('the console: my work', () => {
  let stack: ConsoleStack;
  let browser: ConsoleBrowser;
  const cases: Registered[] = [];

  beforeAll(async () => {
    stack = await startConsoleStack();
    browser = await openBrowser(stack.origin);
    for (const summary of ['楼上漏水纠纷', '噪音扰民纠纷', '占用楼道纠纷'])
      cases.push(await registerCase(stack, { summary }));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('shows the unassigned cases with their count, claims one into mine, and takes a notice live', async () => {
    const mediator = await stack.person(['mediator'], { unitCode: 'XC-XH' }, '调解员甲');
    const { page, errors, refusals, screenshot, seriousViolations, signIn } = await browser.page();
    const stream = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/notices/stream'));
    await signIn(mediator);
    await page.waitForURL(/\/work$/);
    await stream;

    await page.getByRole('tab', { name: /待认领\s*3/ }).click();
    await page.waitForURL(/tab=unassigned/);
    for (const c of cases) await page.getByRole('link', { name: c.reference }).waitFor();
    await page.getByRole('tab', { name: /我的\s*0/ }).waitFor();
    expect(await seriousViolations()).toEqual([]);

    const [claimed, other, assigned] = cases as [Registered, Registered, Registered];
    await page.getByRole('button', { name: `认领 ${claimed.reference}` }).click();
    await page.getByRole('tab', { name: /待认领\s*2/ }).waitFor();
    await page.getByRole('link', { name: claimed.reference }).waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: /我的\s*1/ }).click();
    await page.getByRole('link', { name: claimed.reference }).waitFor();
    await page.getByRole('cell', { name: '调解员甲' }).waitFor();
    expect(await page.getByRole('link', { name: other.reference }).count()).toBe(0);

    // The admin key hands another case to the mediator: the notice reaches the open page over the stream.
    await sendEvent(stack, assigned.id, 'ASSIGN', { userId: mediator.id });
    await page.getByText('新通知：指派给我').waitFor();
    await page.getByRole('button', { name: '通知（1 条未读）' }).waitFor();
    await page.getByRole('tab', { name: /我的\s*2/ }).waitFor();
    await page.getByRole('link', { name: assigned.reference }).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await screenshot('my-work');

    await page.getByRole('button', { name: '通知（1 条未读）' }).click();
    await page.waitForURL(/tab=notices/);
    const notice = page.getByRole('list', { name: '通知列表' }).getByRole('listitem');
    await notice.filter({ hasText: assigned.reference }).getByText('指派给我').waitFor();
    await notice.getByText('未读', { exact: true }).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await screenshot('notices');
    await page.getByRole('button', { name: `将 ${assigned.reference} 的通知标为已读` }).click();
    await notice.getByText('已读', { exact: true }).waitFor();
    await page.getByRole('button', { name: '通知', exact: true }).waitFor();

    expect(errors).toEqual([]);
    expect(refusals).toEqual([]);
  });

  it('filters the queue by unit: a unit and the units below it', async () => {
    const grid = await registerCase(stack, { unitCode: 'XC-XH-01-G1', summary: '网格内的纠纷' });
    const mediator = await stack.person(['mediator'], { unitCode: 'XC-XH' });
    const { page, errors, seriousViolations, signIn } = await browser.page();
    await signIn(mediator);
    await page.goto(`${stack.origin}/work?tab=unassigned`);
    await page.getByRole('link', { name: grid.reference }).waitFor();
    expect(await page.getByRole('link', { name: cases[1]!.reference }).count()).toBe(1);
    await animationsDone(page);
    await page.getByRole('combobox', { name: '单位' }).click();
    // A district's tree is long: the unit is found by typing part of its name.
    await page.getByRole('combobox', { name: '单位' }).fill('第一网格');
    const node = page.locator('.ant-select-dropdown:visible [title="新华社区第一网格（XC-XH-01-G1）"]');
    await node.waitFor();
    await animationsDone(page);
    await node.click();
    await page.waitForURL(/unitCode=XC-XH-01-G1/);
    await page.getByRole('tab', { name: /待认领\s*1/ }).waitFor();
    await page.getByRole('link', { name: cases[1]!.reference }).waitFor({ state: 'detached' });
    expect(await page.getByRole('link', { name: /^DSP-/ }).allTextContents()).toEqual([grid.reference]);
    expect(await seriousViolations()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows the queue as cards on a phone, filters folded away', async () => {
    const mediator = await stack.person(['mediator'], { unitCode: 'XC-XH' });
    const { page, errors, screenshot, seriousViolations, signIn } = await browser.page({ width: 375, height: 800 });
    await signIn(mediator);
    await page.goto(`${stack.origin}/work?tab=unassigned`);
    const cards = page.getByRole('list', { name: '案件列表' }).getByRole('listitem');
    await cards.first().waitFor();
    expect(await cards.count()).toBeGreaterThan(0);
    expect(await page.locator('table').count()).toBe(0);
    expect(await page.getByRole('combobox', { name: '类型' }).isVisible()).toBe(false);
    await page.getByRole('button', { name: /筛选/ }).click();
    await page.getByRole('combobox', { name: '类型' }).waitFor();
    // No sideways scrolling at 375 px.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    expect(await seriousViolations()).toEqual([]);
    await screenshot('my-work-phone');
    expect(errors).toEqual([]);
  });
});
