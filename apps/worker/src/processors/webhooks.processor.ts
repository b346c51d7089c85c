import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { Clock } from '#clock';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { webhookEgress } from '#egress';
import { PiiCipher } from '#parties';
import { Database, describeFault } from '#persistence';
import { QueueName, REDIS } from '#queues';
import { DeliveryFailed, WebhookSender, type DeliveryOutcome } from '#referrals';

/** POSTs referral events to department webhooks: one job per delivery generation, retried by BullMQ. */
@Injectable()
export class WebhooksProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhooksProcessor.name);
  readonly sender: WebhookSender;
  private worker: Worker | null = null;

  constructor(
    db: Database,
    clock: Clock,
    cipher: PiiCipher,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONCORD_CONFIG) private readonly config: ConcordConfig,
  ) {
    this.sender = new WebhookSender(db, clock, cipher, {
      timeoutMs: config.webhookTimeoutMs,
      egress: webhookEgress(config),
    });
  }

  onApplicationBootstrap(): void {
    const consumes = this.config.workerConsumes;
    if (consumes !== 'all' && !consumes.includes(QueueName.Referrals)) return;
    this.worker = new Worker(QueueName.Referrals, (job) => this.process(job), {
      connection: this.redis,
      prefix: this.config.queuePrefix,
      concurrency: 16,
      lockDuration: this.config.jobLockMs,
      stalledInterval: this.config.jobLockMs,
    });
    // Failed attempts are logged where they are recorded; anything else (the database down, say) is logged here.
    this.worker.on('failed', (job, error) => {
      if (!(error instanceof DeliveryFailed) && error.name !== 'UnrecoverableError')
        this.logger.warn(`job ${job?.id} failed: ${describeFault(error, { frames: 3 })}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.sender.close();
  }

  async process(job: Job): Promise<DeliveryOutcome> {
    const { deliveryId, generation = 0 } = job.data as { deliveryId?: unknown; generation?: number };
    if (typeof deliveryId !== 'string') {
      this.logger.warn(`job ${job.id} names no delivery; dropped`);
      throw new UnrecoverableError(`job ${job.id} names no delivery`);
    }
    try {
      return await this.sender.deliver({
        outboxId: job.id!,
        deliveryId,
        generation,
        // BullMQ retries while attemptsMade + 1 < attempts; past that this run is the last.
        last: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
      });
    } catch (error) {
      if (error instanceof DeliveryFailed && error.permanent) throw new UnrecoverableError(error.message);
      throw error;
    }
  }
}
