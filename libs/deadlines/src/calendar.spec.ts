import { createRequire } from 'node:module';
import {
  chinaDateOf,
  coverageOf,
  endOfChinaDay,
  uncoveredYearsBetween,
  WorkingCalendar,
  type DayInfo,
  type ImportedYear,
} from './calendar.js';

// Nothing here may depend on the host's zone, and Jest cannot switch it mid-run: run this file under
// TZ=America/New_York and TZ=Asia/Shanghai too.
const calendar = new WorkingCalendar();
const at = (iso: string) => new Date(iso);
const dates = (days: DayInfo[]) => days.map((d) => d.date);
const rest = (days: DayInfo[]) => dates(days.filter((d) => !d.workday));
const show = (from: string, to: string) =>
  calendar
    .days(from, to)
    .map((d) => `${d.date} ${d.workday ? 'work' : 'rest'} ${d.kind} ${d.name ?? ''} (${d.source})`)
    .join('\n');

describe('the official schedule, as chinese-days has it', () => {
  // Printed so a reviewer can compare with the State Council notices (国办发明电〔2024〕12号; 2026: gov.cn
  // content_7047091) rather than trust the assertions below.
  it.each([
    [
      '2025 Spring Festival',
      '2025-01-24',
      '2025-02-09',
      ['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02', '2025-02-03', '2025-02-04'],
      ['2025-01-26', '2025-02-08'],
    ],
    [
      '2025 National Day',
      '2025-09-26',
      '2025-10-12',
      ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08'],
      ['2025-09-28', '2025-10-11'],
    ],
    [
      '2026 Spring Festival',
      '2026-02-12',
      '2026-03-01',
      [
        '2026-02-15',
        '2026-02-16',
        '2026-02-17',
        '2026-02-18',
        '2026-02-19',
        '2026-02-20',
        '2026-02-21',
        '2026-02-22',
        '2026-02-23',
      ],
      ['2026-02-14', '2026-02-28'],
    ],
    // This window also holds Mid-Autumn 2026 (09-25..09-27), a separate holiday the week before.
    [
      '2026 National Day',
      '2026-09-18',
      '2026-10-11',
      [
        '2026-09-25',
        '2026-09-26',
        '2026-09-27',
        '2026-10-01',
        '2026-10-02',
        '2026-10-03',
        '2026-10-04',
        '2026-10-05',
        '2026-10-06',
        '2026-10-07',
      ],
      ['2026-09-20', '2026-10-10'],
    ],
  ])('%s', (label, from, to, holidays, makeup) => {
    console.log(`${label}\n${show(from, to)}`);
    const window = calendar.days(from, to);
    const official = window.filter((d) => d.source === 'official');
    expect(dates(official.filter((d) => d.kind === 'holiday'))).toEqual(holidays);
    expect(dates(official.filter((d) => d.kind === 'makeup_workday'))).toEqual(makeup);
    // Outside the listed dates of the window, only Saturdays and Sundays rest.
    for (const d of window.filter((x) => x.source === 'weekday')) {
      expect(d.workday).toBe(![0, 6].includes(new Date(`${d.date}T00:00:00Z`).getUTCDay()));
    }
  });

  it('names holidays and their make-up days in Chinese (10-06-2025 is Mid-Autumn inside the National Day week)', () => {
    expect(calendar.day('2025-01-28')).toEqual({
      date: '2025-01-28',
      workday: false,
      kind: 'holiday',
      name: '春节',
      source: 'official',
    });
    expect(calendar.day('2025-01-26')).toEqual({
      date: '2025-01-26',
      workday: true,
      kind: 'makeup_workday',
      name: '春节',
      source: 'official',
    });
    expect(calendar.day('2025-10-06')).toMatchObject({ workday: false, kind: 'holiday', name: '中秋' });
    expect(calendar.day('2026-09-20')).toEqual({
      date: '2026-09-20',
      workday: true,
      kind: 'makeup_workday',
      name: '国庆节',
      source: 'official',
    });
    expect(calendar.day('2026-10-08')).toEqual({
      date: '2026-10-08',
      workday: true,
      kind: 'workday',
      name: null,
      source: 'weekday',
    });
  });

  it('covers 2004–2026 and not 2027', () => {
    const years = calendar.coveredYears();
    console.log(`official data for: ${years.join(', ')}`);
    expect(years).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
  });

  // Our table is chinese-days' combined JSON. The package also ships one file per year; the two must agree
  // on every date. (Its functions are no reference: they rebuild dates in the host's local zone.)
  it('agrees with the per-year files of chinese-days on every date of 2004–2027', () => {
    const require = createRequire(import.meta.url);
    const disagreements: string[] = [];
    for (const year of calendar.coveredYears()) {
      const file = require(`chinese-days/dist/years/${year}.json`) as {
        holidays: Record<string, string>;
        workdays: Record<string, string>;
      };
      for (const [date, name] of Object.entries(file.holidays)) {
        if (calendar.day(date).workday || calendar.day(date).source !== 'official')
          disagreements.push(`${date} ${name}`);
      }
      for (const [date, name] of Object.entries(file.workdays)) {
        if (!calendar.day(date).workday || calendar.day(date).source !== 'official')
          disagreements.push(`${date} ${name}`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});

describe('addWorkingDays', () => {
  it('counts a make-up Saturday after a Friday, then skips the Spring Festival week', () => {
    // Fri 2026-02-13 → Sat 02-14 (调休上班) is day 1; 02-15..02-23 rest; 02-24 day 2; 02-25 day 3.
    const r = calendar.addWorkingDays(at('2026-02-13T10:00:00+08:00'), 3);
    expect(r.workingDays).toEqual(['2026-02-14', '2026-02-24', '2026-02-25']);
    expect(dates(r.skipped)).toEqual([
      '2026-02-15',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-02-21',
      '2026-02-22',
      '2026-02-23',
    ]);
    expect(r.due).toEqual(at('2026-02-25T23:59:59.999+08:00'));
  });

  it('counts the make-up Saturday after National Day 2025 and skips the Sunday after it', () => {
    const r = calendar.addWorkingDays(at('2025-10-10T16:00:00+08:00'), 3);
    expect(r.workingDays).toEqual(['2025-10-11', '2025-10-13', '2025-10-14']);
    expect(r.skipped.map((d) => `${d.date}:${d.kind}`)).toEqual(['2025-10-12:weekend']);
    expect(r.due).toEqual(at('2025-10-14T23:59:59.999+08:00'));
  });

  it('counts a make-up Sunday: 3 working days from Friday 2026-09-18', () => {
    const r = calendar.addWorkingDays(at('2026-09-18T09:00:00+08:00'), 3);
    expect(r.workingDays).toEqual(['2026-09-20', '2026-09-21', '2026-09-22']);
    expect(dates(r.skipped)).toEqual(['2026-09-19']);
  });

  it.each([
    // 除夕 2025 is 2025-01-28, the first holiday; 除夕 2026 is 2026-02-16, the second.
    ['2025-01-28T15:00:00+08:00', '2025-02-05T23:59:59.999+08:00', 7],
    ['2026-02-16T15:00:00+08:00', '2026-02-24T23:59:59.999+08:00', 7],
    // The last working day before the 2025 holiday: the holiday is skipped whole.
    ['2025-01-27T17:00:00+08:00', '2025-02-05T23:59:59.999+08:00', 8],
  ])('gives a referral issued %s one working day (报到) until %s', (issued, due, skippedCount) => {
    const r = calendar.addWorkingDays(at(issued), 1);
    expect(r.due).toEqual(at(due));
    expect(r.skipped).toHaveLength(skippedCount);
    expect(r.skipped.every((d) => d.kind === 'holiday' && d.name === '春节')).toBe(true);
  });

  it('dates an instant by China time: 40 minutes apart, ten days apart', () => {
    const late = at('2026-02-13T23:30:00+08:00'); // 15:30Z on 02-13
    const early = at('2026-02-14T00:10:00+08:00'); // 16:10Z on 02-13: the same UTC date
    expect(early.toISOString().slice(0, 10)).toBe('2026-02-13');
    expect(chinaDateOf(late)).toBe('2026-02-13');
    expect(chinaDateOf(early)).toBe('2026-02-14');
    expect(chinaDateOf(at('2026-02-13T23:59:59.999+08:00'))).toBe('2026-02-13');
    expect(calendar.addWorkingDays(late, 1).due).toEqual(at('2026-02-14T23:59:59.999+08:00'));
    expect(calendar.addWorkingDays(early, 1).due).toEqual(at('2026-02-24T23:59:59.999+08:00'));
    expect(endOfChinaDay('2026-02-14').toISOString()).toBe('2026-02-14T15:59:59.999Z');
  });

  it('with n = 0 ends today if today works, else at the end of the next working day', () => {
    expect(calendar.addWorkingDays(at('2026-10-09T08:00:00+08:00'), 0)).toEqual({
      due: at('2026-10-09T23:59:59.999+08:00'),
      workingDays: [],
      skipped: [],
    });
    const r = calendar.addWorkingDays(at('2026-10-03T08:00:00+08:00'), 0);
    expect(r.due).toEqual(at('2026-10-08T23:59:59.999+08:00'));
    expect(dates(r.skipped)).toEqual(['2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07']);
  });

  it('is the inverse of workingDaysBetween on every start date of 2025–2026', () => {
    for (
      let t = Date.parse('2025-01-01T09:00:00+08:00');
      t < Date.parse('2027-01-01T00:00:00+08:00');
      t += 86_400_000
    ) {
      for (const n of [1, 3, 5, 15]) {
        const r = calendar.addWorkingDays(new Date(t), n);
        expect(calendar.workingDaysBetween(new Date(t), r.due)).toBe(n);
        expect(calendar.day(r.workingDays[n - 1]).workday).toBe(true);
      }
    }
  });
});

describe('addCalendarDays', () => {
  it('rolls a 15-day period ending on National Day 2026 to the first working day after it', () => {
    // 2026-09-16 + 15 = 2026-10-01 (holiday); 10-01..10-07 rest; 10-08 (Thu) works.
    const r = calendar.addCalendarDays(at('2026-09-16T11:00:00+08:00'), 15);
    expect(r.nominalDate).toBe('2026-10-01');
    expect(rest(r.rolledOver)).toEqual([
      '2026-10-01',
      '2026-10-02',
      '2026-10-03',
      '2026-10-04',
      '2026-10-05',
      '2026-10-06',
      '2026-10-07',
    ]);
    expect(r.due).toEqual(at('2026-10-08T23:59:59.999+08:00'));
  });

  it('rolls over the 2025 Spring Festival (2025-01-13 + 15 = 01-28, 除夕)', () => {
    const r = calendar.addCalendarDays(at('2025-01-13T10:00:00+08:00'), 15);
    expect(r.nominalDate).toBe('2025-01-28');
    expect(r.rolledOver).toHaveLength(8);
    expect(r.due).toEqual(at('2025-02-05T23:59:59.999+08:00'));
  });

  it('rolls a Saturday end onto a make-up Sunday (2025-01-10 + 15 = Sat 01-25 → Sun 01-26)', () => {
    const r = calendar.addCalendarDays(at('2025-01-10T10:00:00+08:00'), 15);
    expect(r.rolledOver.map((d) => `${d.date}:${d.kind}`)).toEqual(['2025-01-25:weekend']);
    expect(r.due).toEqual(at('2025-01-26T23:59:59.999+08:00'));
  });

  it('does not roll when the end is a working day', () => {
    const r = calendar.addCalendarDays(at('2026-08-10T10:00:00+08:00'), 60);
    expect(r).toEqual({ due: at('2026-10-09T23:59:59.999+08:00'), nominalDate: '2026-10-09', rolledOver: [] });
  });
});

describe('workingDaysBetween', () => {
  it('counts across the 2026 National Day week', () => {
    // 09-30 (Wed) → 10-09 (Fri): 10-01..10-07 rest, 10-08 and 10-09 work.
    expect(calendar.workingDaysBetween(at('2026-09-30T10:00:00+08:00'), at('2026-10-09T10:00:00+08:00'))).toBe(2);
    // 09-18 (Fri) → 10-11 (Sun): 09-20 (make-up), 09-21..24, 09-28..30, 10-08, 10-09, 10-10 (make-up) = 11;
    // 09-25..27 are Mid-Autumn, 10-01..07 National Day.
    expect(calendar.workingDaysBetween(at('2026-09-18T10:00:00+08:00'), at('2026-10-11T10:00:00+08:00'))).toBe(11);
  });

  it('is 0 within a day and backwards', () => {
    expect(calendar.workingDaysBetween(at('2026-10-09T08:00:00+08:00'), at('2026-10-09T20:00:00+08:00'))).toBe(0);
    expect(calendar.workingDaysBetween(at('2026-10-12T08:00:00+08:00'), at('2026-10-09T08:00:00+08:00'))).toBe(0);
  });
});

describe('overrides', () => {
  const flood = { date: '2026-07-15', kind: 'holiday' as const, name: '防汛停工' };

  it('a declared local holiday shifts a working-day due date', () => {
    const start = at('2026-07-13T10:00:00+08:00'); // Monday
    expect(calendar.addWorkingDays(start, 3).due).toEqual(at('2026-07-16T23:59:59.999+08:00'));
    const r = new WorkingCalendar([flood]).addWorkingDays(start, 3);
    expect(r.due).toEqual(at('2026-07-17T23:59:59.999+08:00'));
    expect(r.skipped).toEqual([
      { date: '2026-07-15', workday: false, kind: 'holiday', name: '防汛停工', source: 'override' },
    ]);
  });

  it('an override workday on a Sunday counts', () => {
    const sunday = new WorkingCalendar([{ date: '2026-07-19', kind: 'workday', name: '集中接访日' }]);
    const r = sunday.addWorkingDays(at('2026-07-17T10:00:00+08:00'), 3);
    expect(r.workingDays).toEqual(['2026-07-19', '2026-07-20', '2026-07-21']);
    expect(sunday.day('2026-07-19')).toMatchObject({ workday: true, kind: 'makeup_workday', source: 'override' });
  });

  it('beats the official schedule both ways', () => {
    const local = new WorkingCalendar([
      { date: '2026-10-02', kind: 'workday', name: '国庆值班' },
      { date: '2026-10-10', kind: 'holiday', name: '本地调整' },
    ]);
    expect(local.day('2026-10-02')).toEqual({
      date: '2026-10-02',
      workday: true,
      kind: 'makeup_workday',
      name: '国庆值班',
      source: 'override',
    });
    expect(local.day('2026-10-10')).toEqual({
      date: '2026-10-10',
      workday: false,
      kind: 'holiday',
      name: '本地调整',
      source: 'override',
    });
    expect(local.workingDaysBetween(at('2026-09-30T10:00:00+08:00'), at('2026-10-11T10:00:00+08:00'))).toBe(3);
  });

  it('refuses malformed or duplicate overrides', () => {
    expect(() => new WorkingCalendar([flood, { ...flood, kind: 'workday' }])).toThrow(/declared twice/);
    expect(() => new WorkingCalendar([{ ...flood, date: '2026-7-15' }])).toThrow(/YYYY-MM-DD/);
    expect(() => new WorkingCalendar([{ ...flood, kind: 'rest' as never }])).toThrow(/kind/);
    expect(() => new WorkingCalendar([{ ...flood, name: ' ' }])).toThrow(/name/);
  });
});

describe('years without official data', () => {
  it('still rests on weekends in 2027, by the weekday rule', () => {
    expect(calendar.coveredYears()).not.toContain(2027);
    expect(calendar.day('2027-03-06')).toEqual({
      date: '2027-03-06',
      workday: false,
      kind: 'weekend',
      name: null,
      source: 'weekday',
    });
    // New Year's Day 2027 is a Friday; without data it counts as a working day — hence uncoveredYears.
    expect(calendar.day('2027-01-01')).toMatchObject({ workday: true, source: 'weekday' });
  });
});

describe('an imported year, and precedence: overrides > imported > official > weekday rule', () => {
  // Test data shaped like a notice, not the real 2027 schedule.
  const year2027: ImportedYear = {
    year: 2027,
    holidays: [
      { date: '2027-01-01', name: '元旦' },
      { date: '2027-02-08', name: '春节' },
      { date: '2027-02-09', name: '春节' },
    ],
    workdays: [{ date: '2027-02-20', name: '春节' }],
  };
  const imported = new WorkingCalendar([], [year2027]);

  it('covers the year: its holidays rest, its make-up Saturday works, other dates follow the weekday rule', () => {
    expect(imported.coveredYears()).toContain(2027);
    expect(imported.coverage(2027)).toBe('imported');
    expect(imported.coverage(2026)).toBe('official');
    expect(imported.coverage(2028)).toBe('missing');
    expect(imported.day('2027-01-01')).toEqual({
      date: '2027-01-01',
      workday: false,
      kind: 'holiday',
      name: '元旦',
      source: 'imported',
    });
    expect(imported.day('2027-02-20')).toEqual({
      date: '2027-02-20',
      workday: true,
      kind: 'makeup_workday',
      name: '春节',
      source: 'imported',
    });
    expect(imported.day('2027-02-10')).toEqual({
      date: '2027-02-10',
      workday: true,
      kind: 'workday',
      name: null,
      source: 'weekday',
    });
    expect(imported.day('2027-02-13')).toMatchObject({ workday: false, kind: 'weekend', source: 'weekday' });
    // 3 working days from Friday 02-05: 02-08 and 02-09 rest now, so 02-10, 02-11, 02-12.
    expect(calendar.addWorkingDays(at('2027-02-05T10:00:00+08:00'), 3).due).toEqual(
      at('2027-02-10T23:59:59.999+08:00'),
    );
    expect(imported.addWorkingDays(at('2027-02-05T10:00:00+08:00'), 3).due).toEqual(
      at('2027-02-12T23:59:59.999+08:00'),
    );
  });

  it('replaces the official data of a year it covers, whole', () => {
    // 2026 imported with only one holiday: the official Spring Festival week is gone, 10-01 stays a holiday.
    const replaced = new WorkingCalendar(
      [],
      [{ year: 2026, holidays: [{ date: '2026-10-01', name: '国庆节' }], workdays: [] }],
    );
    expect(replaced.coverage(2026)).toBe('imported');
    expect(replaced.day('2026-02-16')).toEqual({
      date: '2026-02-16',
      workday: true,
      kind: 'workday',
      name: null,
      source: 'weekday',
    });
    expect(replaced.day('2026-02-28')).toMatchObject({ workday: false, kind: 'weekend', source: 'weekday' });
    expect(replaced.day('2026-10-01')).toMatchObject({ workday: false, source: 'imported' });
    // Other years keep the official data.
    expect(replaced.day('2025-01-28')).toMatchObject({ workday: false, source: 'official' });
  });

  it('loses to an override both ways', () => {
    const both = new WorkingCalendar(
      [
        { date: '2027-01-01', kind: 'workday', name: '值班' },
        { date: '2027-02-20', kind: 'holiday', name: '本地调整' },
      ],
      [year2027],
    );
    expect(both.day('2027-01-01')).toEqual({
      date: '2027-01-01',
      workday: true,
      kind: 'makeup_workday',
      name: '值班',
      source: 'override',
    });
    expect(both.day('2027-02-20')).toEqual({
      date: '2027-02-20',
      workday: false,
      kind: 'holiday',
      name: '本地调整',
      source: 'override',
    });
  });

  it('tells coverage and uncovered spans without a calendar', () => {
    expect(coverageOf(2027, [])).toBe('missing');
    expect(coverageOf(2027, [2027])).toBe('imported');
    expect(coverageOf(2026, [2026])).toBe('imported');
    expect(coverageOf(2004, [])).toBe('official');
    expect(coverageOf(2003, [])).toBe('missing');
    expect(uncoveredYearsBetween('2026-12-28', '2028-01-05', [2026, 2027])).toEqual([2028]);
    expect(uncoveredYearsBetween('2026-12-28', '2027-01-05', [2026])).toEqual([2027]);
  });

  it('refuses an imported year that is not one', () => {
    const y = (patch: Partial<ImportedYear>) => () => new WorkingCalendar([], [{ ...year2027, ...patch }]);
    expect(() => new WorkingCalendar([], [year2027, year2027])).toThrow(/imported twice/);
    expect(y({ holidays: [{ date: '2026-12-31', name: '元旦' }] })).toThrow(/not in that year/);
    expect(y({ holidays: [{ date: '2027-02-30', name: '春节' }] })).toThrow(/no such day/);
    expect(y({ workdays: [{ date: '2027-01-01', name: '元旦' }] })).toThrow(/listed twice/);
    expect(y({ holidays: [{ date: '2027-01-01', name: ' ' }] })).toThrow(/name/);
    expect(y({ year: 1900, holidays: [], workdays: [] })).toThrow(/supported years/);
  });
});

describe('guards', () => {
  it.each([-1, 1.5, 3651, Number.NaN])('refuses n = %p', (n) => {
    expect(() => calendar.addWorkingDays(at('2026-03-02T09:00:00+08:00'), n)).toThrow(/integer from 0 to 3650/);
    expect(() => calendar.addCalendarDays(at('2026-03-02T09:00:00+08:00'), n)).toThrow(/integer from 0 to 3650/);
  });

  it('refuses invalid dates and ranges', () => {
    expect(() => calendar.addWorkingDays(new Date('not a date'), 1)).toThrow(/Invalid instant/);
    expect(() => calendar.day('2026-02-30')).toThrow(/no such day/);
    expect(() => calendar.day('2026/02/03')).toThrow(/YYYY-MM-DD/);
    expect(() => calendar.day('0202-02-03')).toThrow(/supported years/);
    expect(() => calendar.days('2026-01-01', '2027-02-05')).toThrow(/at most 400/);
    expect(() => calendar.days('2026-01-02', '2026-01-01')).toThrow(/after/);
    expect(calendar.days('2026-01-01', '2027-02-04')).toHaveLength(400);
  });
});
