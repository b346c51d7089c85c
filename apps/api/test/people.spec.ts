import { accountThrottleKey } from '#auth';
import { ManualClock } from '#clock';
import { dispute, rowCounts, seedDirectory, startTestApi, type TestApi } from './support/index.js';

const MINUTE = 60_000;
const STRONG = 'Tiao-jie-2026!';

/**
 * People over HTTP with real PostgreSQL: staff accounts managed by admins within their subtree, sign-in with a
 * session cookie, CSRF, back-off after failures with answers that tell nothing, expiry and revocation, one-time
 * passwords, and a person acting in a role of its own. Units: XC (district) → XC-XH (street) → XC-XH-01, and
 * XC-YL (another street).
 */
describe('people: staff accounts and sessions', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;

  beforeAll(async () => {
    // Sign-ins name their client address (X-Forwarded-For from loopback), so the per-address back-off is tested.
    api = await startTestApi({ clock, config: { trustProxy: '127.0.0.1' } });
    await seedDirectory(api);
  });
  afterAll(() => api.close());

  /** A signed-in browser: its cookies and the CSRF token. */
  interface Browser {
    cookie: string;
    csrf: string;
  }
  const createUser = async (body: Record<string, unknown>, key = api.adminKey) =>
    api.call('POST', '/users', { key, body });
  const signIn = (username: string, password: string, address?: string) =>
    api.call('POST', '/session', {
      key: null,
      body: { username, password },
      headers: address ? { 'x-forwarded-for': address } : {},
    });
  const browserOf = (reply: { headers: Headers; body: { csrfToken: string } }): Browser => ({
    cookie: reply.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .join('; '),
    csrf: reply.body.csrfToken,
  });
  const as = (b: Browser, method: string, path: string, body?: unknown, csrf = true) =>
    api.call(method, path, {
      key: null,
      body,
      headers: { cookie: b.cookie, ...(csrf ? { 'x-csrf-token': b.csrf } : {}) },
    });
  const person = async (username: string, roles: string[], extra: Record<string, unknown> = {}) => {
    const created = await createUser({
      username,
      name: `${username} (test)`,
      unitCode: 'XC-XH',
      roles,
      password: STRONG,
      ...extra,
    });
    expect(created.status).toBe(201);
    const signedIn = await signIn(username, STRONG);
    expect(signedIn.status).toBe(200);
    return { id: created.body.id as string, browser: browserOf(signedIn) };
  };

  describe('accounts', () => {
    it('creates an account with a password, never showing it or its hash, and logs the creation', async () => {
      const reply = await createUser({
        username: 'Li.Xiaohong',
        name: '李晓红',
        phone: '13812345678',
        unitCode: 'XC-XH-01',
        roles: ['mediator', 'intake'],
        password: STRONG,
      });
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({
        username: 'li.xiaohong',
        phone: '+8613812345678',
        unitCode: 'XC-XH-01',
        roles: ['mediator', 'intake'],
        mustChangePassword: false,
        disabledAt: null,
        oneTimePassword: null,
      });
      expect(JSON.stringify(reply.body)).not.toMatch(/argon2|Tiao-jie|password_hash|passwordHash/);
      const [log] = await api.db.query<{ action: string; detail: object }>(
        `SELECT action, detail FROM security_log WHERE subject_id = $1`,
        [reply.body.id],
      );
      expect(log).toMatchObject({ action: 'user.created', detail: { username: 'li.xiaohong' } });
      expect(JSON.stringify(log)).not.toContain(STRONG);
    });

    it('makes a one-time password when none is given, shown once, to be changed before anything else', async () => {
      const created = await createUser({ username: 'wang.ot', name: '王', unitCode: 'XC-XH', roles: ['intake'] });
      expect(created.body).toMatchObject({
        mustChangePassword: true,
        oneTimePassword: expect.stringMatching(/^\w{20}$/),
      });
      expect((await api.call('GET', `/users/${created.body.id}`)).body.oneTimePassword).toBeUndefined();
      const browser = browserOf(await signIn('wang.ot', created.body.oneTimePassword));
      const refused = await as(browser, 'GET', '/cases');
      expect({ status: refused.status, detail: refused.body.detail }).toEqual({
        status: 403,
        detail: 'Change your one-time password first (POST /api/v1/me/password).',
      });
      expect((await as(browser, 'GET', '/me')).body).toMatchObject({ username: 'wang.ot', mustChangePassword: true });
      const weak = await as(browser, 'POST', '/me/password', {
        currentPassword: created.body.oneTimePassword,
        newPassword: 'short',
      });
      expect(weak.status).toBe(422);
      const changed = await as(browser, 'POST', '/me/password', {
        currentPassword: created.body.oneTimePassword,
        newPassword: STRONG,
      });
      expect(changed.status).toBe(204);
      expect((await as(browser, 'GET', '/cases')).status).toBe(200);
    });

    it('refuses a weak password, a taken username, an unknown unit and misplaced roles, writing nothing', async () => {
      const before = await rowCounts(api.db);
      const cases: Array<[Record<string, unknown>, number, string]> = [
        [{ username: 'zhao', name: 'Z', unitCode: 'XC', roles: ['mediator'], password: 'password' }, 422, 'password'],
        [{ username: 'LI.XIAOHONG', name: 'L', unitCode: 'XC', roles: ['mediator'] }, 409, ''],
        [{ username: 'zhao', name: 'Z', unitCode: 'NOPE', roles: ['mediator'] }, 422, 'unitCode'],
        [{ username: 'zhao', name: 'Z', unitCode: 'XC', roles: ['department'] }, 422, 'departmentCode'],
        [{ username: 'zhao', name: 'Z', roles: ['mediator'] }, 422, 'unitCode'],
        [{ username: 'zhao', name: 'Z', unitCode: 'XC', roles: ['chief'] }, 422, 'roles'],
        [{ username: 'zhao', name: 'Z', unitCode: 'XC', roles: [], extra: 1 }, 422, 'roles'],
      ];
      for (const [body, status, field] of cases) {
        const reply = await createUser(body);
        expect({ body, status: reply.status }).toEqual({ body, status });
        expect(reply.headers.get('content-type')).toContain('application/problem+json');
        if (field) expect(JSON.stringify(reply.body.errors)).toContain(field);
      }
      expect(await rowCounts(api.db)).toEqual(before);
    });

    it('places no one new in a retired unit', async () => {
      await api.call('POST', '/units', {
        body: { code: 'XC-XH-09', name: '旧社区', level: 'community', parentCode: 'XC-XH' },
      });
      expect((await api.call('PATCH', '/units/XC-XH-09', { body: { retired: true } })).status).toBe(200);
      const reply = await createUser({ username: 'late', name: 'Late', unitCode: 'XC-XH-09', roles: ['mediator'] });
      expect({ status: reply.status, errors: reply.body.errors }).toEqual({
        status: 422,
        errors: [{ field: 'unitCode', message: 'unit XC-XH-09 is retired and takes no one new' }],
      });
    });

    it('keeps a scoped admin to its subtree: others are not found, and it cannot create outside it', async () => {
      const streetAdmin = await api.keyFor('admin', { unitCode: 'XC-XH' });
      const inside = await createUser(
        { username: 'in.xh', name: 'In', unitCode: 'XC-XH-01', roles: ['mediator'] },
        streetAdmin,
      );
      expect(inside.status).toBe(201);
      const outside = await createUser({ username: 'out.yl', name: 'Out', unitCode: 'XC-YL', roles: ['mediator'] });
      expect(outside.status).toBe(201);
      expect(
        (await createUser({ username: 'x.yl', name: 'X', unitCode: 'XC-YL', roles: ['mediator'] }, streetAdmin)).status,
      ).toBe(403);
      expect((await createUser({ username: 'x.all', name: 'X', roles: ['auditor'] }, streetAdmin)).status).toBe(403);
      expect((await api.call('GET', `/users/${outside.body.id}`, { key: streetAdmin })).status).toBe(404);
      expect(
        (await api.call('PATCH', `/users/${outside.body.id}`, { key: streetAdmin, body: { disabled: true } })).status,
      ).toBe(404);
      const listed = (await api.call('GET', '/users?limit=200', { key: streetAdmin })).body.items.map(
        (u: { username: string }) => u.username,
      );
      expect(listed).toContain('in.xh');
      expect(listed).not.toContain('out.yl');
      const mediatorKey = await api.keyFor('mediator', { unitCode: 'XC-XH' });
      expect((await api.call('GET', '/users', { key: mediatorKey })).status).toBe(403);
    });
  });

  describe('sessions', () => {
    it('signs in with an HttpOnly, SameSite=Lax cookie, reads /me, and signs out', async () => {
      await createUser({ username: 'sun', name: '孙', unitCode: 'XC-XH', roles: ['mediator'], password: STRONG });
      const reply = await signIn('SUN', STRONG);
      expect(reply.status).toBe(200);
      const [session, csrf] = reply.headers.getSetCookie();
      expect(session).toMatch(/^concord_session=cs_[\w-]{43}; Path=\/; Max-Age=43200; SameSite=Lax; HttpOnly$/);
      expect(csrf).toMatch(/^concord_csrf=[\w-]{43}; Path=\/; Max-Age=43200; SameSite=Lax$/);
      const browser = browserOf(reply);
      expect((await as(browser, 'GET', '/me')).body).toMatchObject({ username: 'sun', roles: ['mediator'] });
      expect((await as(browser, 'DELETE', '/session')).status).toBe(204);
      expect((await as(browser, 'GET', '/me')).status).toBe(401);
      const actions = await api.db.query<{ action: string }>(
        `SELECT action FROM security_log WHERE actor_name = '孙' OR subject_id = (SELECT id::text FROM users WHERE username = 'sun') ORDER BY at, id`,
      );
      expect(actions.map((a) => a.action)).toEqual(['user.created', 'session.signed_in', 'session.signed_out']);
    });

    it('answers an unknown user, a wrong password and a disabled account alike', async () => {
      const { id } = await person('zhou', ['mediator']);
      const unknown = await signIn('nobody', STRONG, '10.1.0.1');
      const wrong = await signIn('zhou', 'Wrong-password-1', '10.1.0.2');
      await api.call('PATCH', `/users/${id}`, { body: { disabled: true } });
      const disabled = await signIn('zhou', STRONG, '10.1.0.3');
      const shape = (r: { status: number; body: Record<string, unknown> }) => ({
        status: r.status,
        ...r.body,
        instance: 0,
      });
      expect(shape(unknown)).toEqual(shape(wrong));
      expect(shape(disabled)).toEqual(shape(wrong));
      expect(wrong.status).toBe(401);
    });

    it('refuses a cookie write without the CSRF token, and never takes an API key from a cookie', async () => {
      const { browser } = await person('wu', ['mediator']);
      const before = await rowCounts(api.db);
      const forged = await as(browser, 'POST', '/cases', dispute(), false);
      expect(forged.status).toBe(403);
      expect(forged.body.detail).toContain('X-CSRF-Token');
      const wrongToken = await api.call('POST', '/cases', {
        key: null,
        body: dispute(),
        headers: { cookie: browser.cookie, 'x-csrf-token': 'x'.repeat(43) },
      });
      expect(wrongToken.status).toBe(403);
      expect(await rowCounts(api.db)).toEqual(before);
      const keyAsCookie = await api.call('GET', '/cases', {
        key: null,
        headers: { cookie: `concord_session=${api.adminKey}` },
      });
      expect(keyAsCookie.status).toBe(401);
    });

    it('acts in the role the route allows and records the person as the actor', async () => {
      const { id, browser } = await person('zheng', ['auditor', 'mediator']);
      const created = await as(browser, 'POST', '/cases', dispute({ unitCode: 'XC-XH-01' }));
      expect(created.status).toBe(201);
      const [event] = await api.db.query<{ actor: { id: string; role: string } }>(
        `SELECT actor FROM case_events WHERE case_id = $1 AND seq = 1`,
        [created.body.id],
      );
      expect(event!.actor).toMatchObject({ id, role: 'mediator' });
      // Outside its street, the case is not found, as for a key scoped there.
      const elsewhere = await api.call('POST', '/cases', { body: dispute({ unitCode: 'XC-YL-01' }) });
      expect((await as(browser, 'GET', `/cases/${elsewhere.body.id}`)).status).toBe(404);
    });

    it('ends a session after 30 idle minutes, and after 12 hours whatever happens', async () => {
      const { browser } = await person('qian', ['mediator']);
      clock.advance(29 * MINUTE);
      expect((await as(browser, 'GET', '/me')).status).toBe(200);
      clock.advance(29 * MINUTE);
      expect((await as(browser, 'GET', '/me')).status).toBe(200);
      clock.advance(31 * MINUTE);
      expect((await as(browser, 'GET', '/me')).status).toBe(401);

      const fresh = browserOf(await signIn('qian', STRONG));
      for (let i = 0; i < 25; i++) {
        clock.advance(29 * MINUTE);
        if ((await as(fresh, 'GET', '/me')).status !== 200) break;
      }
      // 25 × 29 minutes is past 12 hours: the session ended at its absolute expiry, though never idle.
      expect((await as(fresh, 'GET', '/me')).status).toBe(401);
    });

    it('ends a disabled person’s session, and a person’s sessions when its roles change', async () => {
      const disabled = await person('feng', ['mediator']);
      expect((await as(disabled.browser, 'GET', '/cases')).status).toBe(200);
      await api.call('PATCH', `/users/${disabled.id}`, { body: { disabled: true } });
      expect((await as(disabled.browser, 'GET', '/cases')).status).toBe(401);

      const changed = await person('chen', ['mediator']);
      clock.advance(MINUTE);
      const patched = await api.call('PATCH', `/users/${changed.id}`, { body: { roles: ['intake'] } });
      expect(patched.body.roles).toEqual(['intake']);
      expect((await as(changed.browser, 'GET', '/me')).status).toBe(401);
      const roles = await api.db.query<{ action: string; detail: object }>(
        `SELECT action, detail FROM security_log WHERE subject_id = $1 AND action = 'user.roles_changed'`,
        [changed.id],
      );
      expect(roles).toEqual([{ action: 'user.roles_changed', detail: { from: ['mediator'], to: ['intake'] } }]);
    });

    it('locks an account after 5 failures, doubling, the right password included, and unlocks it after', async () => {
      await createUser({ username: 'chu', name: '褚', unitCode: 'XC-XH', roles: ['mediator'], password: STRONG });
      for (let i = 0; i < 5; i++) expect((await signIn('chu', `Wrong-password-${i}`, '10.0.0.1')).status).toBe(401);
      // Locked for 30 s: even the right password, from another address, is refused, and the answer is the same.
      expect((await signIn('chu', STRONG, '10.0.0.2')).status).toBe(401);
      clock.advance(31_000);
      // A sixth failure locks it for 60 s.
      expect((await signIn('chu', 'Wrong-password-5', '10.0.0.3')).status).toBe(401);
      clock.advance(30_000);
      expect((await signIn('chu', STRONG, '10.0.0.4')).status).toBe(401);
      clock.advance(31_000);
      expect((await signIn('chu', STRONG, '10.0.0.5')).status).toBe(200);
      // A success clears the account's count.
      const keys = (await api.db.query<{ key: string }>(`SELECT key FROM sign_in_failures`)).map((r) => r.key);
      expect(keys).not.toContain(accountThrottleKey(api.config.dataKey, 'chu'));
      const failed = await api.db.query<{ detail: { reason: string } }>(
        `SELECT detail FROM security_log WHERE action = 'session.sign_in_failed' AND subject_id = (SELECT id::text FROM users WHERE username = 'chu') ORDER BY at, id`,
      );
      expect(failed.map((f) => f.detail.reason)).toEqual([
        'wrong_password',
        'wrong_password',
        'wrong_password',
        'wrong_password',
        'wrong_password',
        'locked',
        'wrong_password',
        'locked',
      ]);
    });

    it('locks a client address after 5 failures, whichever accounts it tried', async () => {
      for (let i = 0; i < 5; i++) expect((await signIn(`guess-${i}`, STRONG, '10.9.9.9')).status).toBe(401);
      await createUser({ username: 'jiang', name: '蒋', unitCode: 'XC-XH', roles: ['mediator'], password: STRONG });
      expect((await signIn('jiang', STRONG, '10.9.9.9')).status).toBe(401);
      expect((await signIn('jiang', STRONG, '10.9.9.8')).status).toBe(200);
      // What was typed as a username is nowhere in clear: it may be a password typed into the wrong field.
      const keys = (await api.db.query<{ key: string }>(`SELECT key FROM sign_in_failures`)).map((r) => r.key);
      expect(keys).toContain(accountThrottleKey(api.config.dataKey, 'guess-0'));
      expect(keys.filter((k) => k.includes('guess'))).toEqual([]);
      const logged = await api.db.query<{ row: string }>(`SELECT row_to_json(l)::text AS row FROM security_log l`);
      expect(logged.filter((l) => l.row.includes('guess-') || l.row.includes('nobody'))).toEqual([]);
    });
  });
});

describe('the first admin account', () => {
  it('is made on a deployment without accounts, with a one-time password, and only once', async () => {
    const first = await startTestApi({ config: { firstAdminPassword: 'first-run-Pass-1' } });
    try {
      const signedIn = await first.call('POST', '/session', {
        key: null,
        body: { username: 'admin', password: 'first-run-Pass-1' },
      });
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.me).toMatchObject({ username: 'admin', roles: ['admin'], mustChangePassword: true });
      // A second API process on the same database, told another password, makes no second account.
      const second = await startTestApi({ alongside: first, config: { firstAdminPassword: 'second-run-Pass-2' } });
      try {
        const [{ n }] = (await first.db.query<{ n: string }>(`SELECT count(*) AS n FROM users`)) as [{ n: string }];
        expect(n).toBe('1');
        const other = await second.call('POST', '/session', {
          key: null,
          body: { username: 'admin', password: 'second-run-Pass-2' },
        });
        expect(other.status).toBe(401);
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
  });
});
