import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Clock } from '#clock';
import { OutboxRelay } from '#outbox';
import { Database } from '#persistence';
import type { QueueName } from '#queues';
import { QUEUES } from '../worker.tokens.js';

/** Runs the outbox relay for the life of the worker. */
@Injectable()
export class OutboxRelayProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly relay: OutboxRelay;

  constructor(db: Database, @Inject(QUEUES) queues: Map<QueueName, Queue>, clock: Clock) {
    this.relay = new OutboxRelay(db, queues, clock);
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
