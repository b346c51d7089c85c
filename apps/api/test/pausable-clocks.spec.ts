import { ManualClock } from '#clock';
import { DeadlineBook } from '#deadlines';
import {
  openOnVersion,
  petition,
  seedDirectory,
  startTestApi,
  startTestWorker,
  verifyChain,
  type Reply,
  type TestApi,
  type TestWorker,
} from './support/index.js';

type ClockView = {
  id: string;
  key: string;
  status: string;
  open: boolean;
  overdue: boolean;
  dueAt: string;
  derivation: Record<string, unknown>;
  warnings: Array<{ status: string }>;
};

/**
 * A hearing (听证) during 复核 is not counted in its 30 days (信访工作条例 art. 36 ¶2): a version-2 petition driven to
 * re_review over HTTP, on simulated time, with the real worker.
 */
describe('a pausable clock: the 复核 clock stops for a hearing', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let worker: TestWorker;

  const ok = (what: string, reply: Reply, status = 200) => {
    if (reply.status !== status) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  const send = async (id: string, type: string, payload: Record<string, unknown> = {}) =>
    ok(type, await api.call('POST', `/cases/${id}/events`, { body: { type, payload } }));
  const get = async (id: string) => ok('get', await api.call('GET', `/cases/${id}`));
  const reReviewClocks = (view: { deadlines: ClockView[] }) =>
    view.deadlines.filter((d) => d.key === 'petition.re_review');

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    worker = await startTestWorker(api.config, api.db, clock);
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  /** A claim on version 2, handled, reviewed, and in 复核 from `reReviewFrom`. */
  async function inReReview(reReviewFrom: string): Promise<string> {
    const { id } = await openOnVersion(api, 2, petition());
    await send(id, 'ACCEPT', { petitionType: 'claim' });
    await send(id, 'ASSIGN_HANDLER', { unitCode: 'XC-XH-01' });
    await send(id, 'ISSUE_OPINION', { opinion: '诉求部分支持', supported: 'partial' });
    await send(id, 'DELIVER_OPINION', { deliveredAt: clock.now().toISOString(), method: 'in_person' });
    await send(id, 'REQUEST_REVIEW', { reason: '不服处理意见' });
    await send(id, 'ISSUE_REVIEW_OPINION', { opinion: '维持' });
    await send(id, 'DELIVER_OPINION', { deliveredAt: clock.now().toISOString(), method: 'post' });
    clock.set(reReviewFrom);
    const reReview = await send(id, 'REQUEST_RE_REVIEW', { reason: '不服复查意见' });
    expect(reReview.state).toBe('escalation.re_review.deciding');
    return id;
  }

  it('moves the due time by the 10 days of the hearing, rolled over the weekend, and fires nothing meanwhile', async () => {
    const id = await inReReview('2026-03-10T09:00:00+08:00');
    const [armed] = reReviewClocks(await get(id));
    // By hand: 30 days from 03-10 end on Thursday 04-09, a working day.
    expect(armed).toMatchObject({ status: 'pending', dueAt: '2026-04-09T15:59:59.999Z' });
    await worker.relay();

    // Day N: the hearing starts. The clock stops: paused, still open, not overdue, its derivation names the stop.
    clock.set('2026-04-03T10:00:00+08:00');
    const heard = await send(id, 'START_HEARING', { reason: '组织听证' });
    expect(heard.state).toBe('escalation.re_review.hearing');
    const [stopped] = reReviewClocks(heard);
    expect(stopped).toMatchObject({ id: armed!.id, status: 'paused', open: true, overdue: false });
    expect(stopped!.warnings.map((w) => w.status)).toEqual(['paused', 'paused']);
    expect(stopped!.derivation.pauses).toEqual([{ from: '2026-04-03T02:00:00.000Z', to: null, reason: '组织听证' }]);

    // Past the old due time, the hearing still on: neither the worker nor the reconciler fires the stopped clock.
    clock.set('2026-04-10T10:00:00+08:00');
    const fired = (await worker.fireDue()).map((f) => f.deadlineId);
    expect(fired).not.toContain(armed!.id);
    expect(await worker.deadlines.process({ data: { deadlineId: armed!.id } } as never)).toBe('ignored');
    const listed = ok('deadlines', await api.call('GET', '/deadlines?limit=100')).items.find(
      (d: { id: string }) => d.id === armed!.id,
    );
    expect(listed).toMatchObject({ status: 'paused', overdue: false });
    const [{ pending }] = await api.db.query<{ pending: number }>(
      `SELECT count(*)::int AS pending FROM deadlines WHERE case_id = $1 AND status = 'pending'`,
      [id],
    );
    expect(pending).toBe(0);

    // Day N+10: the hearing ends. By hand: the nominal end 04-09 + 10 = 04-19, a Sunday, rolled to Monday 04-20.
    clock.set('2026-04-13T10:00:00+08:00');
    const resumed = await send(id, 'END_HEARING');
    expect(resumed.state).toBe('escalation.re_review.deciding');
    expect(resumed.supervised).toBe(false);
    const [old, successor] = reReviewClocks(resumed);
    expect(old).toMatchObject({ id: armed!.id, status: 'superseded', open: false });
    expect(old!.warnings.map((w) => w.status)).toEqual(['superseded', 'superseded']);
    expect(successor).toMatchObject({ status: 'pending', open: true, dueAt: '2026-04-20T15:59:59.999Z' });
    expect(successor!.derivation).toMatchObject({
      startsAt: '2026-03-10T01:00:00.000Z',
      rule: { key: 'petition.re_review', amount: 30, unit: 'calendar_days' },
      dueDate: '2026-04-20',
      rolledOverFrom: '2026-04-19',
      skipped: [{ date: '2026-04-19', kind: 'weekend', name: null, source: 'weekday' }],
      pauses: [{ from: '2026-04-03T02:00:00.000Z', to: '2026-04-13T02:00:00.000Z', reason: '组织听证', days: 10 }],
    });
    const history = ok('history', await api.call('GET', `/cases/${id}/history?limit=200`)).items as Array<{
      type: string;
    }>;
    expect(history.some((e) => e.type === 'DEADLINE_ELAPSED')).toBe(false);

    // The successor fires when its own time comes.
    await worker.relay();
    clock.set('2026-04-21T00:00:01+08:00');
    expect((await worker.fireDue()).map((f) => f.deadlineId)).toContain(successor!.id);
    const breached = await get(id);
    expect(breached.supervised).toBe(true);
    expect(reReviewClocks(breached).at(-1)).toMatchObject({ id: successor!.id, status: 'breached' });
    expect(await verifyChain(api.db, id)).toMatchObject({ valid: true });
  });

  it('a pause of a clock that is not pausable, or not running, is a defect of the machine: it throws', async () => {
    const id = await inReReview('2026-06-01T09:00:00+08:00');
    const plan = (key: string, pausable: boolean, kind: 'clock.pause' | 'clock.resume') =>
      api.db.transaction((tx) =>
        new DeadlineBook().plan(tx, {
          caseId: id,
          category: null,
          unitCode: 'XC',
          before: new Map(),
          after: new Map([
            [
              key,
              { spec: { key, amount: 30, unit: 'calendar_days', warnAt: [], onBreach: '', pausable }, nodeId: 'x' },
            ],
          ]),
          restarted: new Set(),
          now: clock.now(),
          pauses: { effects: [{ kind, key }], reason: 'test' },
        }),
      );
    await expect(plan('petition.re_review', false, 'clock.pause')).rejects.toThrow(/no pausable clock/);
    await expect(plan('petition.review', true, 'clock.pause')).rejects.toThrow(/not running/);
    await expect(plan('petition.re_review', true, 'clock.resume')).rejects.toThrow(/not paused/);
  });

  it('a hearing after the clock has breached stops nothing: the breach stands', async () => {
    const id = await inReReview('2026-07-01T09:00:00+08:00');
    await worker.relay();
    const [armed] = reReviewClocks(await get(id));
    clock.set(new Date(new Date(armed!.dueAt).getTime() + 60_000).toISOString());
    expect((await worker.fireDue()).map((f) => f.deadlineId)).toContain(armed!.id);

    const heard = await send(id, 'START_HEARING', { reason: '逾期后组织听证' });
    expect(heard.state).toBe('escalation.re_review.hearing');
    expect(reReviewClocks(heard)).toEqual([expect.objectContaining({ id: armed!.id, status: 'breached' })]);
    clock.set(new Date(clock.now().getTime() + 3 * 86_400_000).toISOString());
    const resumed = await send(id, 'END_HEARING');
    expect(resumed.state).toBe('escalation.re_review.deciding');
    expect(reReviewClocks(resumed)).toEqual([expect.objectContaining({ id: armed!.id, status: 'breached' })]);
  });

  it('a clock left during the hearing is met', async () => {
    const id = await inReReview('2026-05-11T09:00:00+08:00');
    clock.set('2026-05-20T10:00:00+08:00');
    await send(id, 'START_HEARING', { reason: '组织听证' });
    clock.set('2026-05-22T10:00:00+08:00');
    const decided = await send(id, 'ISSUE_RE_REVIEW_OPINION', { opinion: '维持复查意见' });
    expect(decided.state).toBe('archive.follow_up');
    const [ended] = reReviewClocks(decided);
    expect(ended).toMatchObject({ status: 'met', open: false });
    expect(ended!.warnings.every((w) => w.status === 'met')).toBe(true);
  });
});
