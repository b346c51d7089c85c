import { Logger, type LoggerService } from '@nestjs/common';
import pg from 'pg';
import { ProblemFilter } from './problem.filter.js';

const NAME = '王小明';
const PHONE = '13812345678';

describe('ProblemFilter', () => {
  const logged: string[] = [];
  const capture: LoggerService = {
    log: () => {},
    warn: (message: unknown) => logged.push(String(message)),
    error: (message: unknown) => logged.push(String(message)),
  };
  beforeEach(() => {
    logged.length = 0;
    Logger.overrideLogger(capture);
  });
  afterAll(() => Logger.overrideLogger(['error', 'warn', 'log']));

  const request = {
    method: 'POST',
    url: `/api/v1/calendar/overrides/0000-01-01?name=${PHONE}`,
    routeOptions: { url: '/api/v1/calendar/overrides/:date' },
  };

  it('answers a database fault with a bare 500 and logs what identifies it, never the value PostgreSQL quotes', () => {
    const error = Object.assign(
      new pg.DatabaseError(`date/time field value out of range: "${NAME} ${PHONE}"`, 90, 'error'),
      {
        code: '22008',
        routine: 'DateTimeParseError',
        detail: `Failing row contains (${NAME}).`,
      },
    );
    expect(new ProblemFilter().toProblem(error, request)).toMatchObject({
      status: 500,
      code: 'internal_error',
      detail: 'Something went wrong on our side; it has been logged.',
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(
      /^POST \/api\/v1\/calendar\/overrides\/:date failed: DatabaseError code 22008 routine DateTimeParseError\n\s+at /,
    );
    for (const secret of [NAME, PHONE, 'out of range', '0000-01-01', 'Failing row'])
      expect(logged[0]).not.toContain(secret);
  });

  it('logs any other fault by its class and frames, without its message', () => {
    new ProblemFilter().toProblem(new TypeError(`Cannot read properties of undefined (reading '${NAME}')`), request);
    expect(logged[0]).toMatch(/^POST \/api\/v1\/calendar\/overrides\/:date failed: TypeError\n\s+at /);
    expect(logged[0]).not.toContain(NAME);
  });
});
