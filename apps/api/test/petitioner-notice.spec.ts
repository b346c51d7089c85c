import { ManualClock } from '#clock';
import type { Notice, NotificationChannel } from '#notifications';
import {
  openOnVersion,
  petition,
  rowCounts,
  seedDirectory,
  startTestApi,
  startTestWorker,
  verifyChain,
  type TestApi,
  type TestWorker,
} from './support/index.js';

/** A channel that keeps what it was given, standing in for SMS. */
class RecordingChannel implements NotificationChannel {
  readonly name = 'recording';
  readonly notices: Notice[] = [];
  async send(notice: Notice): Promise<void> {
    this.notices.push(notice);
  }
}

/**
 * An extension of a claim's 60 days (信访工作条例 art. 34) names its reason and approving head (负责人), and the
 * petitioner is told the reason: a notice queued through the outbox to the notification channels, recorded in
 * the case file as PETITIONER_NOTIFIED (never OWNER_NOTIFIED, the record of a notice to staff). Opened on
 * version 2, with the real worker.
 */
describe('the notice of an extension to the petitioner', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  const channel = new RecordingChannel();
  let api: TestApi;
  let worker: TestWorker;

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    worker = await startTestWorker(api.config, api.db, clock, { channels: [channel] });
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  const send = (id: string, type: string, payload: Record<string, unknown>) =>
    api.call('POST', `/cases/${id}/events`, { body: { type, payload } });
  const approver = { name: '王主任', title: '信访局局长' };

  it('refuses an extension without its reason or its approver (422), writing nothing', async () => {
    const { id } = await openOnVersion(api, 2, petition());
    expect((await send(id, 'ACCEPT', { petitionType: 'claim' })).status).toBe(200);
    const before = await rowCounts(api.db);
    const noApprover = await send(id, 'EXTEND_DEADLINE', { days: 30, reason: '需调取工资台账' });
    expect(noApprover.status).toBe(422);
    expect(noApprover.body.errors).toEqual([expect.objectContaining({ field: 'payload.approver' })]);
    const noReason = await send(id, 'EXTEND_DEADLINE', { days: 30, approver });
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'payload.reason' })]);
    expect(await rowCounts(api.db)).toEqual(before);
  });

  it('queues the reason for the petitioner without PII, sends it and records it as a petitioner notice', async () => {
    const { id } = await openOnVersion(api, 2, petition());
    expect((await send(id, 'ACCEPT', { petitionType: 'claim' })).status).toBe(200);
    const extended = await send(id, 'EXTEND_DEADLINE', { days: 30, reason: '需调取工资台账', approver });
    expect(extended.status).toBe(200);
    expect(extended.body.details.extension).toEqual({ reason: '需调取工资台账', approver });

    const [queued] = await api.db.query<{ name: string; payload: Record<string, unknown> }>(
      `SELECT name, payload FROM outbox WHERE case_id = $1 AND name = 'petitioner.notify'`,
      [id],
    );
    expect(queued).toEqual({
      name: 'petitioner.notify',
      payload: {
        caseId: id,
        seq: extended.body.version,
        topic: 'handling_extended',
        detail: '需调取工资台账',
        unitCode: 'XC-XH',
      },
    });
    // The petitioner's name, phone and id number are nowhere in what was queued for the notice.
    const text = JSON.stringify(queued);
    for (const pii of ['赵丽', '13600001111', '110102198501012345']) expect(text).not.toContain(pii);

    await worker.settle();
    expect(channel.notices.filter((n) => n.caseId === id)).toEqual([
      expect.objectContaining({ audience: 'petitioner', topic: 'handling_extended', detail: '需调取工资台账' }),
    ]);
    const history = await api.call('GET', `/cases/${id}/history?limit=100`);
    const types = history.body.items.map((e: { type: string }) => e.type);
    expect(types).toContain('PETITIONER_NOTIFIED');
    expect(types).not.toContain('OWNER_NOTIFIED');
    const record = history.body.items.find((e: { type: string }) => e.type === 'PETITIONER_NOTIFIED');
    expect(record).toMatchObject({
      payload: { topic: 'handling_extended', channels: ['case_file', 'recording'], detail: '需调取工资台账' },
      actor: { role: 'system' },
    });
    expect((await verifyChain(api.db, id)).valid).toBe(true);
  });
});
