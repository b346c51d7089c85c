import { WorkingCalendar } from './calendar.js';
import { computeDue, extendDue, recomputeDue, warningTimes, type DeadlineRule, type Derivation } from './due-date.js';

const calendar = new WorkingCalendar();
const at = (iso: string) => new Date(iso);
const rule = (key: string, amount: number, unit: DeadlineRule['unit'], source = 'default'): DeadlineRule => ({
  key,
  amount,
  unit,
  source,
});
/** The derivation as it comes back from the `deadlines.derivation` jsonb column. */
const stored = (d: Derivation): Derivation => JSON.parse(JSON.stringify(d));

describe('a petition accepted on 2026-08-10 at 10:00 (China time)', () => {
  const acceptedAt = at('2026-08-10T10:00:00+08:00');
  const handling = rule('petition.handling', 60, 'calendar_days');

  // By hand. Rule 1 (60 days, 信访工作条例 art. 34): the start date 08-10 is not counted, so the period is
  // 08-11 … 08-10 + 60. August has 31 days: 08-10 + 21 = 08-31, + 30 = 09-30 (51 days), + 9 = 10-09 (60).
  // Rule 2 (民法典 art. 203): 10-09 is a Friday (10-01 is a Thursday); the National Day rest is 10-01..10-07
  // and 10-08/10-09 work, so no roll-over. Rule 3: the period ends at 23:59:59.999+08:00, = 15:59:59.999Z.
  it('is due at the end of 2026-10-09', () => {
    const { dueAt, derivation } = computeDue(calendar, acceptedAt, handling);
    expect(dueAt).toEqual(at('2026-10-09T23:59:59.999+08:00'));
    expect(derivation).toEqual({
      timeZone: 'Asia/Shanghai',
      startsAt: '2026-08-10T02:00:00.000Z',
      startDate: '2026-08-10',
      rule: handling,
      dueAt: '2026-10-09T15:59:59.999Z',
      dueDate: '2026-10-09',
      skipped: [],
    });
  });

  // By hand. One 30-day extension counts from the current due DATE 10-09: October has 31 days, so
  // 10-09 + 22 = 10-31, + 8 = 11-08 (30). 11-08 is a Sunday (10-09 Friday + 30 days = Sunday), a rest day
  // with no make-up work, so the end rolls to Monday 11-09 (民法典 art. 203): due 2026-11-09 23:59:59.999+08:00.
  it('after one 30-day extension is due at the end of 2026-11-09', () => {
    const first = computeDue(calendar, acceptedAt, handling);
    const { dueAt, derivation } = extendDue(calendar, stored(first.derivation), 30, '案情复杂，经批准延长');
    expect(dueAt).toEqual(at('2026-11-09T23:59:59.999+08:00'));
    expect(derivation).toEqual({
      timeZone: 'Asia/Shanghai',
      startsAt: '2026-08-10T02:00:00.000Z',
      startDate: '2026-08-10',
      rule: handling,
      dueAt: '2026-11-09T15:59:59.999Z',
      dueDate: '2026-11-09',
      skipped: [{ date: '2026-11-08', kind: 'weekend', name: null, source: 'weekday' }],
      rolledOverFrom: '2026-11-08',
      extension: { days: 30, reason: '案情复杂，经批准延长', previousDueAt: '2026-10-09T15:59:59.999Z' },
    });
  });

  it('is extended only once, and only from a consistent derivation', () => {
    const first = computeDue(calendar, acceptedAt, handling).derivation;
    const extended = extendDue(calendar, first, 30, 'complex').derivation;
    expect(() => extendDue(calendar, extended, 10, 'again')).toThrow(/already extended once/);
    expect(() => extendDue(calendar, { ...first, dueDate: '2026-10-10' }, 30, 'x')).toThrow(/inconsistent/);
    expect(() => extendDue(calendar, first, 0, 'x')).toThrow(/whole number of days/);
    expect(() => extendDue(calendar, first, 2.5, 'x')).toThrow(/whole number of days/);
    expect(() => extendDue(calendar, first, 30, '  ')).toThrow(/reason/);
  });
});

describe('a repeatable extension (a court-delegated mediation both parties agree to extend)', () => {
  const receivedAt = at('2026-03-02T09:00:00+08:00');
  const delegation = rule('dispute.court_delegation', 30, 'calendar_days');
  const repeatable = { repeatable: true };

  // By hand. 03-02 + 30 = 04-01 (Wednesday). + 30 = 05-01, in the Labour Day rest (2026-05-01..05-05), so it
  // rolls to Wednesday 05-06. The second extension counts from that due DATE: 05-06 + 10 = 05-16, a Saturday
  // (05-09 is the make-up working Saturday, not 05-16), so it rolls to Monday 05-18.
  it('is extended again from the end the last extension set, and keeps every extension in order', () => {
    const first = computeDue(calendar, receivedAt, delegation);
    expect(first.dueAt).toEqual(at('2026-04-01T23:59:59.999+08:00'));
    const once = extendDue(calendar, stored(first.derivation), 30, 'both parties agreed', repeatable);
    expect(once.dueAt).toEqual(at('2026-05-06T23:59:59.999+08:00'));
    const twice = extendDue(calendar, stored(once.derivation), 10, 'they agreed again', repeatable);
    expect(twice.dueAt).toEqual(at('2026-05-18T23:59:59.999+08:00'));
    expect(twice.derivation.extension).toEqual({
      days: 30,
      reason: 'both parties agreed',
      previousDueAt: '2026-04-01T15:59:59.999Z',
    });
    expect(twice.derivation.laterExtensions).toEqual([
      { days: 10, reason: 'they agreed again', previousDueAt: '2026-05-06T15:59:59.999Z' },
    ]);
  });

  it('is counted again with every extension when the calendar changes', () => {
    const first = computeDue(calendar, receivedAt, delegation).derivation;
    const once = extendDue(calendar, first, 30, 'agreed', repeatable).derivation;
    const twice = extendDue(calendar, once, 10, 'agreed again', repeatable);
    const again = recomputeDue(calendar, stored(twice.derivation), {
      calendarChangeId: 'c',
      previousClockId: 'p',
      reason: 'r',
    });
    expect(again.dueAt).toEqual(twice.dueAt);
    expect(again.derivation.laterExtensions).toEqual(twice.derivation.laterExtensions);
  });
});

describe('computeDue', () => {
  it('records the rest days a working-day period passed over, and the rule it used', () => {
    // Dispute intake, 3 working days from Thursday 2025-09-25: 09-26 (Fri), 09-27 (Sat) rests,
    // 09-28 (Sun, 调休上班), 09-29 (Mon).
    const r = rule('dispute.intake', 3, 'working_days', 'policy:0190d1a2-0000-7000-8000-000000000001');
    const { dueAt, derivation } = computeDue(calendar, at('2025-09-25T16:45:00+08:00'), r);
    expect(dueAt).toEqual(at('2025-09-29T23:59:59.999+08:00'));
    expect(derivation.rule).toEqual(r);
    expect(derivation.rule).not.toBe(r);
    expect(derivation.skipped).toEqual([{ date: '2025-09-27', kind: 'weekend', name: null, source: 'weekday' }]);
    expect(derivation.rolledOverFrom).toBeUndefined();
    expect(derivation.uncoveredYears).toBeUndefined();
  });

  it('lists the holiday a referral reply skipped, by name', () => {
    // Referral reply, 5 working days from 2026-09-29 (Tue): 09-30, [10-01..10-07 国庆节], 10-08, 10-09, 10-10 (Sat,
    // 调休上班), [10-11 Sun], 10-12.
    const { derivation } = computeDue(
      calendar,
      at('2026-09-29T09:00:00+08:00'),
      rule('referral.reply', 5, 'working_days'),
    );
    expect(derivation.dueDate).toBe('2026-10-12');
    expect(derivation.skipped.map((d) => `${d.date} ${d.name ?? d.kind}`)).toEqual([
      '2026-10-01 国庆节',
      '2026-10-02 国庆节',
      '2026-10-03 国庆节',
      '2026-10-04 国庆节',
      '2026-10-05 国庆节',
      '2026-10-06 国庆节',
      '2026-10-07 国庆节',
      '2026-10-11 weekend',
    ]);
  });

  it('says when it rolled a calendar-day end over a holiday', () => {
    // Petition intake, 15 days from 2026-02-05: 02-20 is in the Spring Festival rest (02-15..02-23).
    const { derivation } = computeDue(
      calendar,
      at('2026-02-05T14:00:00+08:00'),
      rule('petition.intake', 15, 'calendar_days'),
    );
    expect(derivation.rolledOverFrom).toBe('2026-02-20');
    expect(derivation.skipped.map((d) => d.date)).toEqual(['2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23']);
    expect(derivation.dueDate).toBe('2026-02-24');
  });

  it('reports years without official data, where only weekends rest', () => {
    // 5 working days from Monday 2026-12-28: 12-29, 12-30, 12-31, 2027-01-01 (no data: a plain Friday),
    // [01-02, 01-03 weekend], 01-04.
    const working = computeDue(
      calendar,
      at('2026-12-28T10:00:00+08:00'),
      rule('dispute.escalation', 5, 'working_days'),
    );
    expect(working.derivation.dueDate).toBe('2027-01-04');
    expect(working.derivation.uncoveredYears).toEqual([2027]);
    expect(working.derivation.skipped.map((d) => `${d.date}:${d.kind}:${d.source}`)).toEqual([
      '2027-01-02:weekend:weekday',
      '2027-01-03:weekend:weekday',
    ]);
    // 15 days from 2027-03-05: 03-20 is a Saturday, rolled to Monday 03-22.
    const calendarDays = computeDue(
      calendar,
      at('2027-03-05T10:00:00+08:00'),
      rule('petition.intake', 15, 'calendar_days'),
    );
    expect(calendarDays.derivation).toMatchObject({
      rolledOverFrom: '2027-03-20',
      dueDate: '2027-03-22',
      uncoveredYears: [2027],
    });
  });

  it('applies deployment overrides', () => {
    const local = new WorkingCalendar([{ date: '2026-07-15', kind: 'holiday', name: '防汛停工' }]);
    const { derivation } = computeDue(
      local,
      at('2026-07-13T10:00:00+08:00'),
      rule('dispute.triage', 3, 'working_days'),
    );
    expect(derivation.dueDate).toBe('2026-07-17');
    expect(derivation.skipped).toEqual([{ date: '2026-07-15', kind: 'holiday', name: '防汛停工', source: 'override' }]);
  });

  it('refuses a malformed rule', () => {
    const start = at('2026-07-13T10:00:00+08:00');
    expect(() => computeDue(calendar, start, rule('x', 3, 'minutes' as never))).toThrow(/unit/);
    expect(() => computeDue(calendar, start, rule('x', 3, 'working_days', 'admin'))).toThrow(/source/);
    expect(() => computeDue(calendar, start, rule('', 3, 'working_days'))).toThrow(/key/);
    expect(() => computeDue(calendar, start, rule('x', -3, 'working_days'))).toThrow(/0 to 3650/);
    expect(() => computeDue(calendar, new Date(Number.NaN), rule('x', 3, 'working_days'))).toThrow(/Invalid instant/);
  });
});

describe('recomputeDue: the same clock on a calendar that changed since it was armed', () => {
  // Test data: 2027-02-08 … 02-12 made holidays.
  const withHolidays = new WorkingCalendar(
    [],
    [
      {
        year: 2027,
        holidays: ['08', '09', '10', '11', '12'].map((d) => ({ date: `2027-02-${d}`, name: '春节' })),
        workdays: [],
      },
    ],
  );
  const change = {
    calendarChangeId: '0190c0de-0000-7000-8000-000000000001',
    previousClockId: '0190c0de-0000-7000-8000-000000000002',
    reason: '2027 schedule imported',
  };

  it('keeps the start and the rule, counts again, and names the change', () => {
    const armed = computeDue(
      calendar,
      at('2027-02-03T09:00:00+08:00'),
      rule('dispute.intake', 3, 'working_days', 'policy:p1'),
    );
    expect(armed.derivation.dueDate).toBe('2027-02-08');
    const { dueAt, derivation } = recomputeDue(withHolidays, stored(armed.derivation), change);
    expect(dueAt).toEqual(at('2027-02-15T23:59:59.999+08:00'));
    expect(derivation).toMatchObject({
      startsAt: armed.derivation.startsAt,
      rule: { key: 'dispute.intake', amount: 3, unit: 'working_days', source: 'policy:p1' },
      dueDate: '2027-02-15',
      recomputed: { ...change, previousDueAt: armed.derivation.dueAt },
    });
    expect(derivation.uncoveredYears).toBeUndefined();
  });

  it('keeps an extension, counted from the recomputed end', () => {
    // 30 days from 01-04 is 02-03; extended by 5 to 02-08, which becomes a holiday: rolled to Monday 02-15.
    const first = computeDue(calendar, at('2027-01-04T09:00:00+08:00'), rule('dispute.mediation', 30, 'calendar_days'));
    const extended = extendDue(calendar, stored(first.derivation), 5, '当事人外出');
    expect(extended.derivation.dueDate).toBe('2027-02-08');
    const { derivation } = recomputeDue(withHolidays, stored(extended.derivation), change);
    expect(derivation).toMatchObject({
      dueDate: '2027-02-15',
      rolledOverFrom: '2027-02-08',
      extension: { days: 5, reason: '当事人外出', previousDueAt: '2027-02-03T15:59:59.999Z' },
      recomputed: { previousDueAt: '2027-02-08T15:59:59.999Z' },
    });
  });

  it('gives the same due time when the change does not reach the clock, and refuses a derivation that contradicts itself', () => {
    const armed = computeDue(calendar, at('2027-03-01T09:00:00+08:00'), rule('dispute.intake', 3, 'working_days'));
    expect(recomputeDue(withHolidays, stored(armed.derivation), change).dueAt).toEqual(at(armed.derivation.dueAt));
    expect(() => recomputeDue(withHolidays, { ...stored(armed.derivation), startDate: '2027-03-02' }, change)).toThrow(
      /inconsistent/,
    );
  });
});

describe('warningTimes', () => {
  it('puts warnings at whole seconds at or before the exact fraction of the span', () => {
    // 2026-08-10 10:00 → 2026-10-09 23:59:59.999 (+08:00) is 5 234 399 999 ms.
    // 50%: 2 617 199 999 ms = 30 d 06:59:59.999 → 2026-09-09 16:59:59.999 → 16:59:59.
    // 80%: 4 187 519 999 ms = 48 d 11:11:59.999 → 2026-09-27 21:11:59.999 → 21:11:59.
    const warnings = warningTimes(at('2026-08-10T10:00:00+08:00'), at('2026-10-09T23:59:59.999+08:00'), [0.5, 0.8]);
    expect(warnings).toEqual([
      { percent: 50, at: at('2026-09-09T16:59:59+08:00') },
      { percent: 80, at: at('2026-09-27T21:11:59+08:00') },
    ]);
  });

  it('does not lose a millisecond to floating point', () => {
    // 0.58 * 100 000 is 57 999.999… in floating point; the warning belongs at exactly 58 s.
    const start = at('2026-03-02T09:00:00+08:00');
    const [w] = warningTimes(start, new Date(start.getTime() + 100_000), [0.58]);
    expect(w).toEqual({ percent: 58, at: new Date(start.getTime() + 58_000) });
  });

  it('refuses fractions that are not whole percents inside the span, and an empty span', () => {
    const start = at('2026-03-02T09:00:00+08:00');
    const due = at('2026-03-05T23:59:59.999+08:00');
    for (const f of [0, 1, 1.2, -0.5, 0.575, Number.NaN])
      expect(() => warningTimes(start, due, [f])).toThrow(/whole percent/);
    expect(() => warningTimes(due, start, [0.5])).toThrow(/after startsAt/);
    expect(warningTimes(start, due, [])).toEqual([]);
  });
});
