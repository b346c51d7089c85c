import { ManualClock } from '#clock';
import { CaseEngine } from '#engine';
import { dispute, seedDirectory, startTestApi, type Reply, type TestApi } from './support/index.js';

const MONDAY = '2026-03-02T09:00:00+08:00';

/**
 * A reply time per request, over HTTP: a version-2 REFER may give `dueAt` instead of `dueInWorkingDays`, and
 * either must fall within the ceiling policy `referral.reply_ceiling` (60 working days unless a policy says less).
 */
describe('REFER: a due time per request, within the policy ceiling', () => {
  const clock = new ManualClock(MONDAY);
  let api: TestApi;
  let justice: string;

  const ok = (what: string, r: Reply, status = 200) => {
    if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const post = (id: string, type: string, payload: Record<string, unknown> = {}) =>
    api.call('POST', `/cases/${id}/events`, { body: { type, payload } });
  const refer = (extra: Record<string, unknown>) => ({
    departments: [{ code: 'JUSTICE', role: 'lead' }],
    instructions: '请调处',
    ...extra,
  });

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    justice = await api.keyFor('department', { departmentCode: 'JUSTICE' });
  });
  afterAll(() => api.close());
  beforeEach(() => clock.set(MONDAY));

  /** A classified dispute in triage, on machine version `version`. */
  async function triaged(version: 1 | 2): Promise<string> {
    const [admin] = await api.db.query<{ id: string; name: string }>(
      "SELECT id, name FROM api_keys WHERE role = 'admin' LIMIT 1",
    );
    const { parties: _parties, ...body } = dispute();
    const opened = await api.app.get(CaseEngine).open({
      ...(body as never as {
        kind: 'dispute';
        channel: 'walk_in';
        unitCode: string;
        summary: string;
        description: string;
      }),
      parties: [{ role: 'applicant', name: '王小明', phone: '13812345678' }],
      actor: { id: admin!.id, role: 'admin', name: admin!.name },
      scope: null,
      machineVersion: version,
    });
    const id = opened.case.id;
    ok('ACCEPT', await post(id, 'ACCEPT'));
    ok('CLASSIFY', await post(id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'medium' }));
    return id;
  }

  const refusal = async (id: string, payload: Record<string, unknown>) => {
    const reply = await post(id, 'REFER', payload);
    expect(reply.status).toBe(422);
    return reply.body.errors as Array<{ field: string; message: string }>;
  };

  it("a REFER's dueAt is its referral's reply due time", async () => {
    const id = await triaged(2);
    const dueAt = '2026-03-05T17:30:00+08:00';
    const referred = ok('REFER', await post(id, 'REFER', refer({ dueAt })));
    const referralId = referred.referrals[0].id as string;
    clock.set('2026-03-02T10:00:00+08:00');
    for (const [type, payload] of [
      ['ACKNOWLEDGE', { note: '已报到' }],
      ['ACCEPT', {}],
    ] as const)
      ok(type, await api.call('POST', `/referrals/${referralId}/events`, { key: justice, body: { type, payload } }));
    const referral = ok('referral', await api.call('GET', `/referrals/${referralId}`, { key: justice }));
    const reply = referral.deadlines.find((d: { key: string }) => d.key === 'referral.reply');
    expect(reply).toMatchObject({
      status: 'pending',
      startsAt: '2026-03-02T02:00:00.000Z',
      dueAt: '2026-03-05T09:30:00.000Z',
      derivation: {
        rule: { key: 'referral.reply', source: 'referral', dueAt: '2026-03-05T09:30:00.000Z' },
        skipped: [],
        counting: 'the due time the request set: no calendar, no roll-over',
      },
    });
    const [row] = await api.db.query<{ due_at: Date; due_in_working_days: number | null }>(
      'SELECT due_at, due_in_working_days FROM referrals WHERE id = $1',
      [referralId],
    );
    expect(row).toEqual({ due_at: new Date(dueAt), due_in_working_days: null });
  });

  it('refuses both, a past dueAt, and either beyond the default ceiling of 60 working days (422)', async () => {
    const id = await triaged(2);
    expect(await refusal(id, refer({ dueAt: '2026-03-10T09:00:00+08:00', dueInWorkingDays: 5 }))).toEqual([
      { field: 'payload.dueAt', message: 'give dueInWorkingDays or dueAt, not both' },
    ]);
    expect(await refusal(id, refer({ dueAt: '2026-03-02T08:00:00+08:00' }))).toEqual([
      { field: 'payload.dueAt', message: 'must be in the future' },
    ]);
    const tooMany = await refusal(id, refer({ dueInWorkingDays: 61 }));
    expect(tooMany).toEqual([
      { field: 'payload.dueInWorkingDays', message: expect.stringMatching(/ceiling is 60 working days/) },
    ]);
    // 60 working days from Monday 03-02 end on a day in late May; a dueAt a year later is beyond it.
    const tooLate = await refusal(id, refer({ dueAt: '2027-03-01T09:00:00+08:00' }));
    expect(tooLate).toEqual([{ field: 'payload.dueAt', message: expect.stringMatching(/ceiling is 60 working days/) }]);
    // The department, its lead role and its instructions are still checked as in version 1.
    expect(await refusal(id, { departments: [{ code: 'JUSTICE', role: 'assist' }], instructions: 'x' })).toEqual([
      { field: 'payload.departments', message: 'must have exactly one lead department' },
    ]);
    ok('REFER', await post(id, 'REFER', refer({ dueInWorkingDays: 60 })));
  });

  it('a ceiling policy bounds dueInWorkingDays and dueAt, for version 1 as for version 2', async () => {
    const policy = ok(
      'policy',
      await api.call('PUT', '/deadline-policies', {
        body: { key: 'referral.reply_ceiling', unitCode: 'XC-XH', amount: 10, unit: 'working_days' },
      }),
    );
    try {
      const v2 = await triaged(2);
      const eleven = await refusal(v2, refer({ dueInWorkingDays: 11 }));
      expect(eleven).toEqual([
        {
          field: 'payload.dueInWorkingDays',
          message: expect.stringMatching(
            /ceiling is 10 working days from the REFER \(the policy referral\.reply_ceiling/,
          ),
        },
      ]);
      // 10 working days from Monday 03-02 end on Monday 03-16: the 17th is past it.
      expect(await refusal(v2, refer({ dueAt: '2026-03-17T09:00:00+08:00' }))).toEqual([
        { field: 'payload.dueAt', message: expect.stringMatching(/2026-03-16T15:59:59.999Z: the ceiling is 10/) },
      ]);
      ok('REFER', await post(v2, 'REFER', refer({ dueAt: '2026-03-16T18:00:00+08:00' })));

      const v1 = await triaged(1);
      expect(await refusal(v1, refer({ dueInWorkingDays: 11 }))).toEqual([
        { field: 'payload.dueInWorkingDays', message: expect.stringMatching(/ceiling is 10 working days/) },
      ]);
      // Version 1's REFER is frozen: it has no dueAt.
      const v1DueAt = await refusal(v1, refer({ dueAt: '2026-03-05T09:00:00+08:00' }));
      expect(v1DueAt.map((e) => e.field)).toEqual(['payload.dueAt']);
      ok('REFER', await post(v1, 'REFER', refer({ dueInWorkingDays: 10 })));
    } finally {
      await api.call('DELETE', `/deadline-policies/${policy.id}`);
    }
  });
});
