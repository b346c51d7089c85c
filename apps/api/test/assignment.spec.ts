import { ManualClock } from '#clock';
import { dispute, openOnVersion, petition, seedDirectory, startTestApi, type TestApi } from './support/index.js';

const PASSWORD = 'correct horse battery staple';

/**
 * People work cases (machine version 2): CLAIM, ASSIGN, UNASSIGN, TAKE_CHARGE (领导包案, 信访工作条例 art. 18 ¶2) and
 * RECUSE (回避, art. 28 ¶3) over HTTP, signed in as the people themselves, each hand-over an event in the case's
 * chain with the person it is about in its facts, and a notice for each person it reaches in the outbox.
 */
describe('assignment of cases and referrals to people', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;

  /** A signed-in person: their id and how to call the API as them (cookie and CSRF token). */
  type Answer = Promise<{ status: number; body: any; headers: Headers }>;
  interface Person {
    id: string;
    send(caseId: string, type: string, payload?: Record<string, unknown>): Answer;
    call: (method: string, path: string, body?: unknown) => Answer;
  }
  async function person(roles: string[], scope: Record<string, string>): Promise<Person> {
    const { id, username } = await api.personFor(roles as never, scope, PASSWORD);
    const signedIn = await api.call('POST', '/session', { key: null, body: { username, password: PASSWORD } });
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .join('; ');
    const headers = { cookie, 'x-csrf-token': (signedIn.body as { csrfToken: string }).csrfToken };
    const call = (method: string, path: string, body?: unknown) => api.call(method, path, { key: null, body, headers });
    return {
      id,
      call,
      send: (caseId, type, payload = {}) => call('POST', `/cases/${caseId}/events`, { type, payload }),
    };
  }
  const open = async (body = dispute()) => {
    const reply = await api.call('POST', '/cases', { body });
    expect(reply.status).toBe(201);
    return reply.body.id as string;
  };
  const send = (caseId: string, type: string, payload: Record<string, unknown> = {}, key = api.adminKey) =>
    api.call('POST', `/cases/${caseId}/events`, { key, body: { type, payload } });
  const row = async (caseId: string) =>
    (
      await api.db.query<{ assignee_id: string | null; in_charge_id: string | null; unit_code: string }>(
        'SELECT assignee_id, in_charge_id, unit_code FROM cases WHERE id = $1',
        [caseId],
      )
    )[0]!;
  const chain = async (caseId: string) =>
    api.db.query<{ type: string; facts: { person?: { id: string } }; actor: { id: string } }>(
      'SELECT type, facts, actor FROM case_events WHERE case_id = $1 ORDER BY seq',
      [caseId],
    );
  const notices = async (caseId: string) =>
    (
      await api.db.query<{ payload: { userId: string; topic: string } }>(
        `SELECT payload FROM outbox WHERE case_id = $1 AND name = 'person.notify' ORDER BY id`,
        [caseId],
      )
    ).map((r) => [r.payload.userId, r.payload.topic]);

  let mediator: Person;
  let colleague: Person;
  let streetMediator: Person;
  let leader: Person;
  let elsewhere: Person;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    mediator = await person(['mediator'], { unitCode: 'XC-XH-01' });
    colleague = await person(['mediator'], { unitCode: 'XC-XH-01' });
    streetMediator = await person(['mediator'], { unitCode: 'XC-XH' });
    leader = await person(['leader'], { unitCode: 'XC' });
    elsewhere = await person(['mediator'], { unitCode: 'XC-YL' });
  });
  afterAll(() => api?.close());

  it('lets a person claim a case, recording the claim with the person in the chain and telling no one', async () => {
    const id = await open();
    const claimed = await mediator.send(id, 'CLAIM');
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ assigneeId: mediator.id });
    expect(await row(id)).toMatchObject({ assignee_id: mediator.id });
    expect((await chain(id)).at(-1)).toMatchObject({ type: 'CLAIM', facts: { person: { id: mediator.id } } });
    expect(await notices(id)).toEqual([]);
    // Claiming one's own case again changes nothing and says so.
    expect((await mediator.send(id, 'CLAIM')).status).toBe(409);
  });

  it('tells the one a case was claimed from, and the new assignee of an ASSIGN', async () => {
    const id = await open();
    expect((await mediator.send(id, 'CLAIM')).status).toBe(200);
    expect((await colleague.send(id, 'CLAIM')).status).toBe(200);
    expect(await notices(id)).toEqual([[mediator.id, 'claimed_by_another']]);
    expect((await send(id, 'ASSIGN', { userId: streetMediator.id })).status).toBe(200);
    expect(await notices(id)).toEqual([
      [mediator.id, 'claimed_by_another'],
      [streetMediator.id, 'assigned'],
      [colleague.id, 'unassigned'],
    ]);
  });

  it('assigns only an active person holding a working role whose unit’s subtree holds the case (422 otherwise)', async () => {
    const id = await open();
    const auditor = await api.personFor(['auditor'], {}, PASSWORD);
    for (const [userId, message] of [
      [elsewhere.id, 'does not work in the unit that owns the case'],
      [leader.id, 'does not hold the intake or mediator or grid_worker role'],
      [auditor.id, 'does not hold'],
      ['0190f5a0-0000-7000-8000-00000000beef', 'is not an active user'],
    ]) {
      const refused = await send(id, 'ASSIGN', { userId });
      expect(refused.status).toBe(422);
      expect(JSON.stringify(refused.body.errors)).toContain(message);
    }
    expect((await send(id, 'ASSIGN', { userId: 'not-a-uuid' })).status).toBe(422);
    expect(await row(id)).toMatchObject({ assignee_id: null });
    expect((await chain(id)).map((e) => e.type)).toEqual(['REGISTER']);
  });

  it('refuses a claim from a key (a key is no person), a claim outside the route roles, and a leader’s other events', async () => {
    const id = await open();
    const mediatorKey = await api.keyFor('mediator', { unitCode: 'XC-XH-01' });
    const byKey = await send(id, 'CLAIM', {}, mediatorKey);
    expect(byKey.status).toBe(403);
    expect(byKey.body.detail).toContain('a key is no person');
    // Intake may ASSIGN; a mediator may not hand cases out.
    expect((await mediator.send(id, 'ASSIGN', { userId: colleague.id })).status).toBe(403);
    // A leader takes charge; the case's own work is not a leader's to send.
    expect((await leader.send(id, 'ACCEPT')).status).toBe(403);
    expect((await leader.send(id, 'CLAIM')).status).toBe(403);
    expect((await chain(id)).map((e) => e.type)).toEqual(['REGISTER']);
  });

  it('lets a leader take charge (包案), telling the assignee, and keeps the assignee working the case', async () => {
    const id = await open();
    expect((await mediator.send(id, 'CLAIM')).status).toBe(200);
    const charged = await leader.send(id, 'TAKE_CHARGE', { note: '包案化解' });
    expect(charged.status).toBe(200);
    expect(await row(id)).toMatchObject({ assignee_id: mediator.id, in_charge_id: leader.id });
    expect(await notices(id)).toEqual([[mediator.id, 'taken_in_charge']]);
  });

  it('acts in whichever of a person’s roles may send the event, and lists only what their roles may send', async () => {
    const id = await open();
    const both = await person(['mediator', 'leader'], { unitCode: 'XC-XH' });
    expect((await both.send(id, 'CLAIM')).status).toBe(200);
    const charged = await both.send(id, 'TAKE_CHARGE');
    expect(charged.status).toBe(200);
    expect((await chain(id)).slice(-2).map((e) => [e.type, (e.actor as { role?: string }).role])).toEqual([
      ['CLAIM', 'mediator'],
      ['TAKE_CHARGE', 'leader'],
    ]);
    const asMediator = (await mediator.call('GET', `/cases/${id}`)).body.allowedEvents as string[];
    expect(asMediator).toEqual(expect.arrayContaining(['ACCEPT', 'CLAIM', 'RECUSE']));
    expect(asMediator).not.toContain('TAKE_CHARGE');
    expect(asMediator).not.toContain('ASSIGN');
    const asLeader = (await leader.call('GET', `/cases/${id}`)).body.allowedEvents as string[];
    expect(asLeader).toEqual(expect.arrayContaining(['TAKE_CHARGE', 'ASSIGN', 'UNASSIGN', 'RECUSE']));
    expect(asLeader).not.toContain('ACCEPT');
    expect(asLeader).not.toContain('CLAIM');
  });

  it('hands a case back only from its assignee, or from a dispatcher', async () => {
    const id = await open();
    expect((await mediator.send(id, 'CLAIM')).status).toBe(200);
    const notMine = await colleague.send(id, 'UNASSIGN');
    expect(notMine.status).toBe(409);
    expect(notMine.body.detail).toContain('Only the assignee hands a case back');
    expect((await mediator.send(id, 'UNASSIGN', { reason: 'on leave' })).status).toBe(200);
    expect(await row(id)).toMatchObject({ assignee_id: null });
    expect((await mediator.send(id, 'CLAIM')).status).toBe(200);
    expect((await leader.send(id, 'UNASSIGN', { reason: 'rebalancing' })).status).toBe(200);
    expect(await notices(id)).toEqual([[mediator.id, 'unassigned']]);
  });

  it('takes a recused person off the case for good (回避, art. 28 ¶3)', async () => {
    const id = await open(petition({ unitCode: 'XC-XH-01' }));
    expect((await send(id, 'ASSIGN', { userId: mediator.id })).status).toBe(200);
    expect((await mediator.send(id, 'RECUSE', { reason: 'the respondent is my cousin' })).status).toBe(200);
    expect(await row(id)).toMatchObject({ assignee_id: null });
    const again = await send(id, 'ASSIGN', { userId: mediator.id });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('recused');
    expect((await mediator.send(id, 'CLAIM')).status).toBe(409);
    expect((await colleague.send(id, 'CLAIM')).status).toBe(200);
  });

  it('names the mediator of ASSIGN_MEDIATOR as a person, who becomes the assignee', async () => {
    const id = await open();
    expect((await send(id, 'ACCEPT')).status).toBe(200);
    expect((await send(id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' })).status).toBe(200);
    const freeText = await send(id, 'ASSIGN_MEDIATOR', { mediatorId: 'mediator-zhao', channel: 'people' });
    expect(freeText.status).toBe(422);
    const outside = await send(id, 'ASSIGN_MEDIATOR', { mediatorId: elsewhere.id, channel: 'people' });
    expect(outside.status).toBe(422);
    const assigned = await send(id, 'ASSIGN_MEDIATOR', { mediatorId: colleague.id, channel: 'people' });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ state: 'mediation.assigned', assigneeId: colleague.id });
    expect(await notices(id)).toEqual([[colleague.id, 'assigned']]);
  });

  it('lets an escalation go of an assignee whose scope does not reach the new unit, with an event of its own', async () => {
    const kept = await open();
    const released = await open();
    expect((await streetMediator.send(kept, 'CLAIM')).status).toBe(200);
    expect((await mediator.send(released, 'CLAIM')).status).toBe(200);
    for (const id of [kept, released]) {
      expect((await leader.send(id, 'TAKE_CHARGE')).status).toBe(200);
      expect((await send(id, 'ACCEPT')).status).toBe(200);
      expect((await send(id, 'ESCALATE', { reason: 'beyond the community' })).status).toBe(200);
    }
    // The street's mediator works at the street; the community's does not. The district's leader stays in charge.
    expect(await row(kept)).toMatchObject({
      unit_code: 'XC-XH',
      assignee_id: streetMediator.id,
      in_charge_id: leader.id,
    });
    expect(await row(released)).toMatchObject({ unit_code: 'XC-XH', assignee_id: null, in_charge_id: leader.id });
    const last = (await chain(released)).slice(-2);
    expect(last.map((e) => e.type)).toEqual(['ESCALATE', 'RELEASE_ASSIGNMENT']);
    expect(last[1]!.actor.id).toBe('system:assignment');
    expect((await notices(released)).at(-1)).toEqual([mediator.id, 'unassigned']);
    expect((await chain(kept)).map((e) => e.type)).not.toContain('RELEASE_ASSIGNMENT');
    // The community's mediator no longer sees the case at all.
    expect((await mediator.call('GET', `/cases/${released}`)).status).toBe(404);
  });

  it('keeps version-1 cases free of assignment events', async () => {
    const { id } = await openOnVersion(api, 1, dispute());
    const refused = await mediator.send(id, 'CLAIM');
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body.errors)).toContain('is not an event');
  });

  it('lets a department’s staff claim its referral and hand it to a colleague of the department', async () => {
    const id = await open();
    expect((await send(id, 'ACCEPT')).status).toBe(200);
    expect((await send(id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' })).status).toBe(200);
    expect((await send(id, 'REFER', { departmentCode: 'JUSTICE', instructions: 'mediate the leak' })).status).toBe(200);
    const [{ id: referralId }] = await api.db.query<{ id: string }>('SELECT id FROM referrals WHERE case_id = $1', [
      id,
    ]);
    const staff = await person(['department'], { departmentCode: 'JUSTICE' });
    const other = await person(['department'], { departmentCode: 'JUSTICE' });
    const police = await person(['department'], { departmentCode: 'POLICE' });
    const act = (who: Person, type: string, payload: Record<string, unknown> = {}) =>
      who.call('POST', `/referrals/${referralId}/events`, { type, payload });
    expect((await act(staff, 'CLAIM')).status).toBe(200);
    expect((await act(staff, 'ASSIGN', { userId: police.id })).status).toBe(422);
    expect((await act(police, 'CLAIM')).status).toBe(404);
    expect((await act(staff, 'ASSIGN', { userId: other.id })).status).toBe(200);
    const [referral] = await api.db.query<{ assignee_id: string }>('SELECT assignee_id FROM referrals WHERE id = $1', [
      referralId,
    ]);
    expect(referral!.assignee_id).toBe(other.id);
    expect(await notices(id)).toEqual([[other.id, 'assigned']]);
  });
});
