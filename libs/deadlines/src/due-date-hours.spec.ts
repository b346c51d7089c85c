import { WorkingCalendar } from './calendar.js';
import { computeDue, ELAPSED_HOURS, extendDue, pauseDerivation, resumeDue, type DeadlineRule } from './due-date.js';

const calendar = new WorkingCalendar();
const at = (iso: string) => new Date(iso);
const emergency: DeadlineRule = { key: 'dispute.intake', amount: 12, unit: 'hours', source: 'policy:p1' };

describe('a clock in elapsed hours', () => {
  // 22:00 on Thursday 2026-04-30 + 12 hours = 10:00 on Friday 05-01, Labour Day: no calendar, no roll-over.
  it('ends exactly `amount` hours after its start, even on a holiday, and says so', () => {
    const { dueAt, derivation } = computeDue(calendar, at('2026-04-30T22:00:00+08:00'), emergency);
    expect(calendar.day('2026-05-01').workday).toBe(false);
    expect(dueAt).toEqual(at('2026-05-01T10:00:00+08:00'));
    expect(derivation).toEqual({
      timeZone: 'Asia/Shanghai',
      startsAt: '2026-04-30T14:00:00.000Z',
      startDate: '2026-04-30',
      rule: emergency,
      dueAt: '2026-05-01T02:00:00.000Z',
      dueDate: '2026-05-01',
      skipped: [],
      counting: ELAPSED_HOURS,
    });
  });

  it('is extended by whole days of 24 hours, and a pause adds its exact length', () => {
    const first = computeDue(calendar, at('2026-04-30T22:00:00+08:00'), emergency).derivation;
    expect(extendDue(calendar, first, 2, '需协调').dueAt).toEqual(at('2026-05-03T10:00:00+08:00'));
    const stopped = pauseDerivation(first, at('2026-05-01T01:00:00+08:00'), '等待现场');
    const { dueAt, derivation } = resumeDue(calendar, stopped, at('2026-05-01T04:30:00+08:00'));
    expect(dueAt).toEqual(at('2026-05-01T13:30:00+08:00'));
    expect(derivation.pauses).toEqual([
      { from: '2026-04-30T17:00:00.000Z', to: '2026-04-30T20:30:00.000Z', reason: '等待现场', hours: 3.5 },
    ]);
    expect(derivation.counting).toBe(ELAPSED_HOURS);
  });

  it('refuses an amount of hours that is not a whole number from 1', () => {
    expect(() => computeDue(calendar, at('2026-04-30T22:00:00+08:00'), { ...emergency, amount: 0 })).toThrow(/hours/);
    expect(() => computeDue(calendar, at('2026-04-30T22:00:00+08:00'), { ...emergency, amount: 1.5 })).toThrow(/hours/);
  });
});
