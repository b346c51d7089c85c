import type { Actor, PersonNoticeJob, PersonTopic } from '#domain';
import type { OutboxMessage } from '#outbox';
import { JobName, QueueName } from '#queues';

/** Who works a subject before and after a transition: a case's assignee and leader in charge, or a referral's. */
export interface People {
  assignee: string | null;
  inCharge: string | null;
}

export interface NoticeOrigin {
  caseId: string;
  seq: number;
  referralId: string | null;
  type: string;
  payload: Record<string, unknown>;
  actor: Actor;
  /** The clock that fired, for a DEADLINE_WARNING. */
  deadlineKey?: string;
}

/**
 * The notices a transition puts in people's inboxes, as outbox rows (one per person, delivered by the worker):
 * a hand-over tells whoever it reaches, unless they made it themselves — the new assignee (`assigned`), the one
 * it was taken from (`claimed_by_another` when someone claimed it, `unassigned` otherwise), the assignee when a
 * leader takes charge (`taken_in_charge`) and a leader whose charge ended; a clock's warning and a referral the
 * department returned tell the assignee and the leader in charge. Notices to the case owner (督办, 催办, a breach)
 * reach the same people through the worker's inbox channel, not from here.
 */
export function personNotices(before: People, after: People, origin: NoticeOrigin): OutboxMessage[] {
  const notices = new Map<string, PersonTopic>();
  const tell = (userId: string | null, topic: PersonTopic) => {
    if (userId && userId !== origin.actor.id && !notices.has(userId)) notices.set(userId, topic);
  };
  if (after.assignee !== before.assignee) {
    tell(after.assignee, 'assigned');
    tell(before.assignee, origin.type === 'CLAIM' ? 'claimed_by_another' : 'unassigned');
  }
  if (after.inCharge !== before.inCharge) {
    if (after.inCharge) tell(after.assignee, 'taken_in_charge');
    tell(before.inCharge, after.inCharge ? 'taken_in_charge' : 'unassigned');
  }
  if (origin.type === 'DEADLINE_WARNING' || origin.type === 'REFERRAL_REJECTED') {
    const topic = origin.type === 'DEADLINE_WARNING' ? 'deadline_warning' : 'referral_returned';
    tell(after.assignee, topic);
    tell(after.inCharge, topic);
  }
  return [...notices].map(([userId, topic]) => {
    const job: PersonNoticeJob = {
      userId,
      caseId: origin.caseId,
      seq: origin.seq,
      topic,
      referralId: origin.referralId,
      detail: detailOf(topic, origin),
    };
    return { queue: QueueName.Notifications, name: JobName.PersonNotify, payload: { ...job } };
  });
}

/** What the notice says beyond its topic: who made the hand-over, or which clock warns. Never a party's data. */
function detailOf(topic: PersonTopic, origin: NoticeOrigin): string | null {
  if (topic === 'deadline_warning') {
    const percent = origin.payload.percent;
    return origin.deadlineKey ? `${origin.deadlineKey} at ${String(percent)}%` : null;
  }
  if (topic === 'referral_returned') return null;
  return origin.actor.role === 'system' ? null : `by ${origin.actor.name}`;
}
