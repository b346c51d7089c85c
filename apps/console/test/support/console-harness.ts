import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freePort, startTestProvider, type TestProvider } from '../../../api/test/support/oidc-provider.js';
import {
  createTestDatabase,
  httpCaller,
  launchChromium,
  seedDirectory,
  spawnApi,
  spawnWorker,
  testConfig,
  type SpawnedApi,
  type SpawnedWorker,
  type TestApi,
} from '#testing';

/** Where the browser tests write their screenshots (the README's come from here: docs/images/). */
export const SCREENSHOTS = join(process.cwd(), 'dist', 'screenshots');

/** The password every test person signs in with. */
export const PASSWORD = 'correct horse battery staple';

export interface ConsoleStack {
  /** `http://127.0.0.1:<port>`: the console at `/`, the API under `/api/v1`. */
  origin: string;
  /** The API as its admin key, for arranging what a test starts from. */
  api: Pick<TestApi, 'url' | 'call' | 'adminKey' | 'config'>;
  /** A person with these roles (and a unit or department), signed in with {@link PASSWORD}. */
  person(roles: string[], scope?: { unitCode?: string; departmentCode?: string }, name?: string): Promise<Person>;
  /** The identity provider single sign-on goes through, when the stack was started with one. */
  idp: TestProvider | null;
  close(): Promise<void>;
}

export interface Person {
  id: string;
  username: string;
  name: string;
}

/**
 * The real thing, as `npm start` runs it: the built API (serving the built console) and the built worker, each in
 * a process of its own, on a fresh migrated database and the real Redis, with the directory seeded.
 */
export async function startConsoleStack(options: { singleSignOn?: boolean } = {}): Promise<ConsoleStack> {
  const database = await createTestDatabase();
  const config = testConfig(database.url, { webhookAllowPrivate: ['127.0.0.1/32'] });
  let api: SpawnedApi | undefined;
  let worker: SpawnedWorker | undefined;
  let idp: TestProvider | null = null;
  try {
    const env: Record<string, string> = {};
    if (options.singleSignOn) {
      // A real OpenID provider on loopback, with this API registered at it as a client.
      const port = await freePort();
      const redirectUrl = `http://127.0.0.1:${port}/api/v1/session/oidc/callback`;
      idp = await startTestProvider(redirectUrl);
      Object.assign(env, {
        PORT: String(port),
        CONCORD_OIDC_ISSUER: idp.issuer,
        CONCORD_OIDC_CLIENT_ID: idp.clientId,
        CONCORD_OIDC_CLIENT_SECRET: idp.clientSecret,
        CONCORD_OIDC_REDIRECT_URL: redirectUrl,
      });
    }
    api = await spawnApi(config, env);
    const call = httpCaller(api.url, config.adminKey!);
    const caller = { url: api.url, call, adminKey: config.adminKey!, config };
    await seedDirectory(caller as TestApi);
    worker = spawnWorker(config, {});
    return {
      origin: api.url.replace(/\/api\/v1$/, ''),
      api: caller,
      idp,
      async person(roles, scope = {}, name) {
        const username = `${roles[0]!.replace('_', '-')}-${randomBytes(4).toString('hex')}`;
        const reply = await call<{ id: string }>('POST', '/users', {
          body: { username, name: name ?? `${roles.join('+')} (test)`, roles, ...scope, password: PASSWORD },
        });
        if (reply.status !== 201) throw new Error(`could not create ${username}: ${JSON.stringify(reply.body)}`);
        return { id: reply.body.id, username, name: name ?? `${roles.join('+')} (test)` };
      },
      async close() {
        // Side by side: the teardown takes the longer of the two shutdowns, not their sum.
        await Promise.all([worker?.stop(), api?.stop()]);
        await idp?.close();
        await database.drop();
      },
    };
  } catch (error) {
    await api?.stop();
    await idp?.close();
    await database.drop();
    throw error;
  }
}

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface ConsoleBrowser {
  browser: Browser;
  /** A new page in a new context (its own cookies), at `width`×`height`, watched for errors. */
  page(options?: { width?: number; height?: number }): Promise<WatchedPage>;
  close(): Promise<void>;
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Every console error, uncaught exception and Content-Security-Policy violation the page has had. */
  errors: string[];
  /**
   * Every 4xx the API answered the page (`401 POST /api/v1/session`): answers, which the console shows, not errors
   * of its own. Chromium also logs each as a console error; `errors` leaves those lines out, and tests compare this
   * list with the refusals they caused.
   */
  refusals: string[];
  /** Saves `dist/screenshots/<name>.png` (the whole page). */
  screenshot(name: string): Promise<void>;
  /** axe-core's violations of impact serious or critical on the page as it is now. */
  seriousViolations(): Promise<string[]>;
  /**
   * Signs in through the console's own sign-in form and waits for the screen it lands on (or, when the attempt is
   * meant to fail, for the form's alert).
   */
  signIn(person: Pick<Person, 'username'>, password?: string, outcome?: 'succeeds' | 'fails'): Promise<void>;
}

/**
 * Resolves once no CSS animation or transition that ends is running: a dialog opening, a dropdown sliding in, a
 * field's help text collapsing. Playwright waits for the element it clicks to hold still, but on a busy machine a
 * list still moving by a field's height can move between that check and the click, which then lands beside it.
 * Spinners (animations that never end) are left out. axe, too, reads colours as they are
 * at that moment: a button fading from its disabled colours fails contrast until the fade ends.
 */
export async function animationsDone(page: Page): Promise<void> {
  // A promise in the page that checks once a frame, evaluated as it is: Playwright's waitForFunction would poll
  // by evaluating a string in the page, which the console's Content-Security-Policy (no 'unsafe-eval') refuses.
  const settled = await page.evaluate(`new Promise((resolve) => {
    let frames = 0;
    const check = () => {
      const running = document.getAnimations().some(
        (a) => a.playState === 'running' && a.effect?.getComputedTiming().endTime !== Infinity,
      );
      if (!running) resolve(true);
      else if (++frames > 600) resolve(false);
      else requestAnimationFrame(check);
    };
    check();
  })`);
  if (!settled) throw new Error('animations still running after 600 frames');
}

/** Headless Chromium (launchChromium), with pages watched for errors, refusals and accessibility. */
export async function openBrowser(origin: string): Promise<ConsoleBrowser> {
  const browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    browser,
    async page({ width = 1366, height = 900 } = {}) {
      const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
      const page = await context.newPage();
      const errors: string[] = [];
      const refusals: string[] = [];
      page.on('response', (response) => {
        if (response.status() >= 400 && response.status() < 500)
          refusals.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
      });
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) return;
        errors.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
      // Run in the page (a string: this file is compiled for Node.js, without the DOM's types).
      await page.addInitScript(
        "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
      );
      return {
        page,
        context,
        errors,
        refusals,
        async screenshot(name) {
          await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
        },
        async seriousViolations() {
          await animationsDone(page);
          await page.evaluate(AXE);
          const results = (await page.evaluate("axe.run({ resultTypes: ['violations'] })")) as {
            violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>;
          };
          return results.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        },
        async signIn(person, password = PASSWORD, outcome = 'succeeds') {
          await page.goto(`${origin}/sign-in`);
          await page.getByLabel(/用户名|User name/).fill(person.username);
          await page.getByLabel(/^(密码|Password)$/).fill(password);
          await page.getByRole('button', { name: /登\s*录|Sign in/ }).click();
          if (outcome === 'fails') await page.getByRole('alert').waitFor();
          else await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
        },
      };
    },
    async close() {
      await browser.close();
    },
  };
}
