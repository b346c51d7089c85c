/** Every BullMQ queue and job name Concord uses, in one place. */
export enum QueueName {
  Notifications = 'notifications',
  Referrals = 'referrals',
}

export enum JobName {
  /** A case event happened; subscribers (notifications, projections) may act on it. */
  CaseEvent = 'case.event',
  /** Tell a case owner something needs attention. */
  Notify = 'notify',
  /** Issue the referrals a REFER created. */
  ReferralIssue = 'referral.issue',
}
