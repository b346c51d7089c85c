import { createHmac, timingSafeEqual } from 'node:crypto';
import { ManualClock } from '#clock';
import {
  clocksOf,
  DAY,
  dispute,
  seedDirectory,
  startTestApi,
  startTestWorker,
  type ClockView,
  type TestApi,
  type TestWorker,
  WebhookReceiver,
} from './support/index.js';

/** A Monday morning in Beijing; the 2026 Labour Day rest (05-01 … 05-05) falls inside the extended periods. */
const START = '2026-03-02T09:00:00+08:00';
const HOUR = 3_600_000;

const signatureMatches = (secret: string, raw: Buffer, header: string | string[] | undefined) => {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
  const given = Buffer.from(String(header));
  return given.length === expected.length && timingSafeEqual(given, expected);
};

const consent = {
  applicant: { at: '2026-03-20T10:00:00+08:00', record: '延期调解申请书（申请人签字）' },
  respondent: { at: '2026-03-20T10:30:00+08:00', record: '延期调解申请书（被申请人签字）' },
};

/**
 * Court-delegated pre-litigation mediation (诉前委派, dispute version 2) over HTTP on simulated time, with the real
 * worker and a real receiver as the court's webhook: the court's 30 days run from the mediator's signed receipt
 * (特邀调解规定 art. 27 ¶3), only both parties' consent extends them, as often as they agree (art. 27 ¶1), and a
 * mediation that ends without agreement goes back to the court (art. 21 ¶1), which its webhook is told.
 */
describe('dispute version 2: mediation the court delegated before filing', () => {
  const clock = new ManualClock(START);
  const courtSecret = 'whsec_court_chaoyang_0123456789';
  let court: WebhookReceiver;
  let api: TestApi;
  let mediatorId: string;
  let worker: TestWorker;

  beforeAll(async () => {
    court = await new WebhookReceiver().start();
    // The court's receiver listens on loopback, which webhooks reach only when the deployment admits it.
    api = await startTestApi({
      clock,
      config: { newCasesStartOn: { dispute: 2 }, webhookAllowPrivate: ['127.0.0.1'] },
    });
    await seedDirectory(api);
    // Version 2 names a mediator by user id: one of the district, whose subtree holds every case here.
    ({ id: mediatorId } = await api.personFor(['mediator'], { unitCode: 'XC' }));
    const created = await api.call('POST', '/departments', {
      body: {
        code: 'COURT-CY',
        name: '朝阳区人民法院',
        categories: ['neighbour'],
        webhookUrl: court.url,
        webhookSecret: courtSecret,
      },
    });
    expect(created.status).toBe(201);
    worker = await startTestWorker(api.config, api.db, clock);
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
    await court.close();
  });

  const send = (id: string, type: string, payload: Record<string, unknown> = {}) =>
    api.call('POST', `/cases/${id}/events`, { body: { type, payload } });
  const ok = async (id: string, type: string, payload: Record<string, unknown> = {}) => {
    const reply = await send(id, type, payload);
    expect({ type, status: reply.status, detail: reply.body.detail }).toMatchObject({ type, status: 200 });
    return reply.body as { state: string; deadlines: ClockView[]; outcome: string | null };
  };
  const view = async (id: string) =>
    (await api.call('GET', `/cases/${id}`)).body as { state: string; deadlines: ClockView[]; outcome: string | null };
  const delegation = (n: number, receivedAt: string) => ({
    courtCode: 'COURT-CY',
    delegationNumber: `(2026)京0105民诉前调${n}号`,
    receivedAt,
    mediatorId,
    channel: 'judicial',
  });

  /** What the court's webhook got about one case, in order. */
  const courtGot = (caseId: string) =>
    court.requests
      .map((r) => ({ ...r, body: r.raw.toString('utf8') }))
      .filter((r) => (JSON.parse(r.body) as { subject: string }).subject === caseId);
  const typeOf = (body: string) => (JSON.parse(body) as { type: string }).type;

  /** A court-delegated dispute accepted now; the mediator signed for the materials `signedAfter` later. */
  async function delegated(n: number, signedAfter = 6 * HOUR) {
    const created = await api.call('POST', '/cases', { body: dispute({ channel: 'court_delegation' }) });
    expect(created.body.machineVersion).toBe(2);
    const id = created.body.id as string;
    await ok(id, 'ACCEPT');
    const receivedAt = new Date(clock.now().getTime() + signedAfter).toISOString();
    clock.advance(DAY);
    const received = await ok(id, 'RECEIVE_DELEGATION', delegation(n, receivedAt));
    expect(received.state).toBe('mediation.delegated');
    return { id, receivedAt, received };
  }

  it('runs the court’s 30 days from the mediator’s signed receipt, not from when it was recorded', async () => {
    const { receivedAt, received } = await delegated(1);
    const [clockRow] = clocksOf(received.deadlines, 'dispute.court_delegation');
    expect(clockRow).toMatchObject({ status: 'pending', open: true });
    expect(new Date(clockRow!.startsAt).toISOString()).toBe(receivedAt);
    // Signed on 03-02: the day itself is not counted, so the 30th day is 04-01, a Wednesday (民法典 art. 201).
    expect(new Date(clockRow!.dueAt).toISOString()).toBe(new Date('2026-04-01T23:59:59.999+08:00').toISOString());
    expect(clocksOf(received.deadlines, 'dispute.mediation')).toEqual([]);
  });

  it('refuses a court that is not a department, and a receipt in the future', async () => {
    const created = await api.call('POST', '/cases', { body: dispute({ channel: 'court_delegation' }) });
    const id = created.body.id as string;
    await ok(id, 'ACCEPT');
    const unknown = await send(id, 'RECEIVE_DELEGATION', {
      ...delegation(2, clock.now().toISOString()),
      courtCode: 'NO-SUCH-COURT',
    });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.body)).toContain('payload.courtCode');
    const future = await send(
      id,
      'RECEIVE_DELEGATION',
      delegation(2, new Date(clock.now().getTime() + DAY).toISOString()),
    );
    expect(future.status).toBe(422);
    expect(JSON.stringify(future.body)).toContain('payload.receivedAt');
    expect((await view(id)).state).toBe('triage.assessing');
  });

  it('extends the 30 days only with both parties’ consent recorded, and again when they agree again', async () => {
    const { id, received } = await delegated(3);
    // Signed on 03-03 (the clock moved a day per case): due at the end of Thursday 04-02.
    expect(new Date(clocksOf(received.deadlines, 'dispute.court_delegation')[0]!.dueAt).toISOString()).toBe(
      new Date('2026-04-02T23:59:59.999+08:00').toISOString(),
    );
    const oneSided = await send(id, 'EXTEND_DEADLINE', {
      days: 30,
      reason: '申请人请求延期',
      consent: { applicant: consent.applicant },
    });
    expect(oneSided.status).toBe(422);
    const unconsented = await send(id, 'EXTEND_DEADLINE', { days: 30, reason: '调解员认为需要延期' });
    expect(unconsented.status).toBe(409);
    expect(unconsented.body.detail).toContain('特邀调解规定 art. 27');

    clock.advance(15 * DAY);
    const once = await ok(id, 'EXTEND_DEADLINE', { days: 30, reason: '双方同意延期以便评估损失', consent });
    // 04-02 + 30 = 05-02, in the Labour Day rest: the end rolls over to Wednesday 05-06 (民法典 art. 203).
    const pendingDue = (deadlines: ClockView[]) =>
      clocksOf(deadlines, 'dispute.court_delegation').find((c) => c.status === 'pending')!.dueAt;
    expect(new Date(pendingDue(once.deadlines)).toISOString()).toBe(
      new Date('2026-05-06T23:59:59.999+08:00').toISOString(),
    );
    const twice = await ok(id, 'EXTEND_DEADLINE', { days: 10, reason: '双方再次同意延期', consent });
    // 05-06 + 10 = 05-16, a Saturday: the end rolls over to Monday 05-18.
    expect(new Date(pendingDue(twice.deadlines)).toISOString()).toBe(
      new Date('2026-05-18T23:59:59.999+08:00').toISOString(),
    );
    expect(
      clocksOf(twice.deadlines, 'dispute.court_delegation')
        .map((c) => c.status)
        .sort(),
    ).toEqual(['pending', 'superseded', 'superseded']);
    expect(twice.state).toBe('mediation.delegated');
  });

  it('sends a failed mediation back to the court, and tells the court’s webhook with a signed CloudEvent', async () => {
    const { id } = await delegated(4);
    const failed = await ok(id, 'MEDIATION_FAILED', { reason: '被申请人王某拒绝调解' });
    expect(failed.state).toBe('archive.closed');
    expect(failed.outcome).toBe('transferred');

    await worker.settle();
    const [row] = await api.db.query<{ id: string; referral_id: string | null; status: string; type: string }>(
      'SELECT id, referral_id, status, type FROM deliveries WHERE case_id = $1',
      [id],
    );
    expect(row).toMatchObject({ referral_id: null, status: 'delivered', type: 'cn.concord.delegation.failed' });
    const received = courtGot(id);
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(signatureMatches(courtSecret, request!.raw, request!.headers['x-concord-signature'])).toBe(true);
    const { body } = request!;
    const event = JSON.parse(body) as { id: string; type: string; source: string; subject: string; data: object };
    expect(event).toMatchObject({
      id: row!.id,
      type: 'cn.concord.delegation.failed',
      source: '/api/v1/cases',
      subject: id,
      data: {
        caseId: id,
        courtCode: 'COURT-CY',
        delegationNumber: '(2026)京0105民诉前调4号',
        ending: 'failed',
        outcome: 'transferred',
        state: 'archive.closed',
        event: { type: 'MEDIATION_FAILED' },
      },
    });
    // Admins see it among the deliveries of the cases in their scope, tied to no referral.
    const listed = await api.call('GET', '/admin/deliveries?departmentCode=COURT-CY&limit=100');
    expect(listed.status).toBe(200);
    expect((listed.body.items as Array<{ id: string }>).find((d) => d.id === row!.id)).toMatchObject({
      referralId: null,
      caseId: id,
      status: 'delivered',
    });
    // No party PII, nor the free text of the event that could carry it.
    for (const pii of ['王小明', '李大华', '13812345678', '110101199003071234', '王某'])
      expect(body).not.toContain(pii);
  });

  it('sends the case back to the court when the 30 days pass with no agreement and no agreed extension', async () => {
    const { id, received } = await delegated(5);
    const [due] = clocksOf(received.deadlines, 'dispute.court_delegation');
    clock.advance(new Date(due!.dueAt).getTime() - clock.now().getTime() + 60_000);
    await worker.fireDue();
    await worker.settle();
    const after = await view(id);
    expect(after.state).toBe('archive.closed');
    expect(after.outcome).toBe('transferred');
    expect(courtGot(id).map((r) => typeOf(r.body))).toEqual(['cn.concord.delegation.expired']);
  });

  it('goes on to the parties’ window for judicial confirmation after an agreement, and tells the court', async () => {
    const { id } = await delegated(6);
    const agreed = await ok(id, 'REACH_AGREEMENT', { terms: '李大华赔偿王小明 3,000 元' });
    expect(agreed.state).toBe('mediation.agreement');
    expect(clocksOf(agreed.deadlines, 'dispute.judicial_application')).toEqual([
      expect.objectContaining({ status: 'pending', open: true }),
    ]);
    await worker.settle();
    const got = courtGot(id);
    expect(got.map((r) => typeOf(r.body))).toEqual(['cn.concord.delegation.agreement']);
    expect(got[0]!.body).not.toContain('3,000');
  });
});
