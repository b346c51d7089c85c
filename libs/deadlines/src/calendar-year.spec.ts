import { WorkingCalendar } from './calendar.js';
import { changedDates, checkYearSchedule, type YearSchedule } from './calendar-year.js';

// Test data shaped like a State Council notice, not the real 2027 schedule.
const schedule = (patch: Partial<YearSchedule> = {}): YearSchedule => ({
  source: '测试数据',
  holidays: [
    { date: '2027-02-08', name: '春节' },
    { date: '2027-02-09', name: '春节' },
  ],
  workdays: [{ date: '2027-02-20', name: '春节' }],
  ...patch,
});

describe('checkYearSchedule', () => {
  it('accepts a well-formed year', () => {
    expect(checkYearSchedule(2027, schedule())).toEqual([]);
    expect(checkYearSchedule(2027, schedule({ workdays: [] }))).toEqual([]);
  });

  it('refuses each fault with the field it is in', () => {
    expect(checkYearSchedule(1949, schedule())).toEqual([
      { field: 'year', message: 'must be a year from 1950 to 2199' },
    ]);
    expect(checkYearSchedule(2027, schedule({ source: '  ' }))).toEqual([
      { field: 'source', message: expect.stringMatching(/notice/) },
    ]);
    expect(checkYearSchedule(2027, schedule({ holidays: [{ date: '2027-13-01', name: 'x' }] }))).toEqual([
      { field: 'holidays[0].date', message: 'must be a real date YYYY-MM-DD' },
    ]);
    expect(checkYearSchedule(2027, schedule({ holidays: [{ date: '2028-01-01', name: '元旦' }] }))).toEqual([
      { field: 'holidays[0].date', message: '2028-01-01 is not in 2027' },
    ]);
    expect(
      checkYearSchedule(
        2027,
        schedule({
          holidays: [
            { date: '2027-02-08', name: '春节' },
            { date: '2027-02-08', name: '春节' },
          ],
        }),
      ),
    ).toEqual([{ field: 'holidays[1].date', message: '2027-02-08 is listed twice (also holidays[0])' }]);
    expect(checkYearSchedule(2027, schedule({ workdays: [{ date: '2027-02-09', name: '春节' }] }))).toEqual([
      {
        field: 'workdays[0].date',
        message: '2027-02-09 cannot be both a holiday and a working day (also holidays[1])',
      },
    ]);
    // Friday 2027-02-19: a weekday is a working day already.
    expect(checkYearSchedule(2027, schedule({ workdays: [{ date: '2027-02-19', name: '春节' }] }))[0]).toEqual({
      field: 'workdays[0].date',
      message: expect.stringMatching(
        /^2027-02-19 is a weekday: a make-up working day \(调休上班\) falls on a Saturday or Sunday/,
      ),
    });
    expect(checkYearSchedule(2027, schedule({ holidays: [{ date: '2027-02-08', name: '' }] }))).toEqual([
      { field: 'holidays[0].name', message: 'must be 1 to 100 characters' },
    ]);
    expect(checkYearSchedule(2027, schedule({ holidays: [] }))).toEqual([
      { field: 'holidays', message: 'must list from 1 to 60 days' },
    ]);
    const many = Array.from({ length: 21 }, () => ({ date: '2027-02-20', name: 'x' }));
    expect(checkYearSchedule(2027, schedule({ workdays: many }))).toEqual([
      { field: 'workdays', message: 'must list from 0 to 20 days' },
    ]);
  });
});

describe('changedDates', () => {
  it('lists the dates whose working status differs, not those only renamed or already at rest', () => {
    const before = new WorkingCalendar();
    const after = new WorkingCalendar(
      [],
      [{ year: 2027, ...schedule({ holidays: [...schedule().holidays, { date: '2027-02-07', name: '春节' }] }) }],
    );
    // 02-07 is a Sunday: at rest either way.
    expect(changedDates(before, after, '2027-01-01', '2027-12-31')).toEqual(['2027-02-08', '2027-02-09', '2027-02-20']);
    const renamed = new WorkingCalendar(
      [],
      [
        {
          year: 2027,
          ...schedule({
            holidays: [
              { date: '2027-02-08', name: '新春' },
              { date: '2027-02-09', name: '新春' },
            ],
          }),
        },
      ],
    );
    const original = new WorkingCalendar([], [{ year: 2027, ...schedule() }]);
    expect(changedDates(original, renamed, '2027-01-01', '2027-12-31')).toEqual([]);
  });
});
