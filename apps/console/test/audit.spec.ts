import { readFileSync } from 'node:fs';
import { referredDispute, settled, type HistoryEvent } from './support/audit-helpers.js';
import { openBrowser, startConsoleStack, type ConsoleBrowser, type ConsoleStack } from './support/console-harness.js';

/**
 * The auditor's screen against the real API: a dispute referred to the police, its chain verified (the case by
 * an auditor of 西城区, every case by an auditor of the whole deployment), the case as it stood before the
 * referral, the events exported with a reason, and the security log.
 */
describe('the console: the auditor', () => {
  let stack: ConsoleStack;
  let browser: ConsoleBrowser;
  let referred: { id: string; reference: string; history: HistoryEvent[] };

  beforeAll(async () => {
    stack = await startConsoleStack();
    browser = await openBrowser(stack.origin);
    referred = await referredDispute(stack);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('verifies the case’s chain, and every chain with an unscoped account, in words', async () => {
    const auditor = await stack.person(['auditor'], { unitCode: 'XC' }, '审计员甲');
    const { page, errors, refusals, screenshot, seriousViolations, signIn } = await browser.page();
    await signIn(auditor);
    await page.waitForURL(/\/audit$/);
    await page.getByRole('heading', { level: 1, name: '审计' }).waitFor();
    await page.getByRole('tab', { name: '链核验' }).click();
    await page.waitForURL(/\/audit\/verify$/);
    await page.getByLabel('案件（编号或 ID）').fill(referred.reference);
    await page.getByRole('button', { name: '核验此案' }).click();
    await page.getByText('链完整', { exact: true }).waitFor();
    await page.getByText(`已核验 ${referred.history.length} 个事件、1 个案件。`).waitFor();
    // A scoped auditor may not verify every case: the screen says so instead of failing.
    await page.getByRole('button', { name: '核验全部' }).click();
    await page.getByRole('alert').filter({ hasText: '无权进行此操作' }).waitFor();
    expect(errors).toEqual([]);
    expect(refusals).toEqual(['403 GET /api/v1/audit/verify']);

    const everywhere = await stack.person(['auditor'], {}, '审计员乙');
    const second = await browser.page();
    await second.signIn(everywhere);
    await second.page.goto(`${stack.origin}/audit/verify`);
    await second.page.getByRole('button', { name: '核验全部' }).click();
    await second.page.getByText('链完整（全部案件）').waitFor();
    await second.page.getByLabel('案件（编号或 ID）').fill(referred.id);
    await second.page.getByRole('button', { name: '核验此案' }).click();
    await second.page.getByText('链完整', { exact: true }).waitFor();
    await second.page.getByRole('table', { name: '每日锚点' }).waitFor();
    expect(await settled(second.page, second.seriousViolations)).toEqual([]);
    await second.screenshot('audit-verify');
    expect(second.errors).toEqual([]);
    expect(second.refusals).toEqual([]);
    expect(await settled(page, seriousViolations)).toEqual([]);
    await screenshot('audit-verify-scoped');
  });

  it('shows the case as it stood before the referral, stepping along its events', async () => {
    const auditor = await stack.person(['auditor'], { unitCode: 'XC' });
    const { page, errors, refusals, screenshot, seriousViolations, signIn } = await browser.page();
    await signIn(auditor);
    await page.goto(`${stack.origin}/audit/point-in-time?caseId=${referred.id}`);
    const slider = page.getByRole('slider', { name: '事件时间轴' });
    await slider.waitFor();
    // Opened at the latest event: the referral has been made.
    await page.getByTestId('rebuilt-state').filter({ hasText: 'mediation.referred' }).waitFor();
    await page.getByRole('table', { name: '当时的交办' }).getByText('POLICE').waitFor();
    // To the first event, then along to the one before REFER, with the keyboard.
    const refer = referred.history.findIndex((e) => e.type === 'REFER');
    expect(refer).toBeGreaterThan(0);
    await slider.focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < refer - 1; i++) await page.keyboard.press('ArrowRight');
    const before = referred.history[refer - 1]!;
    await page
      .getByTestId('point-in-time-chosen')
      .filter({ hasText: `第 ${before.seq} 个事件 ${before.type}` })
      .waitFor();
    await page.getByTestId('rebuilt-state').filter({ hasText: '研判 · 研判中' }).waitFor();
    expect(await page.getByTestId('rebuilt-state').textContent()).toContain('triage.assessing');
    await page.getByRole('table', { name: '当时的交办' }).getByText('当时尚无交办').waitFor();
    expect(await settled(page, seriousViolations)).toEqual([]);
    await screenshot('audit-point-in-time');

    // The same in English.
    await page.getByText('English', { exact: true }).click();
    await page.getByTestId('rebuilt-state').filter({ hasText: 'Triage · Assessing' }).waitFor();
    await page.getByText('中文', { exact: true }).click();
    expect(errors).toEqual([]);
    expect(refusals).toEqual([]);
  });

  it('exports the events as CSV with a reason, as a download, and reads the security log', async () => {
    const auditor = await stack.person(['auditor'], { unitCode: 'XC' });
    const { page, errors, refusals, screenshot, seriousViolations, signIn } = await browser.page();
    await signIn(auditor);
    await page.goto(`${stack.origin}/audit/export`);
    await page.getByRole('heading', { level: 2, name: '导出事件' }).waitFor();
    await page.getByText('CSV', { exact: true }).click();
    await page.getByLabel('案件（编号或 ID）').fill(referred.reference);
    // No reason, no export.
    await page.getByRole('button', { name: /导\s*出/ }).click();
    await page.getByText('请填写导出理由').waitFor();
    await page.getByLabel('导出理由').fill('2026 年一季度纪检抽查：核对转办公安的纠纷');
    // The field's error fades out once a reason is typed.
    await page.getByText('请填写导出理由').waitFor({ state: 'detached' });
    expect(await settled(page, seriousViolations)).toEqual([]);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /导\s*出/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^concord-events-.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toMatch(/^caseId,seq,type,/);
    for (const event of referred.history) expect(csv).toContain(`${referred.id},${event.seq},${event.type},`);
    await page.getByText(/已下载: concord-events-/).waitFor();
    // The page did not navigate to the API.
    expect(new URL(page.url()).pathname).toBe('/audit/export');
    await screenshot('audit-export');

    await page.getByRole('tab', { name: '安全日志' }).click();
    await page.waitForURL(/\/audit\/security-log$/);
    const log = page.getByRole('table', { name: '安全日志' });
    // The people this test made were recorded as they were created.
    await log.getByText('user.created').first().waitFor();
    await page.getByLabel('动作').fill('user.created');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await log.getByText('user.created').first().waitFor();
    expect(await settled(page, seriousViolations)).toEqual([]);
    await screenshot('audit-security-log');

    await page.getByRole('tab', { name: '事件查询' }).click();
    await page.getByLabel('案件（编号或 ID）').fill(referred.reference);
    await page.getByRole('button', { name: /查\s*询/ }).click();
    const events = page.getByRole('table', { name: '事件' });
    await events.getByRole('cell', { name: 'REFER', exact: true }).waitFor();
    await events
      .getByRole('link', { name: referred.id.slice(0, 8) })
      .first()
      .waitFor();
    expect(await settled(page, seriousViolations)).toEqual([]);
    await screenshot('audit-events');
    expect(errors).toEqual([]);
    expect(refusals).toEqual([]);
  });
});
