import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { Clock } from '#clock';
import { claimProcessing } from '#outbox';
import { Database } from '#persistence';
import { DomainError, ErrorCode, SYSTEM_ACTORS, type NotifyTopic } from '#domain';
import { CaseEngine } from '#engine';
import { NOTIFICATION_CHANNELS, type NotificationChannel, type OwnerNotice } from '#notifications';
import { JobName, QueueConsumers, QueueName } from '#queues';

/**
 * Consumes the notifications queue: notices to case owners go out through the configured channels and are
 * recorded on the case; case-event jobs (for subscribers) are marked processed, exactly once.
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
    if (job.name === JobName.Notify) return this.notify(job);
    const first = await claimProcessing(this.db, job.id!, this.clock);
    return first ? 'delivered' : 'already-delivered';
  }

  /**
   * Sends a notice through every channel, then records it in the case's file (OWNER_NOTIFIED) in the
   * transaction that marks the outbox row: recorded once, whatever runs twice. A case that has since been
   * archived takes no more events; its notice is sent and not recorded.
   */
  private async notify(job: Job): Promise<'delivered' | 'already-delivered'> {
    const data = job.data as {
      caseId: string;
      seq: number;
      topic: NotifyTopic;
      unitCode: string;
      referralId?: string | null;
      detail?: string | null;
    };
    const notice: OwnerNotice = {
      id: job.id!,
      caseId: data.caseId,
      seq: data.seq,
      topic: data.topic,
      unitCode: data.unitCode,
      referralId: data.referralId ?? null,
      detail: data.detail ?? null,
    };
    for (const channel of this.channels) await channel.send(notice);
    return this.db.transaction(async (tx) => {
      if (!(await claimProcessing(tx, job.id!, this.clock))) return 'already-delivered';
      try {
        await this.engine.send({
          caseId: notice.caseId,
          type: 'OWNER_NOTIFIED',
          payload: {
            topic: notice.topic,
            channels: this.channels.map((c) => c.name),
            recipient: notice.unitCode,
            ...(notice.referralId ? { referralId: notice.referralId } : {}),
            ...(notice.detail ? { detail: notice.detail } : {}),
          },
          actor: SYSTEM_ACTORS.notifications,
          scope: null,
        });
      } catch (error) {
        if (!(error instanceof DomainError && error.code === ErrorCode.EventNotAllowed)) throw error;
      }
      return 'delivered';
    });
  }
}
