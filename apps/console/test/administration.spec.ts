import { settled } from './support/audit-helpers.js';
import {
  openBrowser,
  startConsoleStack,
  type ConsoleBrowser,
  type ConsoleStack,
  type WatchedPage,
} from './support/console-harness.js';

/**
 * The administrator's screen against the real API, by a deployment-wide admin who signs in: a unit added to the
 * tree, a person created (the one-time password shown once) and disabled, a 调休 working day set on the calendar,
 * and a replay of dead letters when there are none.
 */
describe('the console: administration', () => {
  let stack: ConsoleStack;
  let browser: ConsoleBrowser;
  /** The deployment-wide admin's page, signed in once; each test below goes on from where the last one left it. */
  let admin: WatchedPage;

  beforeAll(async () => {
    stack = await startConsoleStack();
    browser = await openBrowser(stack.origin);
    admin = await browser.page();
    await admin.signIn(await stack.person(['admin'], {}, '管理员'));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('adds a unit under 新华街道 in the unit tree', async () => {
    const { page, screenshot, seriousViolations } = admin;
    await page.waitForURL(/\/administration$/);
    await page.getByRole('heading', { level: 1, name: '系统管理' }).waitFor();
    // An admin without a unit may open the queue dashboard, in a new tab.
    const queues = page.getByRole('link', { name: '任务队列面板（新窗口）' });
    expect(await queues.getAttribute('href')).toBe('/admin/queues');
    expect(await queues.getAttribute('target')).toBe('_blank');

    // Units: 新华街道 in the tree, a community added under it.
    const tree = page.getByRole('tree', { name: '单位层级' });
    await tree.getByText('新华街道 (XC-XH) · 街道').click();
    await page.getByRole('heading', { level: 3, name: '新华街道 (XC-XH)' }).waitFor();
    await page.getByLabel('单位代码').fill('XC-XH-09');
    await page.getByLabel('名称', { exact: true }).fill('新华第九社区');
    await page.getByRole('button', { name: /新\s*建/ }).click();
    await tree.getByText('新华第九社区 (XC-XH-09) · 社区').waitFor();
    await page.getByRole('heading', { level: 3, name: '新华第九社区 (XC-XH-09)' }).waitFor();
    const units = await stack.api.call<{ items: Array<{ code: string; parentCode: string; level: string }> }>(
      'GET',
      '/units?parentCode=XC-XH&limit=200',
    );
    expect(units.body.items.find((u) => u.code === 'XC-XH-09')).toMatchObject({
      parentCode: 'XC-XH',
      level: 'community',
    });
    expect(await settled(page, seriousViolations)).toEqual([]);
    await screenshot('administration-units');
  });

  it('creates a person, shows the one-time password once, and disables them', async () => {
    const { page, screenshot, seriousViolations } = admin;
    await page.getByRole('tab', { name: '用户' }).click();
    await page.waitForURL(/\/administration\/users$/);
    await page.getByRole('button', { name: '新建用户' }).click();
    const dialog = page.getByRole('dialog', { name: '新建用户' });
    await dialog.getByLabel('用户名').fill('chen.jing');
    await dialog.getByLabel('姓名').fill('陈静');
    await dialog.getByLabel('角色').click();
    // Ant Design's listbox for screen readers holds the values; the visible list is the one to click.
    await page.locator('.ant-select-item-option[title="调解员"]').click();
    await page.keyboard.press('Escape');
    await page.locator('.ant-select-dropdown').waitFor({ state: 'hidden' });
    await dialog.getByLabel('单位代码').fill('XC-XH-09');
    expect(await settled(page, seriousViolations)).toEqual([]);
    await dialog.getByRole('button', { name: /新\s*建/ }).click();
    const secret = page.getByRole('dialog', { name: '一次性密码' });
    const password = (await secret.getByTestId('secret-once').textContent())!.trim();
    expect(password.length).toBeGreaterThanOrEqual(8);
    await secret.getByRole('button', { name: /复制/ }).waitFor();
    expect(await settled(page, seriousViolations)).toEqual([]);
    await secret.getByRole('button', { name: '我已记下，关闭' }).click();
    await secret.waitFor({ state: 'hidden' });
    // Shown once: nowhere on the page any more.
    expect(await page.getByText(password).count()).toBe(0);
    const users = page.getByRole('table', { name: '用户' });
    const row = users.getByRole('row').filter({ hasText: 'chen.jing' });
    await row.getByText('在用 · 待改密码').waitFor();
    await row.getByRole('button', { name: '停用 chen.jing' }).click();
    await row.getByText('已停用').waitFor();
    await row.getByRole('button', { name: '启用 chen.jing' }).waitFor();
    const listed = await stack.api.call<{ items: Array<{ username: string; disabledAt: string | null }> }>(
      'GET',
      '/users?unitCode=XC-XH-09',
    );
    expect(listed.body.items.find((u) => u.username === 'chen.jing')?.disabledAt).toEqual(expect.any(String));
    expect(await settled(page, seriousViolations)).toEqual([]);
    await screenshot('administration-users');
  });

  it('makes a Saturday of the shown month a 调休 working day, marked in words', async () => {
    const { page, screenshot, seriousViolations } = admin;
    await page.getByRole('tab', { name: '工作日历' }).click();
    await page.waitForURL(/\/administration\/calendar$/);
    await page.getByRole('heading', { level: 2, name: '工作日历' }).waitFor();
    const saturday = await page.evaluate(
      "(() => { const d = new Date(); d.setDate(1); while (d.getDay() !== 6) d.setDate(d.getDate() + 1); d.setDate(d.getDate() + 7); return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0'); })()",
    );
    await page.locator(`td[title="${saturday as string}"]`).click();
    const day = page.getByRole('dialog', { name: `调整 ${saturday as string}` });
    await day.getByText('调休上班日（班）').click();
    await day.getByLabel('名称').fill('调休上班');
    await day.getByRole('button', { name: /保\s*存/ }).click();
    await day.waitFor({ state: 'hidden' });
    const cell = page.getByTestId(`day-${saturday as string}`);
    await cell.filter({ hasText: '班 调休上班' }).waitFor();
    expect(await cell.textContent()).toContain('手动调整');
    const days = await stack.api.call<{ days: Array<{ workday: boolean; source: string }> }>(
      'GET',
      `/calendar?from=${saturday as string}&to=${saturday as string}`,
    );
    expect(days.body.days[0]).toMatchObject({ workday: true, source: 'override' });
    expect(await settled(page, seriousViolations)).toEqual([]);
    await screenshot('administration-calendar');
  });

  it('replays dead letters when there are none, saying so, and shows the other tabs cleanly', async () => {
    const { page, errors, refusals, screenshot, seriousViolations } = admin;
    await page.getByRole('tab', { name: '推送失败' }).click();
    await page.waitForURL(/\/administration\/deliveries$/);
    await page.getByRole('table', { name: '推送记录' }).waitFor();
    await page.getByRole('button', { name: '重新投递全部失败记录' }).click();
    await page
      .getByRole('tooltip')
      .getByRole('button', { name: /重新投递/ })
      .click();
    await page.getByText('没有需要重新投递的失败记录').waitFor();
    expect(await settled(page, seriousViolations)).toEqual([]);
    await screenshot('administration-deliveries');

    for (const tab of ['部门', 'API 密钥', '办理时限']) {
      await page.getByRole('tab', { name: tab, exact: true }).click();
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await page.getByRole('table').first().waitFor();
      expect({ tab, violations: await settled(page, seriousViolations) }).toEqual({ tab, violations: [] });
    }
    expect(errors).toEqual([]);
    expect(refusals).toEqual([]);
  });

  it('tells a scoped admin what it may not do, without breaking', async () => {
    const scoped = await stack.person(['admin'], { unitCode: 'XC-XH' }, '街道管理员');
    const { page, errors, refusals, seriousViolations, signIn } = await browser.page();
    await signIn(scoped);
    await page.goto(`${stack.origin}/administration/calendar`);
    await page.getByText('您是 XC-XH 的管理员').waitFor();
    expect(await page.getByRole('link', { name: '任务队列面板（新窗口）' }).count()).toBe(0);
    const firstMonday = await page.evaluate(
      "(() => { const d = new Date(); d.setDate(1); while (d.getDay() !== 1) d.setDate(d.getDate() + 1); return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0'); })()",
    );
    await page.locator(`td[title="${firstMonday as string}"]`).click();
    const day = page.getByRole('dialog', { name: `调整 ${firstMonday as string}` });
    await day.getByLabel('名称').fill('区里放假');
    await day.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText(/无权进行此操作或查看此范围/).waitFor();
    expect(await settled(page, seriousViolations)).toEqual([]);
    expect(errors).toEqual([]);
    expect(refusals).toEqual([`403 PUT /api/v1/calendar/overrides/${firstMonday as string}`]);
  });
});
