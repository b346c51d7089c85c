import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ManualClock } from '#clock';
import { ClockRecomputation, type CalendarChangeRef, type RecomputeReport } from '#deadlines';
import { createRedis, QueueName } from '#queues';
import {
  dispute,
  seedDirectory,
  startTestApi,
  startTestWorker,
  verifyChain,
  type TestApi,
  type TestWorker,
} from './support/index.js';

/**
 * A schedule for 2027 in the shape of a State Council notice. Test data, not the real notice: New Year's Day
 * (Friday 01-01), a Spring Festival week from Saturday 02-06 to Friday 02-12, and a make-up working day on
 * Saturday 02-20. Against the weekday rule it changes 01-01, 02-08…02-12 (rest now) and 02-20 (work now).
 */
const SCHEDULE_2027 = {
  source: '测试数据：2027 年节假日安排',
  holidays: [
    { date: '2027-01-01', name: '元旦' },
    ...['06', '07', '08', '09', '10', '11', '12'].map((d) => ({ date: `2027-02-${d}`, name: '春节' })),
  ],
  workdays: [{ date: '2027-02-20', name: '春节' }],
};

/** The end of a China date, as the API shows due times. */
const endOf = (date: string) => new Date(Date.parse(`${date}T23:59:59.999+08:00`)).toISOString();

interface ClockView {
  id: string;
  key: string;
  startsAt: string;
  dueAt: string;
  status: string;
  open: boolean;
  warnings: Array<{ percent: number; at: string; status: string }>;
  derivation: any;
  uncoveredYears: number[];
}

/** Stops after `cases` cases, as a worker that crashed half-way would. */
class CrashingRecomputation extends ClockRecomputation {
  done = 0;
  constructor(
    db: TestApi['db'],
    clock: ManualClock,
    private readonly cases: number,
  ) {
    super(db, clock, 500);
  }
  protected override async recomputeCase(
    caseId: string,
    clockIds: string[],
    change: CalendarChangeRef,
    report: RecomputeReport,
  ) {
    if (this.done === this.cases) throw new Error('the worker died here');
    await super.recomputeCase(caseId, clockIds, change, report);
    this.done++;
  }
}

describe('a calendar change recomputes the pending clocks it moves, on simulated time', () => {
  const clock = new ManualClock('2026-12-31T09:00:00+08:00');
  let api: TestApi;
  let mediatorId: string;
  let worker: TestWorker;
  let redis: Redis;
  let deadlineQueue: Queue;
  let justice: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    // Version 2 names a mediator by user id: one of the district, whose subtree holds every case here.
    ({ id: mediatorId } = await api.personFor(['mediator'], { unitCode: 'XC' }));
    worker = await startTestWorker(api.config, api.db, clock);
    justice = await api.keyFor('department', { departmentCode: 'JUSTICE' });
    redis = createRedis(api.config.redisUrl);
    deadlineQueue = new Queue(QueueName.Deadlines, { connection: redis, prefix: api.config.queuePrefix });
    await armClocks();
  });
  afterAll(async () => {
    await deadlineQueue.close();
    await redis.quit();
    await worker.close();
    await api.close();
  });

  const open = async (body = dispute()) => {
    const reply = await api.call('POST', '/cases', { body });
    expect(reply.status).toBe(201);
    return reply.body.id as string;
  };
  const send = async (id: string, type: string, payload: Record<string, unknown> = {}) => {
    const reply = await api.call('POST', `/cases/${id}/events`, { body: { type, payload } });
    expect({ type, status: reply.status, detail: reply.body.detail }).toMatchObject({ type, status: 200 });
    return reply.body;
  };
  const act = async (referralId: string, type: string) => {
    const reply = await api.call('POST', `/referrals/${referralId}/events`, {
      key: justice,
      body: { type, payload: {} },
    });
    expect({ type, status: reply.status }).toEqual({ type, status: 200 });
  };
  const refer = async (id: string, extra: Record<string, unknown> = {}) => {
    await send(id, 'ACCEPT');
    await send(id, 'CLASSIFY', { category: 'neighbour', riskLevel: 'low' });
    const referred = await send(id, 'REFER', { departmentCode: 'JUSTICE', instructions: '请司法所调处', ...extra });
    return referred.referrals[0].id as string;
  };
  const caseClocks = async (id: string, key: string): Promise<ClockView[]> =>
    (await api.call('GET', `/cases/${id}`)).body.deadlines.filter((d: ClockView) => d.key === key);
  const referralClocks = async (id: string, key: string): Promise<ClockView[]> =>
    (await api.call('GET', `/referrals/${id}`)).body.deadlines.filter((d: ClockView) => d.key === key);
  const pending = (clocks: ClockView[]) => {
    const open = clocks.filter((c) => c.status === 'pending');
    expect(open).toHaveLength(1);
    return open[0]!;
  };
  const rowCount = async () => Number((await api.db.query<{ n: string }>('SELECT count(*) AS n FROM deadlines'))[0]!.n);

  /**
   * The clocks of the story, armed while 2027 has no schedule: one breached, four pending that end on Monday
   * 2027-02-08 by the weekday rule (a working-day count, a calendar-day period under a policy, a referral's own
   * limit, an extended mediation).
   */
  async function armClocks() {
    // Thursday 2026-12-31: a referral's acknowledgement clock, one working day: Friday 2027-01-01 by the weekday rule.
    ids.breachedReferral = await refer(await open());
    const [ack] = await referralClocks(ids.breachedReferral, 'referral.acknowledge');
    expect(ack).toMatchObject({ dueAt: endOf('2027-01-01'), status: 'pending' });
    // It comes due and breaches: the department is urged. The clock stays open (the referral still waits).
    await worker.relay();
    clock.set('2027-01-02T00:00:01+08:00');
    await worker.fireDue();
    expect((await referralClocks(ids.breachedReferral, 'referral.acknowledge'))[0]).toMatchObject({
      id: ack!.id,
      status: 'breached',
      open: true,
    });

    // Monday 2027-01-04: a mediation of 30 calendar days, due Wednesday 02-03.
    clock.set('2027-01-04T09:00:00+08:00');
    ids.extended = await open();
    await send(ids.extended, 'ACCEPT');
    await send(ids.extended, 'ASSIGN_MEDIATOR', { mediatorId, channel: 'people' });

    // Wednesday 2027-02-03.
    clock.set('2027-02-03T09:00:00+08:00');
    // The mediation is extended by 5 days: Monday 02-08.
    const extended = await send(ids.extended, 'EXTEND_DEADLINE', { days: 5, reason: '当事人外出务工' });
    expect(pending(extended.deadlines.filter((d: ClockView) => d.key === 'dispute.mediation'))).toMatchObject({
      dueAt: endOf('2027-02-08'),
      derivation: { extension: { days: 5, previousDueAt: endOf('2027-02-03') } },
    });
    // A dispute's intake clock, 3 working days: Thursday 02-04, Friday 02-05, Monday 02-08.
    ids.workingDays = await open();
    // Under a policy of 5 calendar days for 月坛街道: Monday 02-08.
    const policy = await api.call('PUT', '/deadline-policies', {
      body: { key: 'dispute.intake', unitCode: 'XC-YL', amount: 5, unit: 'calendar_days' },
    });
    expect(policy.status).toBe(200);
    ids.policy = policy.body.id;
    ids.calendarDays = await open(dispute({ unitCode: 'XC-YL-01' }));
    // A referral with its own reply limit of 3 working days from the acknowledgement: 02-04, 02-05, 02-08.
    ids.referral = await refer(await open(), { dueInWorkingDays: 3 });
    await act(ids.referral, 'ACKNOWLEDGE');
    await act(ids.referral, 'ACCEPT');

    await worker.relay();
  }

  it('arms clocks that run into 2027 while it has no schedule, and says so on each', async () => {
    const [ack] = await referralClocks(ids.breachedReferral!, 'referral.acknowledge');
    expect(ack).toMatchObject({
      status: 'breached',
      open: true,
      dueAt: endOf('2027-01-01'),
      uncoveredYears: [2027],
      derivation: { uncoveredYears: [2027] },
    });
    for (const clocks of [
      await caseClocks(ids.workingDays, 'dispute.intake'),
      await caseClocks(ids.calendarDays, 'dispute.intake'),
      await referralClocks(ids.referral, 'referral.reply'),
      (await caseClocks(ids.extended, 'dispute.mediation')).filter((c) => c.open),
    ]) {
      expect(clocks).toEqual([
        expect.objectContaining({ dueAt: endOf('2027-02-08'), status: 'pending', uncoveredYears: [2027] }),
      ]);
    }
  });

  it('importing the year moves each pending clock it touches, in a new clock that names the change; a breached one stays breached', async () => {
    const before = {
      workingDays: pending(await caseClocks(ids.workingDays, 'dispute.intake')),
      calendarDays: pending(await caseClocks(ids.calendarDays, 'dispute.intake')),
      referral: pending(await referralClocks(ids.referral, 'referral.reply')),
      extended: pending(await caseClocks(ids.extended, 'dispute.mediation')),
    };
    const chains = await Promise.all(
      [ids.workingDays, ids.calendarDays, ids.extended].map((id) => api.call('GET', `/cases/${id}/history?limit=200`)),
    );

    // The worker takes no calendar job until the crash below has happened.
    await worker.pauseCalendar();
    const imported = await api.call('PUT', '/calendar/years/2027', { body: SCHEDULE_2027 });
    expect(imported.status).toBe(200);
    const change = imported.body.change;
    expect(change).toMatchObject({
      kind: 'year_imported',
      year: 2027,
      changedDates: ['2027-01-01', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12', '2027-02-20'],
    });
    ids.importChange = change.id;
    // The warning goes as soon as the year is in, before any clock is recomputed.
    expect((await caseClocks(ids.workingDays, 'dispute.intake'))[0]).toMatchObject({
      uncoveredYears: [],
      derivation: { uncoveredYears: [2027] },
    });

    // A worker that dies after the first two cases, then the real one: between them every clock moves exactly once.
    const crashing = new CrashingRecomputation(api.db, clock, 2);
    await expect(crashing.run(change.id)).rejects.toThrow('the worker died here');
    await worker.resumeCalendar();
    const [{ calendarChangeId, report }] = await worker.recomputeClocks();
    expect(calendarChangeId).toBe(change.id);
    expect(report).toEqual({ examined: 2, moved: 2, unchanged: 0, unreadable: 0 });

    const reason = `2027 schedule imported (${SCHEDULE_2027.source})`;
    const recomputed = (previous: ClockView) => ({
      calendarChangeId: change.id,
      previousClockId: previous.id,
      previousDueAt: endOf('2027-02-08'),
      reason,
    });

    // 3 working days from Wednesday 02-03: 02-04, 02-05, then the holiday week and a weekend: Monday 02-15.
    const workingDays = await caseClocks(ids.workingDays, 'dispute.intake');
    expect(workingDays).toEqual([
      expect.objectContaining({ id: before.workingDays.id, status: 'superseded', open: false }),
      expect.objectContaining({
        status: 'pending',
        open: true,
        startsAt: before.workingDays.startsAt,
        dueAt: endOf('2027-02-15'),
        uncoveredYears: [],
        derivation: expect.objectContaining({
          rule: before.workingDays.derivation.rule,
          recomputed: recomputed(before.workingDays),
        }),
      }),
    ]);
    expect(workingDays[1]!.derivation.uncoveredYears).toBeUndefined();
    expect(
      workingDays[1]!.derivation.skipped.map((d: { date: string; source: string }) => `${d.date} ${d.source}`),
    ).toEqual([
      '2027-02-06 imported',
      '2027-02-07 imported',
      '2027-02-08 imported',
      '2027-02-09 imported',
      '2027-02-10 imported',
      '2027-02-11 imported',
      '2027-02-12 imported',
      '2027-02-13 weekday',
      '2027-02-14 weekday',
    ]);
    // Its warnings, not yet sent, are armed again at 50% and 80% of the longer span; the old ones are superseded.
    expect(workingDays[0]!.warnings.map((w) => w.status)).toEqual(['superseded', 'superseded']);
    const span = Date.parse(endOf('2027-02-15')) - Date.parse(before.workingDays.startsAt);
    expect(workingDays[1]!.warnings).toEqual(
      [50, 80].map((percent) => ({
        percent,
        at: new Date(
          Math.floor((Date.parse(before.workingDays.startsAt) + Math.floor((span * percent) / 100)) / 1000) * 1000,
        ).toISOString(),
        status: 'pending',
        sentAt: null,
      })),
    );

    // 5 calendar days under the policy: Monday 02-08 is now a holiday, and the period runs to the next working day.
    const calendarDays = pending(await caseClocks(ids.calendarDays, 'dispute.intake'));
    expect(calendarDays).toMatchObject({
      dueAt: endOf('2027-02-15'),
      derivation: {
        rule: { amount: 5, unit: 'calendar_days', source: `policy:${ids.policy}` },
        rolledOverFrom: '2027-02-08',
        recomputed: recomputed(before.calendarDays),
      },
    });

    // The referral's own limit holds, and its clock moves like the case's.
    expect(pending(await referralClocks(ids.referral, 'referral.reply'))).toMatchObject({
      dueAt: endOf('2027-02-15'),
      derivation: {
        rule: { amount: 3, unit: 'working_days', source: 'referral' },
        recomputed: recomputed(before.referral),
      },
      warnings: [expect.objectContaining({ percent: 80, status: 'pending' })],
    });

    // The extension is kept: 30 days from 01-04 is still 02-03, plus 5 lands on the holiday and rolls to 02-15.
    expect(pending(await caseClocks(ids.extended, 'dispute.mediation'))).toMatchObject({
      dueAt: endOf('2027-02-15'),
      derivation: {
        extension: { days: 5, reason: '当事人外出务工', previousDueAt: endOf('2027-02-03') },
        rolledOverFrom: '2027-02-08',
        recomputed: recomputed(before.extended),
      },
    });

    // The breached acknowledgement clock would now end on Monday 01-04, but it stays as it was: breached.
    const breached = await referralClocks(ids.breachedReferral, 'referral.acknowledge');
    expect(breached).toEqual([expect.objectContaining({ status: 'breached', open: true, dueAt: endOf('2027-01-01') })]);
    expect(breached[0]!.derivation.recomputed).toBeUndefined();

    // The case's event chain is untouched: a recomputation is no event of the case (its record is the calendar change
    // and the clocks themselves).
    const after = await Promise.all(
      [ids.workingDays, ids.calendarDays, ids.extended].map((id) => api.call('GET', `/cases/${id}/history?limit=200`)),
    );
    expect(after.map((r) => r.body.items)).toEqual(chains.map((r) => r.body.items));
    for (const id of [ids.workingDays, ids.calendarDays, ids.extended])
      expect(await verifyChain(api.db, id!)).toMatchObject({ valid: true });
  });

  it('a redelivered job, or the same change run again, changes nothing', async () => {
    const rows = await rowCount();
    const [outbox] = await api.db.query<{ id: string }>(
      `SELECT id FROM outbox WHERE queue = 'calendar' ORDER BY id LIMIT 1`,
    );
    expect(await worker.calendar.process({ id: outbox!.id, data: { calendarChangeId: ids.importChange } })).toEqual({
      examined: 0,
      moved: 0,
      unchanged: 0,
      unreadable: 0,
    });
    expect(await rowCount()).toBe(rows);
  });

  it('moves the timer: the new clock has its delayed job, and the old one fires into nothing', async () => {
    const [superseded, current] = await caseClocks(ids.workingDays, 'dispute.intake');
    const newJob = await deadlineQueue.getJob(current!.id);
    expect(newJob).toBeDefined();
    expect(await newJob!.getState()).toBe('delayed');
    expect(newJob!.data).toMatchObject({
      deadlineId: current!.id,
      caseId: ids.workingDays,
      dueAt: endOf('2027-02-15'),
    });
    expect(newJob!.opts.delay).toBe(Date.parse(endOf('2027-02-15')) - clock.now().getTime());

    // Past the old due time: the old timer is still in Redis, and firing it does nothing.
    clock.set('2027-02-09T00:00:01+08:00');
    const oldJob = await deadlineQueue.getJob(superseded!.id);
    expect(oldJob?.data).toMatchObject({ deadlineId: superseded!.id, dueAt: endOf('2027-02-08') });
    expect(await worker.deadlines.process({ data: oldJob!.data } as never)).toBe('ignored');
    expect(await worker.fireDue()).toEqual([]);
    expect((await api.call('GET', `/cases/${ids.workingDays}`)).body.state).toBe('intake.registered');
    clock.set('2027-02-03T09:00:00+08:00');
  });

  it('an override set later moves the pending clocks too, and removing it moves them back', async () => {
    // The clock under the 5-calendar-day policy ends on Monday 02-15; that day becomes a local holiday.
    const before = pending(await caseClocks(ids.calendarDays, 'dispute.intake'));
    const dueDate = new Date(Date.parse(before.dueAt) + 8 * 3_600_000).toISOString().slice(0, 10);
    const set = await api.call('PUT', `/calendar/overrides/${dueDate}`, {
      body: { kind: 'holiday', name: '本地停工' },
    });
    expect(set.status).toBe(200);
    const runs = await worker.recomputeClocks();
    const moved = pending(await caseClocks(ids.calendarDays, 'dispute.intake'));
    expect(moved.derivation.recomputed).toMatchObject({
      previousClockId: before.id,
      previousDueAt: before.dueAt,
      reason: `override of ${dueDate} set: holiday 本地停工`,
    });
    expect(Date.parse(moved.dueAt)).toBeGreaterThan(Date.parse(before.dueAt));
    expect([dueDate, moved.dueAt]).toEqual(['2027-02-15', endOf('2027-02-16')]);
    expect(runs).toEqual([
      {
        calendarChangeId: moved.derivation.recomputed.calendarChangeId,
        report: expect.objectContaining({ moved: 4, unreadable: 0 }),
      },
    ]);
    expect(moved.derivation.skipped.at(-1)).toEqual({
      date: '2027-02-15',
      kind: 'holiday',
      name: '本地停工',
      source: 'override',
    });
    for (const clocks of [
      await caseClocks(ids.workingDays, 'dispute.intake'),
      await referralClocks(ids.referral, 'referral.reply'),
    ]) {
      expect(pending(clocks).dueAt).toBe(endOf('2027-02-16'));
    }

    expect((await api.call('DELETE', '/calendar/overrides/2027-02-15')).status).toBe(204);
    const [{ report: back }] = await worker.recomputeClocks();
    expect(back).toMatchObject({ moved: 4 });
    expect(pending(await caseClocks(ids.calendarDays, 'dispute.intake')).dueAt).toBe(endOf('2027-02-15'));
    // One override that changes nothing about working days (a weekend already at rest) moves no clock and queues nothing.
    expect(
      (await api.call('PUT', '/calendar/overrides/2027-02-13', { body: { kind: 'holiday', name: '周六' } })).status,
    ).toBe(200);
    expect(await worker.recomputeClocks()).toEqual([]);
  });

  it('the moved clock fires at its new due time', async () => {
    const current = pending(await caseClocks(ids.workingDays, 'dispute.intake'));
    expect(current.dueAt).toBe(endOf('2027-02-15'));
    // Midday on Monday 02-15, after the old due time and before the new one: nothing has come due.
    clock.set('2027-02-15T12:00:00+08:00');
    await worker.fireDue();
    expect((await api.call('GET', `/cases/${ids.workingDays}`)).body.state).toBe('intake.registered');
    clock.set('2027-02-16T00:00:01+08:00');
    await worker.fireDue();
    const after = await api.call('GET', `/cases/${ids.workingDays}`);
    expect(after.body.state).toBe('escalation.pending');
    expect(after.body.deadlines.find((d: ClockView) => d.id === current.id)).toMatchObject({ status: 'breached' });
  });
});
