import { openBrowser, startConsoleStack, type ConsoleBrowser, type ConsoleStack } from './support/console-harness.js';

/**
 * The console as a browser gets it from the API: the page with its Content-Security-Policy, signing in, the
 * forced change of a one-time password, the language switch, signing out.
 */
describe('the console: signing in', () => {
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

  it('serves the page under a strict Content-Security-Policy with a fresh nonce, and caches hashed assets', async () => {
    const first = await fetch(`${stack.origin}/`);
    const second = await fetch(`${stack.origin}/work`);
    const policy = first.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self' 'nonce-");
    expect(policy).toContain("style-src 'self' 'nonce-");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
    expect(policy).toContain("frame-ancestors 'none'");
    const nonceOf = (p: string | null) => /'nonce-([^']+)'/.exec(p ?? '')?.[1];
    expect(nonceOf(policy)).not.toEqual(nonceOf(second.headers.get('content-security-policy')));
    const html = await first.text();
    expect(html).toContain(`nonce="${nonceOf(policy)}"`);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const script = await fetch(`${stack.origin}${asset}`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // Compressed once at build time, served as the browser accepts it.
    expect(script.headers.get('content-encoding')).toBe('br');
    expect((await script.text()).length).toBeGreaterThan(0);
    const plain = await fetch(`${stack.origin}${asset}`, { headers: { 'accept-encoding': 'identity' } });
    expect([plain.status, plain.headers.get('content-encoding')]).toEqual([200, null]);
    // An unknown API path is still the API's own problem, not the console's page.
    const unknown = await fetch(`${stack.origin}/api/v1/no-such-route`);
    expect([unknown.status, unknown.headers.get('content-type')]).toEqual([
      404,
      'application/problem+json; charset=utf-8',
    ]);
  });

  it('a person with a one-time password signs in, must change it, then lands on their work, in either language', async () => {
    const created = await stack.api.call<{ id: string; oneTimePassword: string; username: string }>('POST', '/users', {
      body: { username: 'zhang.wei', name: '张伟', roles: ['intake'], unitCode: 'XC-XH' },
    });
    expect(created.status).toBe(201);
    const { page, errors, refusals, screenshot, seriousViolations, signIn } = await browser.page();
    await page.goto(`${stack.origin}/work`);
    await page.waitForURL(/\/sign-in\?next=%2Fwork/);
    await page.getByRole('heading', { name: 'Concord 登录' }).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await screenshot('sign-in');

    await signIn({ username: 'zhang.wei' }, 'not the password', 'fails');
    expect(await page.getByRole('alert').textContent()).toContain('用户名或密码错误');

    await signIn({ username: 'zhang.wei' }, created.body.oneTimePassword);
    await page.waitForURL(/\/password$/);
    await page.getByLabel('当前密码').fill(created.body.oneTimePassword);
    await page.getByLabel('新密码', { exact: true }).fill('a new password of mine 2026');
    await page.getByLabel('确认新密码').fill('a new password of mine 2026');
    expect(await seriousViolations()).toEqual([]);
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.waitForURL(/\/work$/);
    await page.getByText('张伟').waitFor();

    await page.getByText('English', { exact: true }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    await page.getByText('中文', { exact: true }).click();
    await page.getByRole('button', { name: /退\s*出/ }).click();
    await page.waitForURL(/\/sign-in/);
    expect(errors).toEqual([]);
    expect(refusals).toEqual(['401 POST /api/v1/session']);
  });
});

describe('the console: single sign-on', () => {
  let stack: ConsoleStack;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    stack = await startConsoleStack({ singleSignOn: true });
    browser = await openBrowser(stack.origin);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('shows the single sign-on button when a provider is configured, and signs a person in through it', async () => {
    const created = await stack.api.call('POST', '/users', {
      body: { username: 'wang.fang', name: '王芳', roles: ['mediator'], unitCode: 'XC-XH', passwordless: true },
    });
    expect(created.status).toBe(201);
    stack.idp!.accounts.set('sub-wang', { preferred_username: 'wang.fang', name: '王芳' });
    const { page, errors, screenshot, seriousViolations } = await browser.page();
    await page.goto(`${stack.origin}/sign-in?next=%2Fwork`);
    const button = page.getByRole('link', { name: '统一身份认证登录' });
    await button.waitFor();
    expect(await seriousViolations()).toEqual([]);
    await screenshot('sign-in-sso');
    await button.click();
    // The provider's own login step (this test provider takes the account in the query string).
    await page.waitForURL((url) => url.origin === stack.idp!.issuer && url.pathname.startsWith('/interaction/'));
    await page.goto(`${page.url()}?login=sub-wang`);
    await page.waitForURL(`${stack.origin}/work`);
    await page.getByText('王芳').first().waitFor();
    expect(errors).toEqual([]);
  });
});
