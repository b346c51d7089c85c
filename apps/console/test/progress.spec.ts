import { openBrowser, startConsoleStack, type ConsoleBrowser, type ConsoleStack } from './support/console-harness.js';
import { registerCase, sendEvent } from './support/work-helpers.js';

/** 阳光信访: a citizen follows a case by its query code on a phone, without signing in and without seeing any PII. */
describe('the console: public progress', () => {
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

  it('shows the stages of a case by its query code at 375 px, with no party data, and says when a code finds nothing', async () => {
    const parties = [
      { role: 'applicant', name: '周晓燕', phone: '13700001234', idNumber: '110101199001011234' },
      { role: 'respondent', name: '吴建国', phone: '13911112222' },
    ];
    const registered = await registerCase(stack, { parties, summary: '邻居装修噪音扰民' });
    await sendEvent(stack, registered.id, 'ACCEPT');
    const { page, errors, refusals, screenshot, seriousViolations } = await browser.page({ width: 375, height: 800 });

    await page.goto(`${stack.origin}/progress`);
    await page.getByRole('heading', { name: '办理进度查询' }).waitFor();
    await page.getByLabel('查询码').fill(registered.queryCode.toLowerCase());
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.waitForURL(new RegExp(`/progress/${registered.queryCode}$`));
    await page.getByText(registered.reference).waitFor();
    await page.getByText('办理中').waitFor();
    const stages = page.locator('.ant-timeline');
    await stages.getByText('登记', { exact: true }).waitFor();
    await stages.getByText('研判', { exact: true }).waitFor();
    const text = await page.locator('body').innerText();
    for (const secret of ['周晓燕', '吴建国', '13700001234', '1234', '13911112222', '邻居装修噪音扰民', '新华社区'])
      expect(text).not.toContain(secret);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    expect(await seriousViolations()).toEqual([]);
    await screenshot('progress');

    await page.getByText('English', { exact: true }).click();
    await page.getByRole('heading', { name: 'Case progress' }).waitFor();
    await stages.getByText('Triage', { exact: true }).waitFor();
    await page.getByText('中文', { exact: true }).click();

    await page.goto(`${stack.origin}/progress/NOSUCHCODE00`);
    await page.getByRole('alert').getByText('没有找到与该查询码对应的案件').waitFor();
    expect(await page.getByText(registered.reference).count()).toBe(0);
    expect(await seriousViolations()).toEqual([]);

    expect(errors).toEqual([]);
    expect(refusals).toEqual(['404 GET /api/v1/public/progress/NOSUCHCODE00']);
  });
});
