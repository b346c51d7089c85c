import { KeyCache, KeyRevocationListener } from '#auth';
import { ManualClock } from '#clock';
import { seedDirectory, startTestApi, type TestApi } from './support/index.js';

/**
 * API keys as a real system handles them: listed within the admin's subtree (never the secret), revoked and
 * refused from the next request on by every API process, expiring by the clock, last use recorded at most once
 * a minute, rotated with or without an overlap, and every creation, revocation and rotation in an append-only
 * security log that auditors read. Two API processes share one database, as behind a load balancer.
 */
describe('API keys: listing, revocation across processes, expiry, use, rotation and the security log', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let other: TestApi;
  let adminXC: string;
  let adminXCId: string;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    other = await startTestApi({ clock, alongside: api });
    const created = await api.call('POST', '/api-keys', {
      body: { role: 'admin', name: '西城区管理员', unitCode: 'XC' },
    });
    adminXC = created.body.key;
    adminXCId = created.body.id;
  });
  afterAll(async () => {
    await other?.close();
    await api?.close();
  });

  const create = async (body: Record<string, unknown>, key = api.adminKey) => {
    const reply = await api.call('POST', '/api-keys', { key, body, headers: { 'user-agent': 'concord-test/1.0' } });
    expect({ status: reply.status, body: reply.status === 201 ? 'created' : reply.body }).toEqual({
      status: 201,
      body: 'created',
    });
    return reply.body as { id: string; key: string };
  };
  /** A read any role may make: 200 while the key is good, 401 once it is not. */
  const use = async (target: TestApi, key: string) => (await target.call('GET', '/units?limit=1', { key })).status;
  /** Resolves once `target` has dropped its cached entries of the key `id` (the notification arrived). */
  const invalidation = (target: TestApi, id: string) =>
    new Promise<void>((resolve) => {
      const listener = target.app.get(KeyRevocationListener);
      const heard = (keyId: string) => {
        if (keyId !== id) return;
        listener.off('invalidated', heard);
        resolve();
      };
      listener.on('invalidated', heard);
    });
  const listAll = async (query: string, key = api.adminKey) => {
    const items: Array<Record<string, unknown>> = [];
    let cursor: string | null = null;
    do {
      const reply: { status: number; body: { items: Array<Record<string, unknown>>; nextCursor: string | null } } =
        await api.call('GET', `/api-keys?limit=2${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`, {
          key,
        });
      expect(reply.status).toBe(200);
      items.push(...reply.body.items);
      cursor = reply.body.nextCursor;
    } while (cursor);
    return items;
  };

  it('lists the keys of the admin’s subtree, page by page and filtered, never their secrets', async () => {
    const intakeXH = await create({ role: 'intake', name: '新华登记员', unitCode: 'XC-XH' });
    const mediatorDC = await create({ role: 'mediator', name: '东城调解员', unitCode: 'DC' });
    const auditor = await create({ role: 'auditor', name: '纪检' });
    const justiceXC = await create({
      role: 'department',
      name: '司法所（西城）',
      unitCode: 'XC',
      departmentCode: 'JUSTICE',
    });

    const all = await listAll('');
    expect(all.map((k) => k.id)).toEqual(
      expect.arrayContaining([intakeXH.id, mediatorDC.id, auditor.id, justiceXC.id, adminXCId]),
    );
    expect(new Set(all.map((k) => k.id)).size).toBe(all.length);
    const ids = all.map((k) => k.id as string);
    expect(ids).toEqual([...ids].sort().reverse()); // newest first
    expect(all.find((k) => k.id === intakeXH.id)).toEqual({
      id: intakeXH.id,
      name: '新华登记员',
      role: 'intake',
      unitCode: 'XC-XH',
      departmentCode: null,
      keyPrefix: intakeXH.key.slice(0, 12),
      createdAt: expect.any(String),
      createdBy: expect.any(String),
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    });
    const text = JSON.stringify(all);
    for (const secret of [intakeXH.key, mediatorDC.key, auditor.key, justiceXC.key, adminXC, api.adminKey])
      expect(text).not.toContain(secret);
    expect(text).not.toMatch(/hash/i);

    // A scoped admin: keys whose unit lies in its subtree, never an unscoped key nor another district's.
    const scoped = (await listAll('', adminXC)).map((k) => k.id);
    expect(scoped).toEqual(expect.arrayContaining([intakeXH.id, justiceXC.id, adminXCId]));
    for (const id of [mediatorDC.id, auditor.id]) expect(scoped).not.toContain(id);
    expect(
      (await listAll('', adminXC)).every(
        (k) => typeof k.unitCode === 'string' && (k.unitCode as string).startsWith('XC'),
      ),
    ).toBe(true);

    expect((await listAll('role=department')).map((k) => k.id)).toEqual([justiceXC.id]);
    expect((await listAll('departmentCode=JUSTICE')).map((k) => k.id)).toEqual([justiceXC.id]);
    expect((await listAll('unitCode=XC-XH')).map((k) => k.id)).toEqual([intakeXH.id]);
    expect(await listAll('unitCode=DC', adminXC)).toEqual([]);
    expect(await listAll('revoked=true')).toEqual([]);

    expect((await api.call('GET', '/api-keys?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
    expect((await api.call('GET', '/api-keys?revoked=maybe')).status).toBe(400);
    expect((await api.call('GET', '/api-keys', { key: auditor.key })).status).toBe(403);
  });

  it('revokes through the API: refused from the next request on, also by another process that had the key cached', async () => {
    const key = await create({ role: 'intake', name: '待撤销', unitCode: 'XC-XH-01' });
    expect(await use(api, key.key)).toBe(200);
    expect(await use(other, key.key)).toBe(200);
    expect(other.app.get(KeyRevocationListener).listening).toBe(true);
    expect(other.app.get(KeyCache).holds(key.id)).toBe(true);

    // Out of a scoped admin's subtree, unknown or not an id: not found, and nothing changes.
    const outside = await create({ role: 'intake', name: '东城', unitCode: 'DC' });
    expect((await api.call('DELETE', `/api-keys/${outside.id}`, { key: adminXC })).status).toBe(404);
    expect((await api.call('DELETE', '/api-keys/0190f5a0-0000-7000-8000-000000000001')).status).toBe(404);
    expect((await api.call('DELETE', '/api-keys/not-an-id')).status).toBe(404);
    expect(await use(api, outside.key)).toBe(200);

    const heard = invalidation(other, key.id);
    const revoked = await api.call('DELETE', `/api-keys/${key.id}`, { key: adminXC });
    expect(revoked.status).toBe(204);
    // The revoking process refuses it at once; the other as soon as PostgreSQL's notification reaches it.
    expect(await use(api, key.key)).toBe(401);
    await heard;
    expect(other.app.get(KeyCache).holds(key.id)).toBe(false);
    expect(await use(other, key.key)).toBe(401);

    // Revoking it again answers the same and changes nothing.
    const [first] = await api.db.query<{ revoked_at: Date }>('SELECT revoked_at FROM api_keys WHERE id = $1', [key.id]);
    const logged = await api.db.query('SELECT 1 FROM security_log WHERE subject_id = $1', [key.id]);
    clock.advance(60_000);
    expect((await api.call('DELETE', `/api-keys/${key.id}`)).status).toBe(204);
    expect(await api.db.query('SELECT revoked_at FROM api_keys WHERE id = $1', [key.id])).toEqual([first]);
    expect((await api.db.query('SELECT 1 FROM security_log WHERE subject_id = $1', [key.id])).length).toBe(
      logged.length,
    );
    expect((await listAll('revoked=true')).map((k) => k.id)).toEqual([key.id]);
  });

  it('refuses a key revoked directly in the database from the next request on', async () => {
    const key = await create({ role: 'mediator', name: '库内撤销', unitCode: 'XC-YL' });
    expect(await use(other, key.key)).toBe(200);
    expect(other.app.get(KeyCache).holds(key.id)).toBe(true);
    const heard = invalidation(other, key.id);
    await api.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [key.id]);
    await heard;
    expect(await use(other, key.key)).toBe(401);
  });

  it('does not use its cache while the listener is not listening, and listens again after a lost connection', async () => {
    const key = await create({ role: 'mediator', name: '断线期间撤销', unitCode: 'XC-YL' });
    expect(await use(other, key.key)).toBe(200);
    const listener = other.app.get(KeyRevocationListener);
    const cache = other.app.get(KeyCache);
    expect(cache.holds(key.id)).toBe(true);

    const lost = new Promise((resolve) => listener.once('disconnected', resolve));
    const back = new Promise((resolve) => listener.once('listening', resolve));
    await api.db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'concord-api-key-listener' AND datname = current_database()`,
    );
    await lost;
    expect(listener.listening).toBe(false);
    expect(cache.holds(key.id)).toBe(false);
    // Revoked while nobody listens: the notification is lost, and the empty, unused cache keeps nothing alive.
    await api.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [key.id]);
    expect(await use(other, key.key)).toBe(401);

    await back;
    expect(listener.listening).toBe(true);
    const fresh = await create({ role: 'mediator', name: '重新连接后', unitCode: 'XC-YL' });
    expect(await use(other, fresh.key)).toBe(200);
    expect(cache.holds(fresh.id)).toBe(true);
  });

  it('refuses a key from its expiry on, by the clock, whatever it cached; and refuses an expiry that is past, far or local', async () => {
    const expiresAt = new Date(clock.now().getTime() + 3_600_000).toISOString();
    const key = await create({ role: 'intake', name: '临时', unitCode: 'XC-XH', expiresAt });
    expect((await listAll('unitCode=XC-XH')).find((k) => k.id === key.id)?.expiresAt).toBe(expiresAt);
    clock.set(new Date(Date.parse(expiresAt) - 5_000));
    expect(await use(other, key.key)).toBe(200);
    expect(other.app.get(KeyCache).holds(key.id)).toBe(true);
    clock.set(new Date(Date.parse(expiresAt) - 1));
    expect(await use(other, key.key)).toBe(200);
    clock.set(expiresAt);
    expect(await use(other, key.key)).toBe(401);
    expect(await use(api, key.key)).toBe(401);

    const now = clock.now().getTime();
    for (const bad of [
      new Date(now - 1_000).toISOString(),
      new Date(now + 5 * 366 * 86_400_000).toISOString(),
      '2027-01-01T00:00:00', // no offset
      '0000-01-01T00:00:00Z',
      'tomorrow',
    ]) {
      const reply = await api.call('POST', '/api-keys', { body: { role: 'intake', name: 'x', expiresAt: bad } });
      expect({ bad, status: reply.status, field: reply.body.errors?.[0]?.field }).toEqual({
        bad,
        status: 422,
        field: 'expiresAt',
      });
    }
  });

  it('records the last use at most once a minute', async () => {
    const key = await create({ role: 'auditor', name: '用时记录', unitCode: 'XC' });
    const lastUsed = async () => (await listAll('role=auditor&unitCode=XC')).find((k) => k.id === key.id)!.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    const first = clock.now().toISOString();
    expect(await use(api, key.key)).toBe(200);
    expect(await lastUsed()).toBe(first);
    clock.advance(30_000);
    expect(await use(api, key.key)).toBe(200);
    expect(await use(other, key.key)).toBe(200);
    clock.advance(29_999);
    expect(await use(other, key.key)).toBe(200);
    expect(await lastUsed()).toBe(first);
    clock.advance(1);
    expect(await use(other, key.key)).toBe(200);
    expect(await lastUsed()).toBe(clock.now().toISOString());
  });

  it('rotates a key: same role, name, unit, department and expiry; the old one revoked, or kept for an overlap', async () => {
    const expiresAt = new Date(clock.now().getTime() + 30 * 86_400_000).toISOString();
    const old = await create({
      role: 'department',
      name: '司法所接口',
      unitCode: 'XC-XH',
      departmentCode: 'JUSTICE',
      expiresAt,
    });
    expect(await use(other, old.key)).toBe(200);

    const heard = invalidation(other, old.id);
    const rotated = await api.call('POST', `/api-keys/${old.id}/rotate`, { key: adminXC, body: {} });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({
      role: 'department',
      name: '司法所接口',
      unitCode: 'XC-XH',
      departmentCode: 'JUSTICE',
      expiresAt,
      replaced: { id: old.id, revokedAt: clock.now().toISOString(), expiresAt },
    });
    expect(rotated.body.id).not.toBe(old.id);
    expect(rotated.body.key).toMatch(/^ck_department_/);
    expect(await use(api, old.key)).toBe(401);
    await heard;
    expect(await use(other, old.key)).toBe(401);
    expect(await use(other, rotated.body.key)).toBe(200);
    // A revoked key is not rotated again; another subtree's is not found.
    expect((await api.call('POST', `/api-keys/${old.id}/rotate`, { body: {} })).status).toBe(409);
    const dc = await create({ role: 'mediator', name: '东城', unitCode: 'DC' });
    expect((await api.call('POST', `/api-keys/${dc.id}/rotate`, { key: adminXC, body: {} })).status).toBe(404);
    for (const overlapMinutes of [-1, 1441, 1.5, '10']) {
      expect((await api.call('POST', `/api-keys/${dc.id}/rotate`, { body: { overlapMinutes } })).status).toBe(422);
    }

    // With an overlap the old key keeps working until then, so the integration can switch over.
    const current = rotated.body as { id: string; key: string };
    const overlapped = await api.call('POST', `/api-keys/${current.id}/rotate`, { body: { overlapMinutes: 10 } });
    expect(overlapped.status).toBe(201);
    const until = new Date(clock.now().getTime() + 10 * 60_000).toISOString();
    expect(overlapped.body).toMatchObject({
      expiresAt,
      replaced: { id: current.id, revokedAt: null, expiresAt: until },
    });
    expect(await use(other, current.key)).toBe(200);
    expect(await use(other, overlapped.body.key)).toBe(200);
    clock.set(new Date(Date.parse(until) - 1));
    expect(await use(other, current.key)).toBe(200);
    clock.set(until);
    expect(await use(other, current.key)).toBe(401);
    expect(await use(other, overlapped.body.key)).toBe(200);
    expect((await api.call('POST', `/api-keys/${current.id}/rotate`, { body: {} })).status).toBe(409);

    // A retry with the same Idempotency-Key gets the first answer (stored encrypted), not a third key.
    const again = { body: { overlapMinutes: 0 }, headers: { 'idempotency-key': 'rotate-once' } };
    const once = await api.call('POST', `/api-keys/${overlapped.body.id}/rotate`, again);
    const twice = await api.call('POST', `/api-keys/${overlapped.body.id}/rotate`, again);
    expect(once.status).toBe(201);
    expect(twice.body).toEqual(once.body);
    const [stored] = await api.db.query<{ response: unknown }>(
      `SELECT response FROM idempotency_keys WHERE key = 'rotate-once'`,
    );
    expect(JSON.stringify(stored!.response)).not.toContain(once.body.key);
  });

  it('writes every creation, revocation and rotation to an append-only security log that auditors read within their scope', async () => {
    const auditor = await create({ role: 'auditor', name: '纪检组' });
    const auditorXC = await create({ role: 'auditor', name: '西城纪检', unitCode: 'XC' });
    clock.advance(1_000);
    const from = clock.now().toISOString();
    const inXC = await create({ role: 'intake', name: '日志一', unitCode: 'XC-XH' }, adminXC);
    const inDC = await create({ role: 'intake', name: '日志二', unitCode: 'DC' });
    expect(
      (await api.call('DELETE', `/api-keys/${inDC.id}`, { headers: { 'user-agent': 'concord-test/1.0' } })).status,
    ).toBe(204);
    const rotated = await api.call('POST', `/api-keys/${inXC.id}/rotate`, {
      key: adminXC,
      body: { overlapMinutes: 5 },
      headers: { 'user-agent': 'concord-test/1.0' },
    });
    expect(rotated.status).toBe(201);

    const read = async (query: string, key = auditor.key) => {
      const reply = await api.call('GET', `/audit/security-log?from=${encodeURIComponent(from)}&limit=200${query}`, {
        key,
      });
      expect(reply.status).toBe(200);
      return reply.body.items as Array<Record<string, any>>;
    };
    const entries = await read('');
    expect(entries.map((e) => [e.action, e.subject.id])).toEqual([
      ['api_key.rotated', inXC.id],
      ['api_key.created', rotated.body.id],
      ['api_key.revoked', inDC.id],
      ['api_key.created', inDC.id],
      ['api_key.created', inXC.id],
    ]);
    const [rotation, , revocation, , creation] = entries;
    expect(creation).toMatchObject({
      actor: { id: adminXCId, role: 'admin', name: '西城区管理员' },
      subject: { type: 'api_key', id: inXC.id },
      unitCode: 'XC-XH',
      detail: { role: 'intake', unitCode: 'XC-XH', departmentCode: null, expiresAt: null },
      clientAddress: '127.0.0.1',
      userAgent: 'concord-test/1.0',
    });
    expect(revocation).toMatchObject({
      actor: { role: 'admin' },
      unitCode: 'DC',
      detail: { role: 'intake' },
      clientAddress: '127.0.0.1',
    });
    expect(rotation).toMatchObject({
      unitCode: 'XC-XH',
      detail: { replacedBy: rotated.body.id, overlapMinutes: 5, revokedAt: null },
    });
    const text = JSON.stringify(entries);
    for (const secret of [inXC.key, inDC.key, rotated.body.key]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(0, 12));
    }
    const [{ hash }] = await api.db.query<{ hash: string }>('SELECT key_hash AS hash FROM api_keys WHERE id = $1', [
      inXC.id,
    ]);
    expect(text).not.toContain(hash);

    // Filters; pages; a scoped auditor sees its subtree's entries only.
    expect((await read('&action=api_key.revoked')).map((e) => e.subject.id)).toEqual([inDC.id]);
    expect((await read(`&actorId=${adminXCId}`)).map((e) => e.action)).toEqual([
      'api_key.rotated',
      'api_key.created',
      'api_key.created',
    ]);
    expect(await read(`&to=${encodeURIComponent(from)}`)).toEqual([]);
    const firstPage = await api.call('GET', `/audit/security-log?from=${encodeURIComponent(from)}&limit=2`, {
      key: auditor.key,
    });
    const secondPage = await api.call(
      'GET',
      `/audit/security-log?from=${encodeURIComponent(from)}&limit=2&cursor=${firstPage.body.nextCursor}`,
      { key: auditor.key },
    );
    expect([...firstPage.body.items, ...secondPage.body.items].map((e: { id: string }) => e.id)).toEqual(
      entries.slice(0, 4).map((e) => e.id),
    );
    expect((await read('', auditorXC.key)).map((e) => e.subject.id)).toEqual([inXC.id, rotated.body.id, inXC.id]);
    expect((await read('', adminXC)).every((e) => e.unitCode.startsWith('XC'))).toBe(true);
    for (const bad of ['&from=0000-01-01T00:00:00Z', '&to=2026-03-02', '&action=DROP', '&actorId=x', '&cursor=Zm9v']) {
      expect((await api.call('GET', `/audit/security-log?${bad.slice(1)}`, { key: auditor.key })).status).toBe(400);
    }
    expect((await api.call('GET', '/audit/security-log', { key: inXC.key })).status).toBe(403);
  });

  it('records each read of the security log in the audit access log, and the database refuses to change the log', async () => {
    const auditor = await create({ role: 'auditor', name: '访问记录' });
    expect(
      (await api.call('GET', '/audit/security-log?action=api_key.created&limit=5', { key: auditor.key })).status,
    ).toBe(200);
    const [access] = await api.db.query<{ action: string; detail: Record<string, unknown> }>(
      'SELECT action, detail FROM audit_access_log WHERE principal_id = $1',
      [auditor.id],
    );
    expect(access).toEqual({ action: 'audit.security_log', detail: { action: 'api_key.created', limit: 5 } });

    await expect(api.db.query(`UPDATE security_log SET actor_name = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(api.db.query('DELETE FROM security_log')).rejects.toThrow(/append-only/);
    expect(Number((await api.db.query<{ n: string }>('SELECT count(*) AS n FROM security_log'))[0]!.n)).toBeGreaterThan(
      0,
    );
  });
});
