import { randomUUID } from 'node:crypto';
import { dispute, seedDirectory, startTestApi, type TestApi } from './support/index.js';

interface LogRow {
  principal_role: string;
  action: string;
  case_id: string | null;
  detail: Record<string, unknown>;
}

/**
 * An auditor's reads of case lists, referrals and clocks are audit reads, recorded in audit_access_log before
 * the answer goes out, as its reads of a case and its history are: the filters in `detail` (never PII in
 * clear), the case where there is one. A refused read records nothing; other roles' reads are not recorded.
 */
describe('auditor reads of cases, referrals and deadlines are recorded', () => {
  let api: TestApi;
  let auditor: string;
  let mediator: string;
  let caseId: string;
  let referralId: string;

  const log = () =>
    api.db.query<LogRow>('SELECT principal_role, action, case_id, detail FROM audit_access_log ORDER BY at, id');
  /** The rows the reads in `act` added to the access log. */
  async function recorded(act: () => Promise<void>): Promise<LogRow[]> {
    const before = (await log()).length;
    await act();
    return (await log()).slice(before);
  }
  const read = async (path: string, key: string, status = 200) => {
    const reply = await api.call('GET', path, { key });
    expect({ path, status: reply.status }).toEqual({ path, status });
    return reply.body;
  };

  beforeAll(async () => {
    api = await startTestApi();
    await seedDirectory(api);
    auditor = await api.keyFor('auditor');
    mediator = await api.keyFor('mediator', { unitCode: 'XC-XH' });
    const created = await api.call('POST', '/cases', { key: mediator, body: dispute() });
    caseId = created.body.id;
    for (const body of [
      { type: 'ACCEPT' },
      { type: 'CLASSIFY', payload: { category: 'neighbour', riskLevel: 'low' } },
      { type: 'REFER', payload: { departmentCode: 'JUSTICE', instructions: '请司法所调处' } },
    ]) {
      const reply = await api.call('POST', `/cases/${caseId}/events`, { key: mediator, body });
      expect(reply.status).toBe(200);
      referralId = reply.body.referrals[0]?.id;
    }
    expect(referralId).toBeDefined();
  });
  afterAll(() => api.close());

  it('records GET /cases with its filters, and the search text only as a digest', async () => {
    const rows = await recorded(async () => {
      const page = await read(`/cases?kind=dispute&unitCode=XC-XH&q=${encodeURIComponent('王小明')}&limit=20`, auditor);
      expect(page.items).toBeDefined();
    });
    expect(rows).toEqual([
      {
        principal_role: 'auditor',
        action: 'cases.list',
        case_id: null,
        detail: { kind: 'dispute', unitCode: 'XC-XH', limit: 20, qDigest: expect.stringMatching(/^[0-9a-f]{64}$/) },
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain('王小明');
  });

  it('records GET /referrals with its filters and the case it was filtered to', async () => {
    const rows = await recorded(async () => {
      const page = await read(`/referrals?status=issued&caseId=${caseId}`, auditor);
      expect(page.items.map((r: { id: string }) => r.id)).toEqual([referralId]);
    });
    expect(rows).toEqual([
      {
        principal_role: 'auditor',
        action: 'referrals.list',
        case_id: caseId,
        detail: { status: 'issued', caseId, limit: 50 },
      },
    ]);
  });

  it('records GET /referrals/:id with the referral and its case', async () => {
    const rows = await recorded(async () => {
      expect((await read(`/referrals/${referralId}`, auditor)).id).toBe(referralId);
    });
    expect(rows).toEqual([
      { principal_role: 'auditor', action: 'referrals.read', case_id: caseId, detail: { referralId } },
    ]);
  });

  it('records GET /deadlines with its filters', async () => {
    const rows = await recorded(async () => {
      expect((await read('/deadlines?status=pending&unitCode=XC&limit=10', auditor)).items.length).toBeGreaterThan(0);
    });
    expect(rows).toEqual([
      {
        principal_role: 'auditor',
        action: 'deadlines.list',
        case_id: null,
        detail: { status: 'pending', unitCode: 'XC', limit: 10 },
      },
    ]);
  });

  it('records nothing for a refused read', async () => {
    const rows = await recorded(async () => {
      await read(`/referrals/${randomUUID()}`, auditor, 404);
      await read('/referrals?status=lost', auditor, 400);
      await read('/cases?limit=500', auditor, 400);
      await read('/deadlines?dueBefore=yesterday', auditor, 400);
    });
    expect(rows).toEqual([]);
  });

  it('does not record the reads of other roles', async () => {
    const rows = await recorded(async () => {
      await read('/cases', mediator);
      await read(`/referrals?caseId=${caseId}`, mediator);
      await read(`/referrals/${referralId}`, mediator);
      await read('/deadlines', mediator);
    });
    expect(rows).toEqual([]);
  });
});
