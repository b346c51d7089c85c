import { randomUUID } from 'node:crypto';
import { dispute, petition } from '#testing';
import { choose, named, sendEvent, waitForState } from './support/case-helpers.js';
import { openBrowser, startConsoleStack, type ConsoleBrowser, type ConsoleStack } from './support/console-harness.js';

/**
 * The case page against the real API: a mediator claims a dispute and walks it to the archive through the forms
 * generated from the payload schemas; an auditor sees the chain verified and unmasks the parties with a reason;
 * a 422 the client could not foresee shows on its field.
 */
describe('the console: the case page', () => {
  let stack: ConsoleStack;
  let browser: ConsoleBrowser;
  let caseId: string;

  const register = async () => {
    const created = await stack.api.call<{ id: string; machineVersion: number }>('POST', '/cases', { body: dispute() });
    expect([created.status, created.body.machineVersion]).toEqual([201, 2]);
    return created.body.id;
  };

  beforeAll(async () => {
    stack = await startConsoleStack();
    browser = await openBrowser(stack.origin);
    caseId = await register();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('a mediator claims a dispute and walks it to the archive through the generated forms', async () => {
    const mediator = await stack.person(['mediator'], { unitCode: 'XC-XH-01' }, '李调解');
    const { page, errors, refusals, screenshot, seriousViolations, signIn } = await browser.page();
    await signIn(mediator);
    await page.goto(`${stack.origin}/cases/${caseId}`);
    await page.getByRole('heading', { level: 1, name: /DSP-\d{4}-\d{6}/ }).waitFor();
    await waitForState(page, '登记 · 已登记');
    expect(await seriousViolations()).toEqual([]);

    await sendEvent(page, '认领');
    await page.getByRole('row').filter({ hasText: '承办人' }).filter({ hasText: '李调解' }).first().waitFor();
    await sendEvent(page, '受理');
    await waitForState(page, '研判 · 研判中');

    await sendEvent(page, '分类研判', async (dialog) => {
      await dialog.getByLabel('类别', { exact: true }).fill('neighbour');
      await choose(page, dialog, '风险等级', '低');
      await dialog.getByLabel('标签', { exact: true }).fill('water_leak');
      await dialog.getByLabel('标签', { exact: true }).press('Enter');
    });
    await page.getByText('邻里纠纷', { exact: true }).waitFor();

    // The client's own checks, before anything is sent: a required field left empty.
    await page.getByRole('button', { name: named('指派调解员') }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: named('提交') }).click();
    await dialog.locator('#event-ASSIGN_MEDIATOR_mediatorId_help').filter({ hasText: '必填' }).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await dialog.getByRole('button', { name: /填入我自己/ }).click();
    await choose(page, dialog, '渠道', '人民调解');
    await dialog.getByRole('button', { name: named('提交') }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForState(page, '办理 · 已指派');
    await page.getByText('调解时限').first().waitFor();
    await page.getByRole('button', { name: '如何计算' }).first().click();
    await page.getByText('跳过的休息日').first().waitFor();
    // No statute sets a dispute's intake limit: the derivation says so.
    await page.getByText('无法定时限：按流程默认时限或本地时限策略').first().waitFor();
    expect(await seriousViolations()).toEqual([]);
    await screenshot('case-page');

    await sendEvent(page, '达成协议', async (d) => {
      await d.getByLabel('协议内容', { exact: true }).fill('李大华于两周内修复防水并赔偿2000元');
    });
    await waitForState(page, '办理 · 已达成协议');
    await sendEvent(page, '办结');
    await waitForState(page, '归档 · 回访');
    await sendEvent(page, '回访', async (d) => {
      await d.getByLabel('满意度（1–5）', { exact: true }).fill('5');
      await d.getByRole('switch', { name: '已联系上申请人' }).click();
      await d.getByLabel('评价', { exact: true }).fill('满意');
    });
    await waitForState(page, '归档 · 已归档');
    await page.getByText('调解成功').waitFor();
    await page.getByText('当前没有可执行的操作。').waitFor();

    // The header shows the event's answer at once; the timeline reads the history again after it.
    await page
      .getByTestId('timeline-event')
      .locator('strong')
      .filter({ hasText: /^回访$/ })
      .waitFor();
    const types = await page.getByTestId('timeline-event').locator('strong').allTextContents();
    expect(types).toEqual(['登记', '认领', '受理', '分类研判', '指派调解员', '达成协议', '办结', '回访']);
    // Verification is for auditors and admins: nothing is said of it to a mediator, and the route is not called.
    expect(await page.getByText('哈希链已验证').count()).toBe(0);
    expect(await seriousViolations()).toEqual([]);
    await screenshot('case-archived');
    expect(errors).toEqual([]);
    expect(refusals).toEqual([]);
  }, 180_000);

  it('an auditor sees the chain verified and unmasks the parties with a reason, in the dialog only', async () => {
    const auditor = await stack.person(['auditor'], { unitCode: 'XC' });
    const { page, errors, screenshot, seriousViolations, signIn } = await browser.page();
    await signIn(auditor);
    await page.goto(`${stack.origin}/cases/${caseId}`);
    await page.getByText(/哈希链已验证 · \d+ 个事件/).waitFor();
    expect(await page.getByRole('cell', { name: '王小明' }).count()).toBe(0);
    await page.getByRole('button', { name: '查看明文' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('查看理由').fill('纪检复核：核实当事人身份');
    await dialog.getByRole('button', { name: '查看明文' }).click();
    await dialog.getByRole('cell', { name: '王小明' }).waitFor();
    await dialog.getByText('纪检复核：核实当事人身份').waitFor();
    expect(await seriousViolations()).toEqual([]);
    await screenshot('case-unmask');
    await dialog.getByRole('button', { name: '关 闭', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByRole('cell', { name: '王小明' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("names the statute and article of a petition's clock in 'how was this computed'", async () => {
    const created = await stack.api.call<{ id: string }>('POST', '/cases', { body: petition() });
    expect(created.status).toBe(201);
    const intake = await stack.person(['intake'], { unitCode: 'XC-XH' });
    const { page, errors, seriousViolations, signIn } = await browser.page();
    await signIn(intake);
    await page.goto(`${stack.origin}/cases/${created.body.id}`);
    await page.getByRole('button', { name: '如何计算' }).first().click();
    await page
      .getByText('信访工作条例第22条第1款、第23条第2–3款：法定时限 15 个自然日，时限策略只可缩短', { exact: true })
      .waitFor();
    expect(await seriousViolations()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("shows the server's 422 on the field it names: a person who does not exist", async () => {
    const id = await register();
    const intake = await stack.person(['intake'], { unitCode: 'XC-XH-01' });
    const { page, errors, refusals, seriousViolations, signIn } = await browser.page();
    await signIn(intake);
    await page.goto(`${stack.origin}/cases/${id}`);
    await waitForState(page, '登记 · 已登记');
    await page.getByRole('button', { name: named('指派') }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('人员', { exact: true }).fill('not a person');
    await dialog.getByRole('button', { name: named('提交') }).click();
    await dialog.locator('#event-ASSIGN_userId_help').filter({ hasText: '应为 UUID' }).waitFor();
    await dialog.getByLabel('人员', { exact: true }).fill(randomUUID());
    await dialog.getByRole('button', { name: named('提交') }).click();
    await dialog.locator('#event-ASSIGN_userId_help').filter({ hasText: '不是在用的人员账号' }).waitFor();
    expect(await seriousViolations()).toEqual([]);
    expect(refusals).toEqual([`422 POST /api/v1/cases/${id}/events`]);
    expect(errors).toEqual([]);
  });
});
