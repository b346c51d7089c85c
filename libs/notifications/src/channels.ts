import type { NotifyTopic, PetitionerTopic } from '#domain';

/** A notice to a case's owning unit that something needs its attention (催办, 督办, a breach). */
export interface OwnerNotice {
  audience: 'owner';
  /** The outbox row that asked for it: a stable id for channels that can drop repeats. */
  id: string;
  caseId: string;
  /** The case event that raised it. */
  seq: number;
  topic: NotifyTopic;
  /** The unit that owned the case when the notice was raised. */
  unitCode: string;
  referralId: string | null;
  detail: string | null;
}

/**
 * A notice to the petitioner of a case (why the handling time was extended: 信访工作条例 art. 34). It names no
 * one: a channel that reaches petitioners finds the case's applicants itself.
 */
export interface PetitionerNotice {
  audience: 'petitioner';
  id: string;
  caseId: string;
  seq: number;
  topic: PetitionerTopic;
  /** The unit that owned the case, on whose behalf the petitioner is told. */
  unitCode: string;
  detail: string | null;
}

export type Notice = OwnerNotice | PetitionerNotice;

/**
 * Where notices go: SMS, a messaging app, the unit's work queue. A channel may be called more than once for
 * one notice (a crash between sending and recording it); `notice.id` lets it drop repeats.
 */
export interface NotificationChannel {
  readonly name: string;
  /** The audiences it reaches (a person's inbox has no petitioner); every one when left out. */
  readonly audiences?: ReadonlyArray<Notice['audience']>;
  send(notice: Notice): Promise<void>;
}

/**
 * The channel every deployment has: the notice is recorded in the case's own file (an OWNER_NOTIFIED event, or
 * PETITIONER_NOTIFIED for a notice to the petitioner), which the owning unit's case lists read. It has nothing to send beyond that record.
 */
export class CaseFileChannel implements NotificationChannel {
  readonly name = 'case_file';

  async send(): Promise<void> {}
}

/** Nest token of the NotificationChannel[] the worker sends notices through. */
export const NOTIFICATION_CHANNELS = 'CONCORD_NOTIFICATION_CHANNELS';
