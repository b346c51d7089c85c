import type { Actor } from '#domain';

/** Where Concord's CloudEvents come from (the CloudEvents `source` attribute). */
export const CLOUD_EVENT_SOURCE = '/api/v1/referrals';

/** What a referral event is called outside Concord: `cn.concord.referral.<name>`. */
export function referralEventName(type: string, deadlineKey?: string): string {
  switch (type) {
    case 'REFER':
    case 'FORWARD':
      return 'issued';
    case 'ACKNOWLEDGE':
      return 'acknowledged';
    case 'ACCEPT':
      return 'accepted';
    case 'REJECT':
      return 'rejected';
    case 'PROGRESS':
      return 'progress_reported';
    case 'REPLY':
      return 'replied';
    case 'CLOSE':
      return 'closed';
    case 'CANCEL':
      return 'cancelled';
    case 'DEADLINE_ELAPSED':
      if (deadlineKey === 'referral.acknowledge') return 'urged';
      // The 5 working days to object to a transfer (转送) have passed: the body can no longer object.
      return deadlineKey === 'referral.transfer_objection' ? 'objection_window_closed' : 'supervised';
    case 'DEADLINE_WARNING':
      return 'deadline_warning';
    default:
      return type.toLowerCase();
  }
}

export const cloudEventType = (type: string, deadlineKey?: string) =>
  `cn.concord.referral.${referralEventName(type, deadlineKey)}`;

export interface ReferralEventData {
  referralId: string;
  caseId: string;
  caseReference: string;
  departmentCode: string;
  role: string;
  instructions: string;
  /** The referral's state and version after the event. */
  state: string;
  version: number;
  urged: boolean;
  supervised: boolean;
  /** The event's place in the case's hash chain. */
  seq: number;
  event: { type: string; payload: unknown; at: string; actor: Pick<Actor, 'role' | 'name'> };
}

/**
 * A CloudEvents 1.0 message in structured JSON mode. `id` is the delivery's id, stable across retries and
 * replays, so a receiver can drop a message it has already taken. No party PII is ever in it: a department
 * reads the parties from `GET /referrals/:id`.
 */
export function cloudEventBody(deliveryId: string, data: ReferralEventData, deadlineKey?: string): string {
  return JSON.stringify({
    specversion: '1.0',
    id: deliveryId,
    source: CLOUD_EVENT_SOURCE,
    type: cloudEventType(data.event.type, deadlineKey),
    subject: data.referralId,
    time: data.event.at,
    datacontenttype: 'application/json',
    data,
  });
}
