import { WorkingCalendar } from './calendar.js';
import {
  computeDue,
  pauseDerivation,
  recomputeDue,
  resumeDue,
  type DeadlineRule,
  type Derivation,
} from './due-date.js';

const at = (iso: string) => new Date(iso);
/** The derivation as it comes back from the `deadlines.derivation` jsonb column. */
const stored = (d: Derivation): Derivation => JSON.parse(JSON.stringify(d));
const reReview: DeadlineRule = { key: 'petition.re_review', amount: 30, unit: 'calendar_days', source: 'default' };

/** Pauses the clock of `derivation` from `from` to `to`, through storage, as the engine does. */
function paused(calendar: WorkingCalendar, derivation: Derivation, from: string, to: string, reason = '听证') {
  return resumeDue(calendar, stored(pauseDerivation(stored(derivation), at(from), reason)), at(to));
}

describe('a hearing pauses a 30-calendar-day clock (信访工作条例 art. 36 ¶2)', () => {
  const calendar = new WorkingCalendar();

  // By hand. 30 days from 2026-03-02 (a Monday): March has 31 days, so 03-02 + 29 = 03-31, + 1 = 04-01, a
  // Wednesday and a working day. A hearing from 03-10 to 03-20 stops it 10 days: 04-01 + 10 = 04-11, a Saturday,
  // so the end rolls over the weekend to Monday 04-13 (民法典 art. 203).
  it('moves the due time by the 10 paused days, then rolls over the weekend', () => {
    const first = computeDue(calendar, at('2026-03-02T09:00:00+08:00'), reReview);
    expect(first.derivation.dueDate).toBe('2026-04-01');
    const { dueAt, derivation } = paused(
      calendar,
      first.derivation,
      '2026-03-10T10:00:00+08:00',
      '2026-03-20T16:30:00+08:00',
    );
    expect(dueAt).toEqual(at('2026-04-13T23:59:59.999+08:00'));
    expect(derivation).toEqual({
      timeZone: 'Asia/Shanghai',
      startsAt: '2026-03-02T01:00:00.000Z',
      startDate: '2026-03-02',
      rule: reReview,
      dueAt: '2026-04-13T15:59:59.999Z',
      dueDate: '2026-04-13',
      skipped: [
        { date: '2026-04-11', kind: 'weekend', name: null, source: 'weekday' },
        { date: '2026-04-12', kind: 'weekend', name: null, source: 'weekday' },
      ],
      rolledOverFrom: '2026-04-11',
      pauses: [{ from: '2026-03-10T02:00:00.000Z', to: '2026-03-20T08:30:00.000Z', reason: '听证', days: 10 }],
    });
  });

  // By hand. 30 days from 2026-09-01: 09-01 + 29 = 09-30, + 1 = 10-01, National Day; the rest runs 10-01 … 10-07,
  // so the clock is due 10-08. Ten paused days count from the nominal end 10-01, not from 10-08: 40 days in all
  // end on 10-11, a Sunday (10-10 is a make-up working day), rolled to Monday 10-12.
  it('counts the pause from the nominal end, not from the end the holiday rolled it to', () => {
    const first = computeDue(calendar, at('2026-09-01T10:00:00+08:00'), reReview);
    expect(first.derivation).toMatchObject({ dueDate: '2026-10-08', rolledOverFrom: '2026-10-01' });
    const { derivation } = paused(calendar, first.derivation, '2026-09-10T10:00:00+08:00', '2026-09-20T10:00:00+08:00');
    expect(derivation).toMatchObject({
      dueDate: '2026-10-12',
      rolledOverFrom: '2026-10-11',
      skipped: [{ date: '2026-10-11', kind: 'weekend', name: null, source: 'weekday' }],
    });
  });

  it('adds nothing for a hearing that starts and ends on one date, and lists every pause', () => {
    const first = computeDue(calendar, at('2026-03-02T09:00:00+08:00'), reReview);
    const sameDay = paused(calendar, first.derivation, '2026-03-05T09:00:00+08:00', '2026-03-05T17:00:00+08:00');
    expect(sameDay.derivation).toMatchObject({ dueDate: '2026-04-01', skipped: [] });
    expect(sameDay.derivation.rolledOverFrom).toBeUndefined();
    // A second hearing of 9 days: 04-01 + 9 = 04-10, a Friday.
    const twice = paused(
      calendar,
      sameDay.derivation,
      '2026-03-10T09:00:00+08:00',
      '2026-03-19T09:00:00+08:00',
      '再次听证',
    );
    expect(twice.derivation.dueDate).toBe('2026-04-10');
    expect(twice.derivation.pauses!.map((p) => [p.reason, p.days])).toEqual([
      ['听证', 0],
      ['再次听证', 9],
    ]);
  });

  it('records an open pause without a due time of its own, and refuses to pause twice or resume unpaused', () => {
    const first = computeDue(calendar, at('2026-03-02T09:00:00+08:00'), reReview).derivation;
    const open = pauseDerivation(first, at('2026-03-10T10:00:00+08:00'), ' 听证 ');
    expect(open.pauses).toEqual([{ from: '2026-03-10T02:00:00.000Z', to: null, reason: '听证' }]);
    expect(open.dueDate).toBe(first.dueDate);
    expect(() => pauseDerivation(open, at('2026-03-11T10:00:00+08:00'), 'again')).toThrow(/already paused/);
    expect(() => resumeDue(calendar, first, at('2026-03-11T10:00:00+08:00'))).toThrow(/not paused/);
    expect(() => resumeDue(calendar, open, at('2026-03-09T10:00:00+08:00'))).toThrow(/before it stopped/);
    expect(() => pauseDerivation(first, at('2026-03-10T10:00:00+08:00'), ' ')).toThrow(/reason/);
  });

  it('keeps its pauses when a calendar change recomputes it', () => {
    const first = computeDue(calendar, at('2026-03-02T09:00:00+08:00'), reReview);
    const resumed = paused(calendar, first.derivation, '2026-03-10T10:00:00+08:00', '2026-03-20T10:00:00+08:00');
    // The deployment makes Monday 04-13 a rest day: the end rolls on to 04-14, the pause still counted.
    const changed = new WorkingCalendar([{ date: '2026-04-13', kind: 'holiday', name: '调休' }]);
    const { derivation } = recomputeDue(changed, stored(resumed.derivation), {
      calendarChangeId: 'c1',
      previousClockId: 'p1',
      reason: 'override',
    });
    expect(derivation).toMatchObject({ dueDate: '2026-04-14', rolledOverFrom: '2026-04-11' });
    expect(derivation.pauses).toEqual(resumed.derivation.pauses);
  });
});

describe('a pause across an imported 2027 schedule', () => {
  /** Test data in the shape of a State Council notice (not the real 2027 notice, which chinese-days lacks). */
  const calendar = new WorkingCalendar(
    [],
    [
      {
        year: 2027,
        holidays: [
          { date: '2027-01-01', name: '元旦' },
          ...['06', '07', '08', '09', '10', '11', '12'].map((d) => ({ date: `2027-02-${d}`, name: '春节' })),
        ],
        workdays: [{ date: '2027-02-20', name: '春节' }],
      },
    ],
  );

  // By hand. 30 days from Friday 2027-01-08: 01-08 + 23 = 01-31, + 7 = 02-07, inside the Spring Festival rest
  // (02-06 … 02-12, then the weekend 02-13/14): due Monday 02-15. A 10-day hearing from 01-12 to 01-22 moves the
  // nominal end to 02-17, a Wednesday and a working day: due 02-17, with no roll-over left in the derivation.
  it('moves a clock that had rolled over the Spring Festival to a working day past it', () => {
    const first = computeDue(calendar, at('2027-01-08T10:00:00+08:00'), reReview);
    expect(first.derivation).toMatchObject({ dueDate: '2027-02-15', rolledOverFrom: '2027-02-07' });
    const { dueAt, derivation } = paused(
      calendar,
      first.derivation,
      '2027-01-12T10:00:00+08:00',
      '2027-01-22T10:00:00+08:00',
    );
    expect(dueAt).toEqual(at('2027-02-17T23:59:59.999+08:00'));
    expect(derivation.skipped).toEqual([]);
    expect(derivation.rolledOverFrom).toBeUndefined();
    expect(derivation.uncoveredYears).toBeUndefined();
  });
});
