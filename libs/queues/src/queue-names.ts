/** Every BullMQ queue and job name Concord uses, in one place. */
export enum QueueName {
  Notifications = 'notifications',
  /** Webhook deliveries of referral events to departments. */
  Referrals = 'referrals',
  /** Delayed jobs, one per deadline row, keyed by the deadline id. */
  Deadlines = 'deadlines',
  /** The daily anchor job (a job scheduler): anchors every finished day not yet anchored. */
  Anchors = 'anchors',
  /** Periodic upkeep of PostgreSQL tables (a job scheduler): the purge of expired idempotency records. */
  Housekeeping = 'housekeeping',
  /** After a change to the working-day calendar: recompute the pending clocks it moves. */
  Calendar = 'calendar',
}

/**
 * Queues whose jobs a reconciler re-creates from their own table (deadlines), so an outbox row for them is
 * done once its job is enqueued.
 */
export const RECONCILED_QUEUES: ReadonlySet<QueueName> = new Set([QueueName.Deadlines]);

export enum JobName {
  /** A case event happened; subscribers (notifications, projections) may act on it. */
  CaseEvent = 'case.event',
  /** Tell a case owner something needs attention. */
  Notify = 'notify',
  /** Tell the petitioner something the law says they are told (why the handling time was extended). */
  PetitionerNotify = 'petitioner.notify',
  /** Put a notice in one person's inbox (and tell their open notice streams): `PersonNoticeJob`. */
  PersonNotify = 'person.notify',
  /** POST one referral event to its department's webhook (a `deliveries` row). */
  ReferralDeliver = 'referral.deliver',
  /** A deadline (or one of its warnings) is due. */
  DeadlineFire = 'deadline.fire',
  /** Recompute the pending clocks a `calendar_changes` row moves. */
  CalendarRecompute = 'calendar.recompute',
}
