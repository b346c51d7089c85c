import { Module } from '@nestjs/common';
import { Clock } from '#clock';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { webhookEgress } from '#egress';
import { PartiesModule, PiiCipher } from '#parties';
import { Cursors, Database, DeliveriesRepository } from '#persistence';
import { DeliveriesService } from './deliveries.service.js';
import { WebhookSender } from './webhook-sender.js';

/** Webhook deliveries of referral events: the administrators' view and replays, and the sender. */
@Module({
  imports: [PartiesModule],
  providers: [
    {
      provide: DeliveriesService,
      inject: [Database, DeliveriesRepository, Clock, Cursors],
      useFactory: (db: Database, deliveries: DeliveriesRepository, clock: Clock, cursors: Cursors) =>
        new DeliveriesService(db, deliveries, clock, cursors),
    },
    {
      provide: WebhookSender,
      inject: [Database, Clock, PiiCipher, CONCORD_CONFIG],
      useFactory: (db: Database, clock: Clock, cipher: PiiCipher, config: ConcordConfig) =>
        new WebhookSender(db, clock, cipher, { timeoutMs: config.webhookTimeoutMs, egress: webhookEgress(config) }),
    },
  ],
  exports: [DeliveriesService, WebhookSender],
})
export class ReferralsModule {}
