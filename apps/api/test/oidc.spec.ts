import { createHash, randomBytes } from 'node:crypto';
import { ManualClock } from '#clock';
import {
  freePort,
  seedDirectory,
  startApiWithProvider,
  startTestApi,
  TestBrowser,
  type TestApi,
  type TestProvider,
} from './support/index.js';

const MINUTE = 60_000;
const STRONG = 'Tiao-jie-2026!';
const REFUSED = 'Single sign-on did not succeed, or the account cannot sign in now: start again.';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Single sign-on over HTTP with real PostgreSQL against a real OpenID Connect provider (oidc-provider on
 * 127.0.0.1) whose client must use PKCE, driven by a browser with a cookie jar that follows redirects by hand. The
 * provider releases `preferred_username` at its userinfo endpoint, not in the ID token, as providers do for a
 * code flow; the spellings of usernames at the provider differ in case from Concord's.
 */
describe('single sign-on (OpenID Connect) against a real provider', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let idp: TestProvider;
  let callbackUrl: string;

  beforeAll(async () => {
    ({ api, idp } = await startApiWithProvider({ clock }));
    callbackUrl = `${api.url}/session/oidc/callback`;
    await seedDirectory(api);
  });
  afterAll(async () => {
    await api?.close();
    await idp?.close();
  });

  /** A Concord account and its account at the provider, whose preferred_username is `atProvider`. */
  const person = async (username: string, atProvider = username, extra: Record<string, unknown> = {}) => {
    const created = await api.call('POST', '/users', {
      body: {
        username,
        name: `${username} (test)`,
        unitCode: 'XC-XH',
        roles: ['mediator'],
        password: STRONG,
        ...extra,
      },
    });
    expect(created.status).toBe(201);
    idp.accounts.set(`sub-${username}`, { preferred_username: atProvider, name: `${username} (test)` });
    return { id: created.body.id as string, sub: `sub-${username}` };
  };

  /** Begins a sign-on in `browser` and logs in at the provider as `sub`: the callback URL it is sent back to. */
  const signOnAt = async (browser: TestBrowser, sub: string, next?: string) => {
    const begun = await browser.get(`${api.url}/session/oidc${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    expect(begun.status).toBe(302);
    return browser.follow(begun.headers.get('location')!, callbackUrl, sub);
  };
  const paramOf = (url: string, name: string) => new URL(url).searchParams.get(name)!;
  const withParam = (url: string, name: string, value: string) => {
    const changed = new URL(url);
    changed.searchParams.set(name, value);
    return changed.href;
  };
  const count = async (table: string) =>
    Number((await api.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);
  const failureReasons = async () =>
    (
      await api.db.query<{ reason: string }>(
        `SELECT detail->>'reason' AS reason FROM security_log
          WHERE action = 'session.sign_in_failed' AND detail->>'via' = 'oidc' ORDER BY id`,
      )
    ).map((r) => r.reason);

  /**
   * Runs `act` and checks it was refused as every failed sign-on is: 401 with the one message, no session cookie
   * and no session, and one failure in the security log, with `reason`.
   */
  const expectRefused = async (reason: string, act: () => Promise<Response>) => {
    const [sessions, reasons] = [await count('user_sessions'), await failureReasons()];
    const response = await act();
    const body = (await response.json()) as Record<string, unknown>;
    expect({ status: response.status, type: response.headers.get('content-type'), detail: body.detail }).toEqual({
      status: 401,
      type: 'application/problem+json; charset=utf-8',
      detail: REFUSED,
    });
    expect(response.headers.getSetCookie().filter((c) => /^concord_(session|csrf)=/.test(c))).toEqual([]);
    expect(await count('user_sessions')).toBe(sessions);
    expect(await failureReasons()).toEqual([...reasons, reason]);
    return body;
  };

  it('says in the API index that single sign-on is configured, so the console shows its button', async () => {
    const index = await api.call('GET', '', { key: null });
    expect([index.status, index.body.singleSignOn]).toEqual([200, true]);
  });

  it('signs a person in: PKCE and a bound state out, a session like a password sign-in’s back', async () => {
    const { id, sub } = await person('li.xiaohong', 'Li.XiaoHong');
    const browser = new TestBrowser();
    const begun = await browser.get(`${api.url}/session/oidc?next=${encodeURIComponent('/cases?view=mine')}`);
    expect(begun.status).toBe(302);
    expect(begun.headers.get('cache-control')).toBe('no-store');
    const authorization = new URL(begun.headers.get('location')!);
    expect(authorization.origin).toBe(idp.issuer);
    const state = authorization.searchParams.get('state')!;
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      client_id: idp.clientId,
      response_type: 'code',
      redirect_uri: callbackUrl,
      scope: 'openid profile',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      nonce: expect.stringMatching(/^[\w-]{43}$/),
      state: expect.stringMatching(/^[\w-]{43}$/),
    });
    // The state is bound to this browser, in a cookie sent to the callback alone.
    expect(begun.headers.getSetCookie()).toEqual([
      `concord_oidc=${state}; Path=/api/v1/session/oidc/callback; Max-Age=600; SameSite=Lax; HttpOnly`,
    ]);
    // Server-side: the state's hash (never the state), the nonce and verifier, for 10 minutes.
    const [login] = await api.db.query<Record<string, unknown>>(`SELECT * FROM oidc_logins WHERE state_hash = $1`, [
      sha256(state),
    ]);
    expect(login).toMatchObject({
      nonce: authorization.searchParams.get('nonce'),
      return_to: '/cases?view=mine',
      expires_at: new Date(clock.now().getTime() + 10 * MINUTE),
    });
    expect(
      createHash('sha256')
        .update(login!.code_verifier as string)
        .digest('base64url'),
    ).toBe(authorization.searchParams.get('code_challenge'));
    expect(JSON.stringify(await api.db.query(`SELECT * FROM oidc_logins`))).not.toContain(state);

    const callback = await browser.follow(authorization.href, callbackUrl, sub);
    expect(paramOf(callback, 'state')).toBe(state);
    expect(paramOf(callback, 'iss')).toBe(idp.issuer);
    const signedIn = await browser.get(callback);
    expect({ status: signedIn.status, location: signedIn.headers.get('location') }).toEqual({
      status: 302,
      location: '/cases?view=mine',
    });
    expect(signedIn.headers.get('cache-control')).toBe('no-store');
    const cookies = signedIn.headers.getSetCookie();
    expect(cookies).toEqual([
      'concord_oidc=; Path=/api/v1/session/oidc/callback; Max-Age=0; SameSite=Lax; HttpOnly',
      expect.stringMatching(/^concord_session=cs_[\w-]{43}; Path=\/; Max-Age=43200; SameSite=Lax; HttpOnly$/),
      expect.stringMatching(/^concord_csrf=[\w-]{43}; Path=\/; Max-Age=43200; SameSite=Lax$/),
    ]);
    expect(browser.cookie('concord_oidc')).toBeUndefined();
    expect(await count('oidc_logins')).toBe(0);

    const me = await browser.get(`${api.url}/me`);
    expect(await me.json()).toMatchObject({ id, username: 'li.xiaohong', roles: ['mediator'], unitCode: 'XC-XH' });
    const [session] = await api.db.query<{ id: string; via: string; user_id: string }>(
      `SELECT id, via, user_id FROM user_sessions WHERE user_id = $1`,
      [id],
    );
    expect(session).toMatchObject({ via: 'oidc', user_id: id });
    const [logged] = await api.db.query<{ actor_id: string; detail: object; client_address: string }>(
      `SELECT actor_id, detail, client_address FROM security_log WHERE action = 'session.signed_in' AND subject_id = $1`,
      [id],
    );
    expect(logged).toEqual({
      actor_id: id,
      detail: { via: 'oidc', sessionId: session!.id },
      client_address: '127.0.0.1',
    });
    // The session is the one a password sign-in makes: its CSRF token guards writes, and it signs out.
    const csrf = browser.cookie('concord_csrf')!;
    const cookie = browser.cookieHeader(`${api.url}/session`);
    expect((await api.call('DELETE', '/session', { key: null, headers: { cookie } })).status).toBe(403);
    expect(
      (await api.call('DELETE', '/session', { key: null, headers: { cookie, 'x-csrf-token': csrf } })).status,
    ).toBe(204);
    expect((await browser.get(`${api.url}/me`)).status).toBe(401);
    expect(idp.tokenRequests.at(-1)).toEqual({ grantType: 'authorization_code', status: 200 });
  });

  it('refuses a state this browser did not begin, and a state no login has', async () => {
    const { sub } = await person('qian');
    const browser = new TestBrowser();
    const callback = await signOnAt(browser, sub);
    const tokenRequests = idp.tokenRequests.length;
    // Another state than the browser's own (a link someone else made from a login of theirs).
    await expectRefused('browser_mismatch', () => browser.get(withParam(callback, 'state', 'x'.repeat(43))));
    await expectRefused('browser_mismatch', () => new TestBrowser().get(callback));
    // A state the browser holds that no login began.
    const forged = 'f'.repeat(43);
    await expectRefused('unknown_state', () =>
      fetch(withParam(callback, 'state', forged), {
        redirect: 'manual',
        headers: { cookie: `concord_oidc=${forged}` },
      }),
    );
    // None of them reached the provider, and the browser's own login is still there to finish.
    expect(idp.tokenRequests.length).toBe(tokenRequests);
    expect(await count('oidc_logins')).toBe(1);
    const own = await new TestBrowser().get(callback, { cookie: `concord_oidc=${paramOf(callback, 'state')}` });
    expect(own.status).toBe(302);
  });

  it('takes a login once: the same callback again is refused without asking the provider', async () => {
    const { sub } = await person('sun');
    const browser = new TestBrowser();
    const callback = await signOnAt(browser, sub);
    const cookie = browser.cookieHeader(callback);
    expect((await fetch(callback, { redirect: 'manual', headers: { cookie } })).status).toBe(302);
    const tokenRequests = idp.tokenRequests.length;
    await expectRefused('unknown_state', () => fetch(callback, { redirect: 'manual', headers: { cookie } }));
    expect(idp.tokenRequests.length).toBe(tokenRequests);

    // The same callback twice at once: one takes the login, the other finds it gone.
    const again = new TestBrowser();
    const twice = await signOnAt(again, sub);
    const both = await Promise.all(
      [1, 2].map(() => fetch(twice, { redirect: 'manual', headers: { cookie: again.cookieHeader(twice) } })),
    );
    expect(both.map((r) => r.status).sort()).toEqual([302, 401]);
    expect(idp.tokenRequests.length).toBe(tokenRequests + 1);
  });

  it('refuses one login’s code with another’s state: the ID token carries the other login’s nonce', async () => {
    const { sub } = await person('zhou');
    const [a, b] = [new TestBrowser(), new TestBrowser()];
    const callbackA = await signOnAt(a, sub);
    const callbackB = await signOnAt(b, sub);
    // As sent: B's verifier does not match A's code, and the provider refuses it.
    await expectRefused('token_refused', () => b.get(withParam(callbackB, 'code', paramOf(callbackA, 'code'))));
    expect(idp.tokenRequests.at(-1)).toEqual({ grantType: 'authorization_code', status: 400 });

    // With B's verifier made A's, the provider redeems A's code; its ID token's nonce is A's, not B's.
    const callbackA2 = await signOnAt(a, sub);
    const callbackB2 = await signOnAt(b, sub);
    await api.db.query(
      `UPDATE oidc_logins SET code_verifier = (SELECT code_verifier FROM oidc_logins WHERE state_hash = $1)
        WHERE state_hash = $2`,
      [sha256(paramOf(callbackA2, 'state')), sha256(paramOf(callbackB2, 'state'))],
    );
    await expectRefused('nonce_mismatch', () => b.get(withParam(callbackB2, 'code', paramOf(callbackA2, 'code'))));
    expect(idp.tokenRequests.at(-1)).toEqual({ grantType: 'authorization_code', status: 200 });
  });

  it('needs the PKCE verifier: the provider will not redeem the code without it, nor with another', async () => {
    const { sub } = await person('wu');
    const browser = new TestBrowser();
    const callback = await signOnAt(browser, sub);
    const redeem = (extra: Record<string, string>) =>
      fetch(idp.tokenEndpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${idp.clientId}:${idp.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: paramOf(callback, 'code'),
          redirect_uri: callbackUrl,
          ...extra,
        }),
      });
    const bare = await redeem({});
    expect({ status: bare.status, body: await bare.json() }).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    const wrong = await redeem({ code_verifier: randomBytes(32).toString('base64url') });
    expect({ status: wrong.status, body: await wrong.json() }).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    // Concord's login whose verifier is not the one the challenge was made from is refused too.
    await api.db.query(`UPDATE oidc_logins SET code_verifier = $2 WHERE state_hash = $1`, [
      sha256(paramOf(callback, 'state')),
      randomBytes(32).toString('base64url'),
    ]);
    await expectRefused('token_refused', () => browser.get(callback));
    expect(idp.tokenRequests.at(-1)).toEqual({ grantType: 'authorization_code', status: 400 });
  });

  it('refuses an account nobody has, a disabled one and no username, all alike', async () => {
    idp.accounts.set('sub-ghost', { preferred_username: 'nobody.here' });
    const ghost = await expectRefused('unknown_user', async () => {
      const browser = new TestBrowser();
      return browser.get(await signOnAt(browser, 'sub-ghost'));
    });
    const { id, sub } = await person('feng');
    expect((await api.call('PATCH', `/users/${id}`, { body: { disabled: true } })).status).toBe(200);
    const disabled = await expectRefused('disabled', async () => {
      const browser = new TestBrowser();
      return browser.get(await signOnAt(browser, sub));
    });
    idp.accounts.set('sub-nameless', { name: '无名' });
    const nameless = await expectRefused('no_username_claim', async () => {
      const browser = new TestBrowser();
      return browser.get(await signOnAt(browser, 'sub-nameless'));
    });
    expect(disabled).toEqual(ghost);
    expect(nameless).toEqual(ghost);
    const subjects = await api.db.query<{ subject_id: string }>(
      `SELECT subject_id FROM security_log WHERE action = 'session.sign_in_failed' AND detail->>'reason' IN ('unknown_user', 'disabled') ORDER BY id`,
    );
    expect(subjects.map((s) => s.subject_id)).toEqual(['unknown', id]);
  });

  it('refuses the provider’s own refusal, passed back instead of a code', async () => {
    const { sub } = await person('chen');
    const browser = new TestBrowser();
    const callback = new URL(await signOnAt(browser, sub));
    callback.searchParams.delete('code');
    callback.searchParams.set('error', 'access_denied');
    await expectRefused('provider_error', () => browser.get(callback.href));
  });

  it('lets a login come back within 10 minutes of Concord’s clock, and not after', async () => {
    const { sub } = await person('chu');
    const late = new TestBrowser();
    const lateCallback = await signOnAt(late, sub);
    const onTime = new TestBrowser();
    const onTimeCallback = await signOnAt(onTime, sub);
    clock.advance(10 * MINUTE - 1_000);
    expect((await onTime.get(onTimeCallback)).status).toBe(302);
    clock.advance(1_000);
    await expectRefused('expired', () => late.get(lateCallback));
    // A login left behind is dropped when the next one begins.
    const abandoned = new TestBrowser();
    await abandoned.get(`${api.url}/session/oidc`);
    clock.advance(10 * MINUTE);
    await new TestBrowser().get(`${api.url}/session/oidc`);
    expect(await count('oidc_logins')).toBe(1);
  });

  it('sends a person on to a path of this site only', async () => {
    for (const next of ['//evil.example/', '/\\evil.example', 'https://evil.example/', 'cases', '/a b', '/案件']) {
      const reply = await api.call('GET', `/session/oidc?next=${encodeURIComponent(next)}`, { key: null });
      expect({ next, status: reply.status, field: reply.body.errors?.[0]?.field }).toEqual({
        next,
        status: 400,
        field: 'next',
      });
    }
    const { sub } = await person('jiang');
    const browser = new TestBrowser();
    const signedIn = await browser.get(await signOnAt(browser, sub));
    expect(signedIn.headers.get('location')).toBe('/');
  });

  it('signs in a passwordless account, which no password opens', async () => {
    const created = await api.call('POST', '/users', {
      body: { username: 'sso.only', name: '单点', unitCode: 'XC-XH', roles: ['mediator'], passwordless: true },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ mustChangePassword: false, oneTimePassword: null });
    const [row] = await api.db.query(`SELECT password_hash, password_changed_at FROM users WHERE id = $1`, [
      created.body.id,
    ]);
    expect(row).toEqual({ password_hash: null, password_changed_at: null });
    const both = await api.call('POST', '/users', {
      body: {
        username: 'both',
        name: '两者',
        unitCode: 'XC-XH',
        roles: ['mediator'],
        password: STRONG,
        passwordless: true,
      },
    });
    expect({ status: both.status, field: both.body.errors?.[0]?.field }).toEqual({
      status: 422,
      field: 'passwordless',
    });
    const byPassword = await api.call('POST', '/session', {
      key: null,
      body: { username: 'sso.only', password: STRONG },
    });
    expect(byPassword.status).toBe(401);

    idp.accounts.set('sub-sso', { preferred_username: 'SSO.Only' });
    const browser = new TestBrowser();
    expect((await browser.get(await signOnAt(browser, 'sub-sso'))).status).toBe(302);
    expect((await browser.get(`${api.url}/cases`)).status).toBe(200);
  });

  it('holds a person with a one-time password to changing it, as a password sign-in does', async () => {
    const created = await api.call('POST', '/users', {
      body: { username: 'he', name: '何', unitCode: 'XC-XH', roles: ['mediator'] },
    });
    expect(created.body.mustChangePassword).toBe(true);
    idp.accounts.set('sub-he', { preferred_username: 'he' });
    const browser = new TestBrowser();
    expect((await browser.get(await signOnAt(browser, 'sub-he'))).status).toBe(302);
    expect(await (await browser.get(`${api.url}/me`)).json()).toMatchObject({
      username: 'he',
      mustChangePassword: true,
    });
    const cases = await browser.get(`${api.url}/cases`);
    expect({ status: cases.status, detail: ((await cases.json()) as { detail: string }).detail }).toEqual({
      status: 403,
      detail: 'Change your one-time password first (POST /api/v1/me/password).',
    });
  });
});

describe('single sign-on when it is not configured, or its provider does not answer', () => {
  it('answers 404 problems while CONCORD_OIDC_ISSUER is unset', async () => {
    const api = await startTestApi();
    try {
      for (const path of ['/session/oidc', '/session/oidc?next=/cases', '/session/oidc/callback?state=s&code=c']) {
        const reply = await api.call('GET', path, { key: null });
        expect({ path, status: reply.status, type: reply.headers.get('content-type'), code: reply.body.code }).toEqual({
          path,
          status: 404,
          type: 'application/problem+json; charset=utf-8',
          code: 'not_found',
        });
        expect(reply.headers.getSetCookie()).toEqual([]);
      }
      expect(Number((await api.db.query<{ n: string }>(`SELECT count(*) AS n FROM oidc_logins`))[0]!.n)).toBe(0);
    } finally {
      await api.close();
    }
  });

  it('answers 503 while the provider cannot be reached, and begins no login', async () => {
    const port = await freePort();
    const api = await startTestApi({
      config: {
        oidc: {
          issuer: `http://127.0.0.1:${port}`,
          clientId: 'concord',
          clientSecret: 'secret',
          usernameClaim: 'preferred_username',
          redirectUrl: 'http://127.0.0.1:1/api/v1/session/oidc/callback',
        },
      },
    });
    try {
      const reply = await api.call('GET', '/session/oidc', { key: null });
      expect({ status: reply.status, code: reply.body.code, retry: reply.headers.get('retry-after') }).toEqual({
        status: 503,
        code: 'unavailable',
        retry: '1',
      });
      expect(reply.headers.getSetCookie()).toEqual([]);
      expect(Number((await api.db.query<{ n: string }>(`SELECT count(*) AS n FROM oidc_logins`))[0]!.n)).toBe(0);
    } finally {
      await api.close();
    }
  });
});
