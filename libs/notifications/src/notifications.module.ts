import { Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Clock } from '#clock';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { PartiesModule, PiiCipher } from '#parties';
import { Cursors, Database } from '#persistence';
import { REDIS, RedisModule } from '#queues';
import { InboxChannel } from './inbox.channel.js';
import { NoticeBus } from './notice-bus.js';
import { NoticesService } from './notices.service.js';

/**
 * People's notice inboxes: the service that delivers and reads them, the pub/sub announcement of a delivery, and
 * the notification channel that brings owner notices to the people working the case. The API adds the streams
 * (NoticeHub); the worker delivers.
 */
@Module({
  imports: [RedisModule, PartiesModule],
  providers: [
    {
      provide: NoticesService,
      inject: [Database, Clock, PiiCipher, Cursors],
      useFactory: (db: Database, clock: Clock, cipher: PiiCipher, cursors: Cursors) =>
        new NoticesService(db, clock, cipher, cursors),
    },
    {
      provide: NoticeBus,
      inject: [REDIS, CONCORD_CONFIG],
      useFactory: (redis: Redis, config: ConcordConfig) => new NoticeBus(redis, config.queuePrefix),
    },
    {
      provide: InboxChannel,
      inject: [Database, NoticesService, NoticeBus],
      useFactory: (db: Database, notices: NoticesService, bus: NoticeBus) => new InboxChannel(db, notices, bus),
    },
  ],
  exports: [NoticesService, NoticeBus, InboxChannel],
})
export class NoticesModule {}
