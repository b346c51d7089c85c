import {
  animationsDone,
  openBrowser,
  startConsoleStack,
  type ConsoleBrowser,
  type ConsoleStack,
} from './support/console-harness.js';
import type { Page } from 'playwright-core';

/**
 * Registering a case through the intake form: an intake clerk's dispute with two parties (a phone typed with
 * spaces, grouped as typed, sent as digits), a number the API refuses shown on its field, and a grid worker on a
 * phone registering in their own grid, preselected.
 */
describe('the console: registering a case', () => {
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

  const party = (page: Page, n: number) => page.getByRole('group', { name: `当事人 ${n}` });
  const choose = async (page: Page, label: string, option: string) => {
    await animationsDone(page);
    await page.getByLabel(label, { exact: true }).click();
    const item = page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`);
    await item.waitFor();
    await animationsDone(page);
    await item.click();
    await page
      .locator('.ant-select', { has: page.getByLabel(label, { exact: true }) })
      .filter({ hasText: option })
      .waitFor();
  };
  const caseOf = async (page: Page) => {
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    return (await stack.api.call('GET', `/cases/${id}`)).body;
  };

  it('an intake clerk registers a dispute with two parties, and sees a refused phone on its field', async () => {
    const clerk = await stack.person(['intake'], { unitCode: 'XC-XH' });
    const { page, errors, refusals, screenshot, seriousViolations, signIn } = await browser.page();
    await signIn(clerk);
    await page.goto(`${stack.origin}/register`);
    await page.getByRole('heading', { name: '登记案件' }).waitFor();
    await page.getByText('新华街道（XC-XH）').waitFor();

    await choose(page, '纠纷类别', '邻里纠纷');
    await party(page, 1).getByLabel('姓名').fill('王小明');
    await party(page, 1).getByLabel('电话').pressSequentially('13812345678');
    expect(await party(page, 1).getByLabel('电话').inputValue()).toBe('138 1234 5678');
    await page.getByRole('button', { name: '添加当事人' }).click();
    await party(page, 2).getByLabel('姓名').fill('李大华');
    await party(page, 2).getByLabel('电话').pressSequentially('139 8765 4321');
    expect(await party(page, 2).getByLabel('电话').inputValue()).toBe('139 8765 4321');
    await party(page, 2).getByRole('checkbox', { name: '老年人' }).check();
    await page.getByLabel('事由摘要').fill('楼上漏水纠纷');
    await page.getByLabel('详细情况').fill('住户反映楼上卫生间漏水导致天花板受损，双方协商未果。');
    expect(await seriousViolations()).toEqual([]);
    await screenshot('register');

    await page.getByRole('button', { name: /^登\s*记$/ }).click();
    const created = await caseOf(page);
    expect(created).toMatchObject({ kind: 'dispute', channel: 'walk_in', unitCode: 'XC-XH', category: 'neighbour' });
    expect(created.parties).toEqual([
      expect.objectContaining({ role: 'applicant', phone: '+8613812345678', vulnerable: [] }),
      expect.objectContaining({ role: 'respondent', phone: '+8613987654321', vulnerable: ['elderly'] }),
    ]);

    // A number the form lets through (digits, the length of a mobile) that is no number: the API's 422 shows on it.
    await page.goto(`${stack.origin}/register`);
    await party(page, 1).getByLabel('姓名').fill('赵丽');
    await party(page, 1).getByLabel('电话').pressSequentially('12345678901');
    await page.getByLabel('事由摘要').fill('停车纠纷');
    await page.getByLabel('详细情况').fill('小区停车位被长期占用。');
    await page.getByRole('button', { name: /^登\s*记$/ }).click();
    await party(page, 1).getByText('电话号码无效').waitFor();
    await page.getByRole('alert').filter({ hasText: '有字段未通过校验' }).waitFor();
    expect(page.url()).toMatch(/\/register$/);
    expect(await seriousViolations()).toEqual([]);

    expect(errors).toEqual([]);
    expect(refusals).toEqual(['422 POST /api/v1/cases']);
  });

  it('a grid worker registers a case on a phone, in their own grid', async () => {
    const worker = await stack.person(['grid_worker'], { unitCode: 'XC-XH-01-G1' });
    const { page, errors, refusals, screenshot, seriousViolations, signIn } = await browser.page({
      width: 375,
      height: 800,
    });
    await signIn(worker);
    await page.goto(`${stack.origin}/register`);
    await page.getByText('新华社区第一网格（XC-XH-01-G1）').waitFor();
    await page.getByText('网格上报').waitFor();
    await party(page, 1).getByLabel('姓名').fill('孙大爷');
    await party(page, 1).getByLabel('电话').pressSequentially('010 6512 3456');
    expect(await party(page, 1).getByLabel('电话').inputValue()).toBe('010 6512 3456');
    await page.getByLabel('事由摘要').fill('楼道堆物纠纷');
    await page.getByLabel('详细情况').fill('楼道长期堆放杂物，邻里发生争执。');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    expect(await seriousViolations()).toEqual([]);
    await screenshot('register-phone');

    await page.getByRole('button', { name: /^登\s*记$/ }).click();
    const created = await caseOf(page);
    expect(created).toMatchObject({ unitCode: 'XC-XH-01-G1', channel: 'grid_report' });
    expect(created.parties[0]).toMatchObject({ phone: '+861065123456' });
    expect(errors).toEqual([]);
    expect(refusals).toEqual([]);
  });
});
