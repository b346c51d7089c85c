import { openBrowser, startConsoleStack, type ConsoleBrowser, type ConsoleStack } from './support/console-harness.js';
import { driveCase, REFERRED } from './support/leader-helpers.js';

/**
 * The leader dashboard: a district leader sees the figures GET /stats/kpis answers for the period shown, the trend
 * drawn, and a unit's figure opens the list of the cases behind it.
 */
describe('the console: the leader dashboard', () => {
  let stack: ConsoleStack;
  let browser: ConsoleBrowser;
  const xinhua: string[] = [];
  const yuetan: string[] = [];

  beforeAll(async () => {
    stack = await startConsoleStack();
    browser = await openBrowser(stack.origin);
    // Xinhua street: one accepted, one referred to JUSTICE, one left at intake; Yuetan: one accepted.
    xinhua.push((await driveCase(stack, { unitCode: 'XC-XH-01' }, [['ACCEPT']])).reference);
    xinhua.push((await driveCase(stack, { unitCode: 'XC-XH-01-G1' }, REFERRED)).reference);
    xinhua.push((await driveCase(stack, { unitCode: 'XC-XH-01', category: 'family' })).reference);
    yuetan.push((await driveCase(stack, { unitCode: 'XC-YL-01' }, [['ACCEPT']])).reference);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('shows a district leader the period’s figures as GET /stats/kpis has them, the trend, and the cases behind a unit', async () => {
    const leader = await stack.person(['leader'], { unitCode: 'XC' }, '刘局长');
    const { page, errors, refusals, screenshot, seriousViolations, signIn } = await browser.page();
    await signIn(leader);
    await page.waitForURL(/\/dashboard$/);
    await page.getByRole('heading', { level: 1, name: '领导看板' }).waitFor();

    // The period the page shows (this month): the same bounds asked of the API directly.
    await page.getByTestId('kpi-received').getByRole('link').waitFor();
    const picker = page.getByRole('textbox', { name: '统计期间' }).first();
    const first = await picker.inputValue();
    const last = await page.locator('.ant-picker-range input').nth(1).inputValue();
    const after = new Date(`${last}T00:00:00Z`);
    after.setUTCDate(after.getUTCDate() + 1);
    const kpis = await stack.api.call<any>(
      'GET',
      `/stats/kpis?unitCode=XC&from=${first}&to=${after.toISOString().slice(0, 10)}`,
    );
    expect(kpis.body.totals.received).toBe(4);

    const received = page.getByTestId('kpi-received');
    await received.getByRole('link', { name: `受理量: ${kpis.body.totals.received}` }).waitFor();
    const rate = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
    await page.getByTestId('kpi-responseRate').getByText(rate(kpis.body.totals.responseRate)).waitFor();
    await page.getByTestId('kpi-solveRate').getByText(rate(kpis.body.totals.solveRate)).waitFor();
    await page.getByTestId('kpi-satisfactionRate').getByText(rate(kpis.body.totals.satisfactionRate)).waitFor();
    await page.getByTestId('kpi-onTimeRate').getByText(rate(kpis.body.totals.onTimeRate)).waitFor();

    // The trend is drawn (a canvas), with its text alternative counting every case received.
    const trend = page.getByRole('img', { name: /受理合计 4 件/ });
    await trend.locator('canvas').waitFor();
    // The departments' table: the referral to JUSTICE.
    await page.getByRole('row', { name: /司法所 1/ }).waitFor();

    expect(await seriousViolations()).toEqual([]);
    await screenshot('dashboard');

    // Xinhua street's received figure opens the list of its three cases, filtered by unit and period in the URL.
    await page.getByRole('link', { name: '新华街道 受理: 3' }).click();
    await page.waitForURL(/\/cases\?.*unitCode=XC-XH/);
    await page.getByRole('heading', { level: 1, name: '案件列表' }).waitFor();
    for (const reference of xinhua) await page.getByRole('link', { name: reference }).waitFor();
    expect(await page.getByRole('link', { name: yuetan[0]! }).count()).toBe(0);
    expect(await page.locator('tbody tr.ant-table-row').count()).toBe(3);
    expect(await seriousViolations()).toEqual([]);
    await screenshot('cases');

    // The weekly trend on the way back.
    await page.goBack();
    await page.getByText('按周').click();
    await page.getByRole('img', { name: /受理合计 4 件/ }).waitFor();
    expect(errors).toEqual([]);
    expect(refusals).toEqual([]);
  });
});
