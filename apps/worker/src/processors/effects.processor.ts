import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { Clock } from '#clock';
import { claimProcessing } from '#outbox';
import { Database } from '#persistence';
import {
  DomainError,
  ErrorCode,
  SYSTEM_ACTORS,
  type NotifyTopic,
  type PersonNoticeJob,
  type PetitionerTopic,
} from '#domain';
import { CaseEngine } from '#engine';
import {
  NOTIFICATION_CHANNELS,
  NoticeBus,
  NoticesService,
  type Notice,
  type NotificationChannel,
} from '#notifications';
import { JobName, QueueConsumers, QueueName } from '#queues';

/**
 * Consumes the notifications queue: notices to case owners and to petitioners go out through the configured
 * channels and are recorded on the case; a person's notice goes into their inbox and is announced to their open
 * streams; case-event jobs (for subscribers) are marked processed. Each exactly once.
 */
@Injectable()
export class EffectsProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | null = null;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly consumers: QueueConsumers,
    private readonly engine: CaseEngine,
    @Inject(NOTIFICATION_CHANNELS) private readonly channels: NotificationChannel[],
    private readonly notices: NoticesService,
    private readonly bus: NoticeBus,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = this.consumers.consume({
      queue: QueueName.Notifications,
      concurrency: 16,
      process: (job) => this.process(job),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async process(job: Job): Promise<'delivered' | 'already-delivered'> {
    if (job.name === JobName.Notify || job.name === JobName.PetitionerNotify) return this.notify(job);
    if (job.name === JobName.PersonNotify) return this.notifyPerson(job);
    const first = await claimProcessing(this.db, job.id!, this.clock);
    return first ? 'delivered' : 'already-delivered';
  }

  /**
   * Sends a notice through every channel, then records it in the case's file (OWNER_NOTIFIED, or
   * PETITIONER_NOTIFIED for the petitioner's) in the transaction that marks the outbox row: recorded once,
   * whatever runs twice. A case that has since been archived, or moved to a state that no longer takes the
   * record, takes no more events; its notice is sent and not recorded.
   */
  private async notify(job: Job): Promise<'delivered' | 'already-delivered'> {
    const data = job.data as {
      caseId: string;
      seq: number;
      topic: string;
      unitCode: string;
      referralId?: string | null;
      detail?: string | null;
    };
    const base = {
      id: job.id!,
      caseId: data.caseId,
      seq: data.seq,
      unitCode: data.unitCode,
      detail: data.detail ?? null,
    };
    const notice: Notice =
      job.name === JobName.PetitionerNotify
        ? { audience: 'petitioner', ...base, topic: data.topic as PetitionerTopic }
        : { audience: 'owner', ...base, topic: data.topic as NotifyTopic, referralId: data.referralId ?? null };
    const reaching = this.channels.filter((c) => !c.audiences || c.audiences.includes(notice.audience));
    for (const channel of reaching) await channel.send(notice);
    const channels = reaching.map((c) => c.name);
    const detail = notice.detail ? { detail: notice.detail } : {};
    const record =
      notice.audience === 'petitioner'
        ? { type: 'PETITIONER_NOTIFIED', payload: { topic: notice.topic, channels, ...detail } }
        : {
            type: 'OWNER_NOTIFIED',
            payload: {
              topic: notice.topic,
              channels,
              recipient: notice.unitCode,
              ...(notice.referralId ? { referralId: notice.referralId } : {}),
              ...detail,
            },
          };
    return this.db.transaction(async (tx) => {
      if (!(await claimProcessing(tx, job.id!, this.clock))) return 'already-delivered';
      try {
        await this.engine.send({ caseId: notice.caseId, ...record, actor: SYSTEM_ACTORS.notifications, scope: null });
      } catch (error) {
        if (!(error instanceof DomainError && error.code === ErrorCode.EventNotAllowed)) throw error;
      }
      return 'delivered';
    });
  }

  /**
   * Puts a person's notice (`PersonNoticeJob`) in their inbox, in the transaction that marks the outbox row, so
   * it is put there once whatever runs twice; then announces it to their open streams. The announcement is made
   * again when the job runs again (a crash may have come between the commit and it): a stream that already sent
   * the notice reads nothing new.
   */
  private async notifyPerson(job: Job): Promise<'delivered' | 'already-delivered'> {
    const data = job.data as PersonNoticeJob;
    const notice = {
      id: job.id!,
      userId: data.userId,
      caseId: data.caseId,
      seq: data.seq,
      topic: data.topic,
      referralId: data.referralId ?? null,
      detail: data.detail ?? null,
    };
    const first = await this.db.transaction(async (tx) => {
      if (!(await claimProcessing(tx, job.id!, this.clock))) return false;
      await this.notices.deliver(tx, [notice]);
      return true;
    });
    await this.bus.publish([{ userId: notice.userId, noticeId: notice.id }]);
    return first ? 'delivered' : 'already-delivered';
  }
}
