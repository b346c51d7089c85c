import { Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Clock } from '#clock';
import { Database } from '#persistence';
import { QueueName, QUEUES, QueuesModule, REDIS, RedisModule } from '#queues';
import { DeadlineReconciler } from './reconciler.js';

/** The deadlines' timers in Redis and the reconciler that keeps one for every pending deadline: for the worker. */
@Module({
  imports: [QueuesModule, RedisModule],
  providers: [
    {
      provide: DeadlineReconciler,
      inject: [Database, QUEUES, REDIS, Clock],
      useFactory: (db: Database, queues: Map<QueueName, Queue>, redis: Redis, clock: Clock) =>
        new DeadlineReconciler(db, queues.get(QueueName.Deadlines)!, redis, clock),
    },
  ],
  exports: [DeadlineReconciler],
})
export class DeadlineTimersModule {}
