import { Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Clock } from '#clock';
import { Database } from '#persistence';
import { QueueName, QUEUES, QueuesModule } from '#queues';
import { OutboxRelay } from './outbox-relay.js';

/** The relay that moves committed outbox rows onto their queues. */
@Module({
  imports: [QueuesModule],
  providers: [
    {
      provide: OutboxRelay,
      inject: [Database, QUEUES, Clock],
      useFactory: (db: Database, queues: Map<QueueName, Queue>, clock: Clock) => new OutboxRelay(db, queues, clock),
    },
  ],
  exports: [OutboxRelay],
})
export class OutboxModule {}
