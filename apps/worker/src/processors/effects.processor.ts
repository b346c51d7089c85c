import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { Clock } from '../../../../libs/clock/src/index.js';
import { CONCORD_CONFIG, type ConcordConfig } from '../../../../libs/config/src/index.js';
import { claimProcessing } from '../../../../libs/outbox/src/index.js';
import { Database } from '../../../../libs/persistence/src/index.js';
import { QueueName, REDIS } from '../../../../libs/queues/src/index.js';

/**
 * Consumes the notification and referral queues. Their real handlers (channels, referral issuing) plug in
 * here; for now a job is recorded as delivered by marking its outbox row processed, exactly once.
 */
@Injectable()
export class EffectsProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EffectsProcessor.name);
  private workers: Worker[] = [];

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONCORD_CONFIG) private readonly config: ConcordConfig,
  ) {}

  onApplicationBootstrap(): void {
    const consumes = this.config.workerConsumes;
    const queues = [QueueName.Notifications, QueueName.Referrals].filter((q) => consumes === 'all' || consumes.includes(q));
    this.workers = queues.map(
      (name) =>
        new Worker(name, (job) => this.process(job), {
          connection: this.redis,
          prefix: this.config.queuePrefix,
          concurrency: 16,
          lockDuration: this.config.jobLockMs,
          stalledInterval: this.config.jobLockMs,
        }),
    );
    for (const worker of this.workers) {
      worker.on('failed', (job, error) => this.logger.warn(`job ${job?.name} ${job?.id} failed: ${error.message}`));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }

  async process(job: Job): Promise<'delivered' | 'already-delivered'> {
    const first = await this.db.transaction((tx) => claimProcessing(tx, job.id!, this.clock));
    return first ? 'delivered' : 'already-delivered';
  }
}
