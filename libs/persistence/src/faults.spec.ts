import pg from 'pg';
import { DomainError, ErrorCode } from '#domain';
import { describeFault } from './faults.js';

const NAME = '王小明';
const PHONE = '13812345678';

/** An error as pg hands it back: PostgreSQL's message and detail quote the value; the rest are names. */
function databaseError(): Error {
  const error = new pg.DatabaseError(`invalid input syntax for type integer: "${NAME} ${PHONE}"`, 120, 'error');
  Object.assign(error, {
    severity: 'ERROR',
    code: '22P02',
    detail: `Failing row contains (${NAME}, ${PHONE}).`,
    where: `SQL statement "SELECT '${NAME}'::int"`,
    routine: 'pg_strtoint32_safe',
    table: 'cases',
    column: 'summary',
    constraint: 'cases_summary_check',
  });
  return error;
}

describe('describeFault', () => {
  it('names a database fault by class, SQLSTATE and PostgreSQL’s names, with its frames, never its message or detail', () => {
    const line = describeFault(databaseError());
    expect(line.split('\n')[0]).toBe(
      'DatabaseError code 22P02 routine pg_strtoint32_safe table cases column summary constraint cases_summary_check',
    );
    expect(line).toMatch(/\n\s+at .*faults\.spec\.ts/);
    expect(line).not.toContain(NAME);
    expect(line).not.toContain(PHONE);
    expect(line).not.toContain('invalid input syntax');
  });

  it('keeps no line of a message, even one that looks like a stack frame', () => {
    const error = new SyntaxError(`Unexpected token in JSON at position 2\n    at ${NAME} (${PHONE})`);
    const line = describeFault(error);
    expect(line.split('\n')[0]).toBe('SyntaxError');
    expect(line).not.toContain(NAME);
    expect(line).not.toContain(PHONE);
    expect(line.split('\n').length).toBeGreaterThan(1);
  });

  it('follows causes, and bounds the frames it shows', () => {
    const line = describeFault(new Error(`wrapping ${NAME}`, { cause: databaseError() }), { frames: 2 });
    expect(line).toMatch(/^Error\n\s+at .*\n\s+at .*\ncaused by DatabaseError code 22P02/);
    expect(line).not.toContain(NAME);
  });

  it('keeps the wording of Concord’s own refusals and of a lost connection', () => {
    expect(describeFault(new DomainError(ErrorCode.Conflict, 'Delivery x was already delivered.'))).toMatch(
      /^DomainError code conflict "Delivery x was already delivered."/,
    );
    expect(describeFault(new Error('Connection terminated unexpectedly'))).toMatch(
      /^Error "Connection terminated unexpectedly"/,
    );
  });

  it('says what was thrown when it is not an Error', () => {
    expect(describeFault(`${NAME}`)).toBe('a thrown string');
    expect(describeFault(null)).toBe('a thrown null');
  });
});
