import {
  animationsDone,
  openBrowser,
  startConsoleStack,
  type ConsoleBrowser,
  type ConsoleStack,
} from './support/console-harness.js';
import { referredToPolice } from './support/work-helpers.js';

/**
 * The department inbox: a case referred (交办) to the police over the API; a person of the police signs in, finds
 * it in the inbox, and acknowledges, accepts, reports progress and replies from the referral page.
 */
describe('the console: the department inbox', () => {
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

  it('answers a referral from the referral page: 签收, 受理, 进展, 答复', async () => {
    const referred = await referredToPolice(stack);
    const officer = await stack.person(['department'], { departmentCode: 'POLICE' }, '民警乙');
    const { page, errors, refusals, screenshot, seriousViolations, signIn } = await browser.page();
    await signIn(officer);
    await page.waitForURL(/\/referrals$/);
    const row = page.getByRole('row').filter({ hasText: referred.reference });
    await row.getByText('待签收').waitFor();
    await row.getByText('派出所').waitFor();
    await row.getByText(/剩余 \d+ (天|小时)/).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await screenshot('department-inbox');

    await row.getByRole('link', { name: referred.reference }).click();
    await page.waitForURL(new RegExp(`/referrals/${referred.referralId}$`));
    await page.getByText('请派出所会同司法所调处楼上漏水纠纷').first().waitFor();
    const state = page.getByTestId('referral-state');
    await state.getByText('待签收').waitFor();
    expect(await seriousViolations()).toEqual([]);

    const answer = async (button: RegExp, fill: () => Promise<void>, after: string) => {
      await page.getByRole('button', { name: button }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await fill();
      await animationsDone(page);
      await dialog.getByRole('button', { name: /提\s*交/ }).click();
      // The next step opens a dialog of its own: this one must be gone first, not still fading out.
      await dialog.waitFor({ state: 'hidden' });
      await state.getByText(after).waitFor();
    };
    await answer(/^签\s*收$/, () => page.getByLabel('说明（可选）').fill('已签收'), '已签收');
    await answer(/^受\s*理$/, async () => {}, '已受理');
    await answer(
      /^进\s*展$/,
      async () => {
        await page.getByRole('button', { name: /提\s*交/ }).click();
        await page.getByText('请填写进展情况').waitFor();
        expect(await seriousViolations()).toEqual([]);
        await page.getByLabel('进展情况').fill('已到现场查看漏水情况');
      },
      '办理中',
    );
    await answer(
      /^答\s*复$/,
      async () => {
        await page.getByRole('radio', { name: '已解决' }).check();
        await page.getByLabel('办理结果').fill('双方达成协议，楼上已维修');
      },
      '已答复',
    );
    await page.getByText('双方达成协议，楼上已维修').first().waitFor();
    for (const step of ['签收', '受理', '进展', '答复']) await page.getByText(step, { exact: true }).first().waitFor();
    expect(await page.getByRole('button', { name: /^答\s*复$/ }).count()).toBe(0);
    expect(await seriousViolations()).toEqual([]);
    await screenshot('referral');

    const stored = await stack.api.call('GET', `/referrals/${referred.referralId}`);
    expect(stored.body).toMatchObject({ state: 'replied', resolved: true, result: '双方达成协议，楼上已维修' });
    expect(errors).toEqual([]);
    expect(refusals).toEqual([]);
  });
});
