import type { Database } from '#persistence';
import type { Notice, NotificationChannel } from './channels.js';
import type { NoticeBus } from './notice-bus.js';
import { noticeIdFor } from './notices.js';
import type { NoticesService } from './notices.service.js';

/**
 * Owner notices (催办, 督办, a breach, a reopened case…) in person: into the inboxes of the case's assignee and of the
 * leader in charge of it and, for a notice about a referral, of the department's person working that referral;
 * then announced to their open streams. Nobody assigned, nobody's inbox: the owning unit still has the record in
 * the case file. Each person's copy has an id derived from the notice's and the person's, so a notice sent again
 * (its job run twice) is not put in twice; it is announced again, which costs a stream one read.
 */
export class InboxChannel implements NotificationChannel {
  readonly name = 'inbox';
  readonly audiences = ['owner'] as const;

  constructor(
    private readonly db: Database,
    private readonly notices: NoticesService,
    private readonly bus: NoticeBus,
  ) {}

  async send(notice: Notice): Promise<void> {
    if (notice.audience !== 'owner') return;
    const recipients = await this.db.transaction(async (tx) => {
      const users = await this.notices.ownerRecipients(tx, notice.caseId, notice.referralId);
      await this.notices.deliver(
        tx,
        users.map((userId) => ({
          id: noticeIdFor(notice.id, userId),
          userId,
          caseId: notice.caseId,
          seq: notice.seq,
          topic: notice.topic,
          referralId: notice.referralId,
          detail: notice.detail,
        })),
      );
      return users;
    });
    await this.bus.publish(recipients.map((userId) => ({ userId, noticeId: noticeIdFor(notice.id, userId) })));
  }
}
