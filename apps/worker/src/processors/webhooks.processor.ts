import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import { Metrics } from '#metrics';
import { QueueConsumers, QueueName } from '#queues';
import { DeliveryFailed, WebhookSender, type DeliveryOutcome } from '#referrals';

/** POSTs referral events to department webhooks: one job per delivery generation, retried by BullMQ. */
@Injectable()
export class WebhooksProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhooksProcessor.name);
  private worker: Worker | null = null;

  constructor(
    readonly sender: WebhookSender,
    private readonly consumers: QueueConsumers,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = this.consumers.consume({
      queue: QueueName.Referrals,
      concurrency: 16,
      process: (job) => this.process(job),
      // Failed attempts are logged where they are recorded (the sender).
      expected: (error) => error instanceof DeliveryFailed || error instanceof UnrecoverableError,
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
    // BullMQ retries while attemptsMade + 1 < attempts; past that this run is the last.
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const started = performance.now();
    let outcome = 'error';
    try {
      const delivered = await this.sender.deliver({ outboxId: job.id!, deliveryId, generation, last });
      outcome = delivered;
      return delivered;
    } catch (error) {
      if (error instanceof DeliveryFailed) outcome = error.permanent || last ? 'dead' : 'failed';
      if (error instanceof DeliveryFailed && error.permanent) throw new UnrecoverableError(error.message);
      throw error;
    } finally {
      this.metrics.webhookDeliveries.inc({ outcome });
      this.metrics.webhookDuration.observe({ outcome }, (performance.now() - started) / 1000);
    }
  }
}
