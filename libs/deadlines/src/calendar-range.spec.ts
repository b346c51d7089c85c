import { FIRST_YEAR, LAST_YEAR, toInstant } from '#domain';
import { WorkingCalendar } from './calendar.js';

/** The date rule (libs/domain/src/dates.ts) allows exactly the years the working-day calendar can place. */
describe('the years Concord accepts in dates and instants', () => {
  const calendar = new WorkingCalendar();

  it('are all on the calendar, to the first and last instant of the range', () => {
    expect(calendar.day(`${FIRST_YEAR}-01-01`).date).toBe(`${FIRST_YEAR}-01-01`);
    expect(calendar.day(`${LAST_YEAR}-12-31`).date).toBe(`${LAST_YEAR}-12-31`);
    expect(calendar.day(toInstant(`${FIRST_YEAR}-01-01T00:00:00+08:00`)).date).toBe(`${FIRST_YEAR}-01-01`);
    expect(calendar.day(toInstant(`${LAST_YEAR}-12-31T23:59:59.999+08:00`)).date).toBe(`${LAST_YEAR}-12-31`);
    expect(() => calendar.addWorkingDays(toInstant(`${FIRST_YEAR}-01-01T00:00:00+08:00`), 1)).not.toThrow();
  });

  it('stop where the calendar stops', () => {
    expect(() => calendar.day(`${FIRST_YEAR - 1}-12-31`)).toThrow(/supported years/);
    expect(() => calendar.day(`${LAST_YEAR + 1}-01-01`)).toThrow(/supported years/);
  });
});
