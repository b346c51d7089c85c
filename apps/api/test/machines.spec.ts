import { machineModel, referralWorkflows, RELEASED, statesOf, workflows } from '#workflows';
import { dispute, seedDirectory, startTestApi, type TestApi } from './support/index.js';

interface MachineView {
  kind: string;
  version: number;
  released: boolean;
  states: Array<{
    path: string;
    key: string;
    parent: string | null;
    type: string;
    initial: string | null;
    clock: { key: string; limit: number; unit: string } | null;
  }>;
  transitions: Array<{ source: string; event: string; guard: string | null; targets: string[] }>;
}

const ALL_VERSIONS: Array<[kind: string, version: number]> = [
  ...Object.entries(workflows).flatMap(([kind, versions]) =>
    Object.keys(versions).map((v): [string, number] => [kind, Number(v)]),
  ),
  ...Object.keys(referralWorkflows).map((v): [string, number] => ['referral', Number(v)]),
];

/** The machine definition the console draws a case's state diagram from. */
describe('GET /machines/{kind}/versions/{version}', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
  });
  afterAll(() => api.close());

  it('answers every version of every machine with its states and transitions, as the definition declares them', async () => {
    expect(ALL_VERSIONS).toEqual(
      expect.arrayContaining([
        ['dispute', 2],
        ['petition', 2],
        ['referral', 2],
      ]),
    );
    for (const [kind, version] of ALL_VERSIONS) {
      const reply = await api.call<MachineView>('GET', `/machines/${kind}/versions/${version}`);
      expect([kind, version, reply.status]).toEqual([kind, version, 200]);
      const view = reply.body;
      expect(view).toMatchObject({ kind, version, released: RELEASED[kind as 'dispute'].includes(version) });

      const workflow = kind === 'referral' ? referralWorkflows[version]! : workflows[kind as 'dispute'][version]!;
      const expected = statesOf(machineModel(workflow.machine).root).slice(1);
      expect(view.states.map((s) => s.path)).toEqual(expected.map((s) => s.path));
      const paths = new Set(view.states.map((s) => s.path));
      for (const state of view.states) {
        if (state.parent !== null) expect(paths.has(state.parent)).toBe(true);
        expect(state.initial === null).toBe(state.type !== 'compound');
        if (state.initial) expect(state.initial.startsWith(`${state.path}.`)).toBe(true);
      }
      for (const t of view.transitions) {
        expect([kind, version, t.source, paths.has(t.source)]).toEqual([kind, version, t.source, true]);
        for (const target of t.targets) expect([t.event, target, paths.has(target)]).toEqual([t.event, target, true]);
      }
    }
  });

  it('names the states, clocks, guards and targets of dispute version 2', async () => {
    const { body } = await api.call<MachineView>('GET', '/machines/dispute/versions/2');
    const state = (path: string) => body.states.find((s) => s.path === path);
    expect(state('intake')).toMatchObject({
      key: 'intake',
      parent: null,
      type: 'compound',
      initial: 'intake.registered',
    });
    expect(state('intake.registered')?.clock).toEqual({ key: 'dispute.intake', limit: 3, unit: 'working_days' });
    expect(state('mediation.assigned')).toMatchObject({ key: 'assigned', parent: 'mediation', type: 'atomic' });
    expect(state('archive.closed')).toMatchObject({ type: 'final', clock: null });
    expect(body.transitions).toContainEqual({
      source: 'intake.registered',
      event: 'ACCEPT',
      guard: null,
      targets: ['triage.assessing'],
    });
    // Guards are named as written; an event that only records leaves the machine where it is.
    expect(body.transitions.some((t) => t.guard !== null)).toBe(true);
    expect(body.transitions.some((t) => t.targets.length === 0)).toBe(true);
  });

  it('is the machine of a case’s own version', async () => {
    const created = await api.call('POST', '/cases', { body: dispute() });
    expect(created.status).toBe(201);
    const { machineVersion, kind, state } = created.body as { machineVersion: number; kind: string; state: string };
    const { status, body } = await api.call<MachineView>('GET', `/machines/${kind}/versions/${machineVersion}`);
    expect(status).toBe(200);
    expect(body.states.map((s) => s.path)).toContain(state);
  });

  it('answers every role that reads cases or referrals: API keys, and people signed in', async () => {
    const keys = [
      ...(await Promise.all(
        (['admin', 'intake', 'mediator', 'auditor'] as const).map((role) =>
          api.keyFor(role, role === 'mediator' || role === 'intake' ? { unitCode: 'XC-XH' } : {}),
        ),
      )),
      await api.keyFor('department', { departmentCode: 'JUSTICE' }),
    ];
    for (const key of keys) {
      const reply = await api.call('GET', '/machines/referral/versions/2', { key });
      expect([key.slice(0, 12), reply.status]).toEqual([key.slice(0, 12), 200]);
    }
    // Grid workers and leaders are people only: they read with a session cookie.
    for (const role of ['grid_worker', 'leader', 'mediator'] as const) {
      const person = await api.personFor([role], { unitCode: role === 'grid_worker' ? 'XC-XH-01-G1' : 'XC-XH' });
      const signedIn = await api.call('POST', '/session', {
        key: null,
        body: { username: person.username, password: 'correct horse battery staple' },
      });
      expect([role, signedIn.status]).toEqual([role, 200]);
      const cookie = signedIn.headers
        .getSetCookie()
        .map((c) => c.split(';')[0]!)
        .join('; ');
      const reply = await api.call('GET', '/machines/dispute/versions/2', { key: null, headers: { cookie } });
      expect([role, reply.status]).toEqual([role, 200]);
    }
  });

  it('refuses a call without a key (401)', async () => {
    const reply = await api.call('GET', '/machines/dispute/versions/2', { key: null });
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ code: 'unauthenticated' });
  });

  it('answers 404 for a kind or version Concord does not have, and 400 for a version that is not a number', async () => {
    for (const path of [
      '/machines/appeal/versions/1',
      '/machines/dispute/versions/99',
      '/machines/toString/versions/1',
    ]) {
      const reply = await api.call('GET', path);
      expect([path, reply.status, reply.body.code]).toEqual([path, 404, 'not_found']);
    }
    for (const version of ['abc', '0', '1.5', '-1', '02']) {
      const reply = await api.call('GET', `/machines/dispute/versions/${version}`);
      expect([version, reply.status, reply.body.code]).toEqual([version, 400, 'malformed_request']);
      expect(reply.body.errors).toEqual([{ field: 'version', message: 'must be a positive whole number' }]);
    }
  });
});
