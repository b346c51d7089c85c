import type { LoggerService } from '@nestjs/common';
import { dispute, seedDirectory, startTestApi, type TestApi } from './support/index.js';

/**
 * A 500 is logged with what identifies the fault — class, SQLSTATE, PostgreSQL's names, frames — and never
 * with what the request carried, though PostgreSQL's message and detail quote it. The faults here are real
 * PostgreSQL errors, made by constraints this test adds to its own copy of the database.
 */
describe('the log line of a 500', () => {
  let api: TestApi;
  const logged: string[] = [];
  const capture: LoggerService = {
    log: () => {},
    warn: (message: unknown) => logged.push(String(message)),
    error: (message: unknown) => logged.push(String(message)),
  };
  const SUMMARY = '王小明 13812345678 楼上漏水';

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
    api.app.useLogger(capture);
    // A cast PostgreSQL's message quotes (22P02), and a check whose detail lists the whole row (23514).
    await api.db.query(
      `ALTER TABLE cases ADD CONSTRAINT test_summary_cast CHECK (summary NOT LIKE '%漏水%' OR summary::int > 0) NOT VALID`,
    );
    await api.db.query(
      `ALTER TABLE cases ADD CONSTRAINT test_no_ceiling CHECK (description NOT LIKE '%天花板%') NOT VALID`,
    );
  });
  afterAll(() => api?.close());

  async function fails(body: object) {
    logged.length = 0;
    const response = await fetch(`${api.url}/cases?note=${encodeURIComponent(SUMMARY)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      type: 'urn:concord:problem:internal_error',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Something went wrong on our side; it has been logged.',
      code: 'internal_error',
      instance: '/api/v1/cases',
    });
    expect(logged).toHaveLength(1);
    return logged[0]!;
  }

  it('names the SQLSTATE and routine of a failed cast, not the value PostgreSQL quotes', async () => {
    const line = await fails(dispute({ summary: SUMMARY, description: '普通描述' }));
    expect(line).toMatch(/^POST \/api\/v1\/cases failed: DatabaseError code 22P02 routine \S+\n\s+at /);
    for (const secret of ['王小明', '13812345678', '漏水', 'invalid input syntax']) expect(line).not.toContain(secret);
  });

  it('names the constraint and table of a violated check, not the row PostgreSQL details', async () => {
    const body = dispute();
    const line = await fails(body);
    expect(line).toMatch(
      /^POST \/api\/v1\/cases failed: DatabaseError code 23514 routine \S+ (schema public )?table cases constraint test_no_ceiling\n\s+at /,
    );
    for (const secret of [body.description, body.summary, '天花板', 'Failing row']) expect(line).not.toContain(secret);
  });

  it('still answers requests the constraints do not touch', async () => {
    logged.length = 0;
    expect(
      (
        await api.call('POST', '/cases', {
          body: dispute({ summary: '相邻通行纠纷', description: '邻居堆放杂物阻碍通行' }),
        })
      ).status,
    ).toBe(201);
    expect(logged).toEqual([]);
  });
});
