import type { Page } from 'playwright-core';
import { choose, named, sendEvent, waitForState } from './support/case-helpers.js';
import {
  animationsDone,
  openBrowser,
  startConsoleStack,
  type ConsoleBrowser,
  type ConsoleStack,
  type Person,
  type WatchedPage,
} from './support/console-harness.js';

/**
 * One dispute through every screen, by the people who work it, each in a browser of their own: an intake clerk
 * registers it; a mediator claims it from the queue, accepts, classifies and refers it to the police through the
 * forms generated from the payload schemas; the police answer from their inbox; the mediator records the follow-up
 * and it is archived; the district's leader sees it counted; an auditor verifies its chain and sees it as it stood
 * before the referral; the citizen follows it by its query code. Nothing is arranged over the API but the people.
 */
describe('the console: one dispute from intake to archive, through every screen', () => {
  let stack: ConsoleStack;
  let browser: ConsoleBrowser;
  const opened: WatchedPage[] = [];

  beforeAll(async () => {
    stack = await startConsoleStack();
    browser = await openBrowser(stack.origin);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** A page of `person`'s own, signed in through the sign-in form. */
  const as = async (person: Person, width?: number): Promise<WatchedPage> => {
    const watched = await browser.page(width ? { width, height: 800 } : {});
    await watched.signIn(person);
    opened.push(watched);
    return watched;
  };
  const caseIdOf = (page: Page) => new URL(page.url()).pathname.split('/').pop()!;

  it('is registered, claimed, referred, answered, followed up, counted, audited and followed by the citizen', async () => {
    const clerk = await stack.person(['intake'], { unitCode: 'XC-XH-01' }, '张登记');
    const mediator = await stack.person(['mediator'], { unitCode: 'XC-XH-01' }, '李调解');
    const police = await stack.person(['department'], { departmentCode: 'POLICE' }, '赵民警');
    const leader = await stack.person(['leader'], { unitCode: 'XC' }, '刘局长');
    const auditor = await stack.person(['auditor'], { unitCode: 'XC' }, '孙审计');

    // The intake clerk registers the dispute in their own community.
    const intake = await as(clerk);
    await intake.page.goto(`${stack.origin}/register`);
    await intake.page.getByText('新华社区（XC-XH-01）').waitFor();
    await animationsDone(intake.page);
    await intake.page.getByLabel('纠纷类别', { exact: true }).click();
    const category = intake.page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="邻里纠纷"]');
    await category.waitFor();
    await animationsDone(intake.page);
    await category.click();
    const party = intake.page.getByRole('group', { name: '当事人 1' });
    await party.getByLabel('姓名').fill('王小明');
    await party.getByLabel('电话').pressSequentially('13812345678');
    await intake.page.getByLabel('事由摘要').fill('楼上漏水纠纷');
    await intake.page.getByLabel('详细情况').fill('住户反映楼上卫生间漏水导致天花板受损，双方协商未果。');
    await intake.page.getByRole('button', { name: named('登记') }).click();
    await intake.page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    const caseId = caseIdOf(intake.page);
    const registered = (await stack.api.call('GET', `/cases/${caseId}`)).body as {
      reference: string;
      queryCode: string;
    };
    await intake.page.getByRole('heading', { level: 1, name: new RegExp(registered.reference) }).waitFor();

    // The mediator finds it unassigned in their queue and claims it from the list.
    const work = await as(mediator);
    await work.page.waitForURL(/\/work$/);
    await work.page.getByRole('tab', { name: /待认领\s*1/ }).click();
    await work.page.getByRole('button', { name: `认领 ${registered.reference}` }).click();
    await work.page.getByRole('tab', { name: /我的\s*1/ }).click();
    await work.page.getByRole('link', { name: registered.reference }).click();

    // Accepted, classified and referred to the police through the generated forms.
    await work.page.waitForURL(new RegExp(`/cases/${caseId}$`));
    await waitForState(work.page, '登记 · 已登记');
    await sendEvent(work.page, '受理');
    await waitForState(work.page, '研判 · 研判中');
    await sendEvent(work.page, '分类研判', async (dialog) => {
      await dialog.getByLabel('类别', { exact: true }).fill('neighbour');
      await choose(work.page, dialog, '风险等级', '低');
    });
    await work.page.getByText('邻里纠纷', { exact: true }).waitFor();
    await sendEvent(work.page, '交办', async (dialog) => {
      await choose(work.page, dialog, '部门', '派出所 (POLICE)');
      await dialog.getByLabel('交办要求', { exact: true }).fill('请派出所调处楼上漏水纠纷');
    });
    await waitForState(work.page, '办理 · 已交办');
    expect(await work.seriousViolations()).toEqual([]);

    // The police answer from their inbox: acknowledge, accept, reply that it is resolved.
    const inbox = await as(police);
    await inbox.page.waitForURL(/\/referrals$/);
    await inbox.page.getByRole('link', { name: registered.reference }).click();
    const referralState = inbox.page.getByTestId('referral-state');
    await referralState.getByText('待签收').waitFor();
    const answer = async (button: string, fill: () => Promise<void>, after: string) => {
      await inbox.page.getByRole('button', { name: named(button) }).click();
      const dialog = inbox.page.getByRole('dialog');
      await dialog.waitFor();
      await fill();
      await animationsDone(inbox.page);
      await dialog.getByRole('button', { name: /提\s*交/ }).click();
      // The next step opens a dialog of its own: this one must be gone first, not still fading out.
      await dialog.waitFor({ state: 'hidden' });
      await referralState.getByText(after).waitFor();
    };
    await answer('签收', async () => {}, '已签收');
    await answer('受理', async () => {}, '已受理');
    await answer(
      '答复',
      async () => {
        await inbox.page.getByRole('radio', { name: '已解决' }).check();
        await inbox.page.getByLabel('办理结果').fill('已到场调解，楼上已维修防水');
      },
      '已办结',
    );
    expect(await inbox.seriousViolations()).toEqual([]);

    // The reply settled the case: the mediator records the follow-up and it is archived.
    await work.page.reload();
    await waitForState(work.page, '归档 · 回访');
    await sendEvent(work.page, '回访', async (dialog) => {
      await dialog.getByLabel('满意度（1–5）', { exact: true }).fill('5');
      await dialog.getByRole('switch', { name: '已联系上申请人' }).click();
    });
    await waitForState(work.page, '归档 · 已归档');
    await work.page.getByText('已化解', { exact: true }).first().waitFor();
    await work.screenshot('journey-case-archived');

    // The district's leader sees it counted, and the figure leads to it.
    const board = await as(leader);
    await board.page.goto(`${stack.origin}/dashboard`);
    await board.page.getByTestId('kpi-received').getByText('1', { exact: true }).waitFor();
    await board.page.getByRole('link', { name: '新华街道 受理: 1' }).click();
    await board.page.waitForURL(/\/cases\?/);
    await board.page.getByRole('link', { name: registered.reference }).waitFor();
    expect(await board.seriousViolations()).toEqual([]);

    // The auditor verifies the case's chain and opens it as it stood before the referral.
    const audit = await as(auditor);
    await audit.page.goto(`${stack.origin}/cases/${caseId}`);
    await audit.page.getByText(/哈希链已验证 · \d+ 个事件/).waitFor();
    await audit.page.goto(`${stack.origin}/audit/verify`);
    await audit.page.getByLabel('案件（编号或 ID）').fill(registered.reference);
    await audit.page.getByRole('button', { name: '核验此案' }).click();
    await audit.page.getByText('链完整', { exact: true }).waitFor();
    const history = (await stack.api.call('GET', `/cases/${caseId}/history?limit=200`)).body.items as Array<{
      type: string;
    }>;
    const refer = history.findIndex((e) => e.type === 'REFER');
    await audit.page.goto(`${stack.origin}/audit/point-in-time?caseId=${caseId}`);
    const slider = audit.page.getByRole('slider', { name: '事件时间轴' });
    await slider.waitFor();
    await audit.page.getByTestId('rebuilt-state').filter({ hasText: '归档 · 已归档' }).waitFor();
    await slider.focus();
    await audit.page.keyboard.press('Home');
    for (let i = 0; i < refer - 1; i++) await audit.page.keyboard.press('ArrowRight');
    await audit.page.getByTestId('rebuilt-state').filter({ hasText: '研判 · 研判中' }).waitFor();
    await audit.page.getByRole('table', { name: '当时的交办' }).getByText('当时尚无交办').waitFor();
    expect(await audit.seriousViolations()).toEqual([]);
    await audit.screenshot('journey-audit-before-referral');

    // The citizen follows it with the query code, on a phone, without signing in and without seeing a name.
    const citizen = await browser.page({ width: 375, height: 800 });
    opened.push(citizen);
    await citizen.page.goto(`${stack.origin}/progress`);
    await citizen.page.getByLabel('查询码').fill(registered.queryCode);
    await citizen.page.getByRole('button', { name: /查\s*询/ }).click();
    await citizen.page.getByText(registered.reference).waitFor();
    await citizen.page.getByText('已归档').first().waitFor();
    expect(await citizen.page.locator('body').innerText()).not.toContain('王小明');
    expect(await citizen.seriousViolations()).toEqual([]);
    await citizen.screenshot('journey-progress');

    for (const { errors } of opened) expect(errors).toEqual([]);
    for (const { refusals } of opened) expect(refusals).toEqual([]);
  }, 300_000);
});
