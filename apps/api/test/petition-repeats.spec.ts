import { ManualClock } from '#clock';
import { openOnVersion, petition, rowCounts, seedDirectory, startTestApi, type TestApi } from './support/index.js';

/**
 * A repeat of a petition whose re-review (复核) is complete is not accepted again (信访工作条例 art. 36 ¶3):
 * DECLINE {ground: already_re_reviewed, relatedCaseId}. The engine checks the related case (it exists, within the
 * key's scope, is a petition, is not this one) and states whether its 复核 opinion was issued; the machine
 * refuses the ground when it was not. Petitions are opened on version 2.
 */
describe('DECLINE already_re_reviewed checks the related case', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let streetIntake: string;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    streetIntake = await api.keyFor('intake', { unitCode: 'XC-XH' });
  });
  afterAll(() => api.close());

  const send = (id: string, type: string, payload: Record<string, unknown> = {}, key = api.adminKey) =>
    api.call('POST', `/cases/${id}/events`, { key, body: { type, payload } });

  /** A claim taken through handling, 复查 and up to (and, when `complete`, through) 复核. */
  async function reReviewed(complete: boolean): Promise<string> {
    const { id } = await openOnVersion(api, 2, petition({ unitCode: 'XC-XH-01' }));
    // Delivered when the step is sent: an answer is not received before it was issued.
    const delivered = { method: 'in_person' };
    const steps: Array<[string, Record<string, unknown>]> = [
      ['ACCEPT', { petitionType: 'claim' }],
      ['ASSIGN_HANDLER', { unitCode: 'XC-XH-01' }],
      ['ISSUE_OPINION', { opinion: '物业停车收费不合规，责令整改', supported: 'partial' }],
      ['DELIVER_OPINION', delivered],
      ['REQUEST_REVIEW', { reason: '对处理意见不服' }],
      ['ISSUE_REVIEW_OPINION', { opinion: '维持原处理意见' }],
      ['DELIVER_OPINION', delivered],
      ['REQUEST_RE_REVIEW', { reason: '对复查意见不服' }],
    ];
    if (complete) steps.push(['ISSUE_RE_REVIEW_OPINION', { opinion: '维持复查意见' }]);
    for (const [type, payload] of steps) {
      clock.advance(3_600_000);
      const reply = await send(
        id,
        type,
        payload === delivered ? { ...payload, deliveredAt: clock.now().toISOString() } : payload,
      );
      if (reply.status !== 200) throw new Error(`${type}: ${JSON.stringify(reply.body)}`);
    }
    return id;
  }

  const declineAsRepeat = (id: string, relatedCaseId: string, key?: string) =>
    send(id, 'DECLINE', { reason: '重复信访', ground: 'already_re_reviewed', relatedCaseId }, key);

  it('archives a repeat of a petition whose 复核 is complete as declined, the related case in its facts', async () => {
    const earlier = await reReviewed(true);
    const { id } = await openOnVersion(api, 2, petition());
    const reply = await declineAsRepeat(id, earlier);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ state: 'archive.closed', outcome: 'declined' });
    const [event] = await api.db.query<{ facts: Record<string, unknown> }>(
      `SELECT facts FROM case_events WHERE case_id = $1 AND type = 'DECLINE'`,
      [id],
    );
    expect(event!.facts.relatedCase).toEqual({ id: earlier, reReviewed: true });
  });

  it('refuses the ground with 409 and the guard’s reason while the related case’s 复核 is not complete', async () => {
    const earlier = await reReviewed(false);
    const { id } = await openOnVersion(api, 2, petition());
    const before = await rowCounts(api.db);
    const refused = await declineAsRepeat(id, earlier);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('has not completed its re-review (复核)');
    expect(await rowCounts(api.db)).toEqual(before);
    // Declined on another ground it is an ordinary refusal to accept.
    expect((await send(id, 'DECLINE', { reason: '不属于信访事项' })).body).toMatchObject({ outcome: 'declined' });
  });

  it('reports a missing, out-of-scope, non-petition or self reference as a bad payload (422)', async () => {
    const earlier = await reReviewed(true);
    const dispute = await api.call('POST', '/cases', {
      body: { ...petition(), kind: 'dispute', category: 'neighbour', unitCode: 'XC-XH-01' },
    });
    const { id } = await openOnVersion(api, 2, petition());
    const cases: Array<[string, string, string | undefined, string]> = [
      ['missing', '0190f0a0-0000-7000-8000-000000000000', undefined, 'no such case'],
      // 复查 moved the earlier case up to the district: the street's key no longer sees it.
      ['outside the key’s scope', earlier, streetIntake, 'no such case'],
      ['a dispute', dispute.body.id, undefined, 'not a petition'],
      ['this case', id, undefined, 'cannot repeat itself'],
    ];
    for (const [, related, key, message] of cases) {
      const refused = await declineAsRepeat(id, related, key);
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([
        { field: 'payload.relatedCaseId', message: expect.stringContaining(message) },
      ]);
    }
    // The district's key sees both.
    const districtIntake = await api.keyFor('intake', { unitCode: 'XC' });
    expect((await declineAsRepeat(id, earlier, districtIntake)).status).toBe(200);
  });
});
