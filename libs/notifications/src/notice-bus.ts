import type { Redis } from 'ioredis';
import type { NoticeSignal } from './notices.js';

/**
 * The Redis pub/sub channel notices are announced on: under the deployment's queue prefix, so deployments (and test
 * files) sharing one Redis do not hear each other.
 */
export const noticeChannel = (queuePrefix: string) => `${queuePrefix}:notices`;

/**
 * Announces delivered notices to every API process, whose open streams of that person then read their inbox.
 * A message names a person and a notice and nothing else; losing one delays a stream, never loses a notice (the
 * streams catch up from PostgreSQL at their next message or heartbeat).
 */
export class NoticeBus {
  constructor(
    private readonly redis: Redis,
    private readonly queuePrefix: string,
  ) {}

  async publish(signals: NoticeSignal[]): Promise<void> {
    if (signals.length === 0) return;
    const channel = noticeChannel(this.queuePrefix);
    const pipeline = this.redis.pipeline();
    for (const { userId, noticeId } of signals) pipeline.publish(channel, JSON.stringify({ userId, noticeId }));
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }
}
