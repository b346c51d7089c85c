import { Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { describeFault } from '#persistence';
import { createRedis } from '#queues';
import { noticeChannel } from './notice-bus.js';
import type { DeliveredNotice, NoticeView } from './notices.js';
import { STREAM_BATCH, type NoticesService } from './notices.service.js';

/** Where a stream writes: the HTTP response, as text/event-stream. */
export interface NoticeSink {
  /** Queues a chunk; false when the connection's buffer is full. */
  write(chunk: string): boolean;
  end(): void;
  /** Bytes queued and not yet sent. */
  readonly buffered: number;
}

export interface NoticeHubOptions {
  redisUrl: string;
  queuePrefix: string;
  /** How often every stream gets a comment line (so proxies keep it open) and its session is checked. */
  heartbeatMs: number;
}

/** Which of these sessions are still live: not signed out, expired, idle too long, or of a disabled account. */
export type LiveSessions = (sessionIds: string[]) => Promise<ReadonlySet<string>>;

/** A client that reads so slowly that this much waits for it is cut off; it resumes with Last-Event-ID. */
const MAX_BUFFERED = 1_048_576;

/** One SSE event: `id` is the notice's, so a reconnecting client sends it back as Last-Event-ID. */
export function noticeEvent(notice: NoticeView): string {
  const { id, topic, caseId, caseReference, referralId, detail, seq, createdAt, readAt } = notice;
  const data = { id, topic, caseId, caseReference, referralId, detail, seq, createdAt, readAt };
  return `id: ${id}\nevent: notice\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * One person's open stream. Woken by a pub/sub message, a heartbeat or a Redis reconnection, it reads from
 * PostgreSQL the person's notices delivered after the last one it sent (by inbox position: the database is the
 * truth, a message only says "look"), and sends them. One read runs at a time; a wake during it makes it read
 * again.
 */
export class NoticeStream {
  private reading: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private ended!: () => void;
  /** Resolves once the stream is closed (the client left, the session ended, or the process stops). */
  readonly done = new Promise<void>((resolve) => (this.ended = resolve));

  constructor(
    readonly userId: string,
    readonly sessionId: string,
    private last: string,
    private readonly sink: NoticeSink,
    private readonly hub: NoticeHub,
  ) {}

  get open(): boolean {
    return !this.closed;
  }

  /** Reads and sends what is new; resolves when the reading it joined or began is over (tests await it). */
  wake(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.again = true;
    return (this.reading ??= this.drain());
  }

  /** A comment line: keeps the connection open through proxies that close idle ones. */
  beat(): void {
    if (!this.closed) this.sink.write(': heartbeat\n\n');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hub.detach(this);
    this.sink.end();
    this.ended();
  }

  /**
   * Reads until no wake is left unanswered. Nothing is awaited between the last check of `again` and clearing
   * `reading`, so a wake that comes while the reading ends starts a new one instead of being lost.
   */
  private async drain(): Promise<void> {
    await Promise.resolve(); // `wake` keeps the promise before anything here can finish
    try {
      while (this.again && !this.closed) {
        this.again = false;
        await this.readOnce();
      }
    } catch (error) {
      this.hub.logger.warn(`a notice stream could not read its inbox: ${describeFault(error)}`);
    } finally {
      this.reading = null;
    }
  }

  private async readOnce(): Promise<void> {
    const batch: DeliveredNotice[] = await this.hub.notices.since(this.userId, this.last, STREAM_BATCH);
    if (this.closed || batch.length === 0) return;
    // A notice goes out only while the session that opened the stream lasts.
    if (!(await this.hub.liveSessions([this.sessionId])).has(this.sessionId)) return this.close();
    if (this.closed) return;
    for (const notice of batch) {
      this.sink.write(noticeEvent(notice));
      this.last = notice.inboxSeq;
    }
    if (this.sink.buffered > MAX_BUFFERED) return this.close();
    if (batch.length === STREAM_BATCH) this.again = true;
  }
}

/**
 * The notice streams of one API process, fed by Redis pub/sub: one subscriber connection per process, on the
 * deployment's notices channel; each message names a person, whose open streams here read their inbox. Every
 * `heartbeatMs` each stream gets a comment line and reads again (so a missed message delays a notice by one
 * heartbeat at most), and a stream whose session has ended is closed. At shutdown every stream is ended: its
 * client reconnects, to another process, with Last-Event-ID.
 */
export class NoticeHub implements OnModuleInit, BeforeApplicationShutdown {
  readonly logger = new Logger('NoticeHub');
  private readonly streams = new Map<string, Set<NoticeStream>>();
  private subscriber: Redis | null = null;
  private timer: NodeJS.Timeout | null = null;
  private subscribed = false;
  private stopping = false;

  constructor(
    private readonly options: NoticeHubOptions,
    readonly notices: NoticesService,
    readonly liveSessions: LiveSessions,
  ) {}

  /**
   * Subscribes without holding the API's start-up (Redis may be down then; the API serves without it): a stream
   * opened before the subscription is in place reads its inbox again once it is.
   */
  onModuleInit(): void {
    const subscriber = createRedis(this.options.redisUrl);
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, message: string) => this.heard(message));
    subscriber.on('error', (error: unknown) =>
      this.logger.warn(`the notice subscriber lost Redis, reconnecting: ${describeFault(error)}`),
    );
    // Back after losing Redis: what was announced meanwhile is in PostgreSQL, so every stream reads again.
    subscriber.on('ready', () => {
      if (this.subscribed) void this.wakeAll();
    });
    subscriber.subscribe(noticeChannel(this.options.queuePrefix)).then(
      () => {
        this.subscribed = true;
        return this.wakeAll();
      },
      (error: unknown) => this.logger.warn(`the notice subscriber could not subscribe: ${describeFault(error)}`),
    );
    this.timer = setInterval(() => void this.heartbeat(), this.options.heartbeatMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const stream of this.all()) stream.close();
    const subscriber = this.subscriber;
    this.subscriber = null;
    await subscriber?.quit().catch(() => subscriber.disconnect());
  }

  /** Opens a stream of `userId`'s notices delivered after inbox position `from`, and sends what is there already. */
  attach(owner: { userId: string; sessionId: string }, from: string, sink: NoticeSink): NoticeStream {
    const stream = new NoticeStream(owner.userId, owner.sessionId, from, sink, this);
    if (this.stopping) {
      stream.close();
      return stream;
    }
    const own = this.streams.get(owner.userId) ?? new Set();
    own.add(stream);
    this.streams.set(owner.userId, own);
    void stream.wake();
    return stream;
  }

  detach(stream: NoticeStream): void {
    const own = this.streams.get(stream.userId);
    own?.delete(stream);
    if (own?.size === 0) this.streams.delete(stream.userId);
  }

  /** Streams open on this process. */
  get size(): number {
    return this.all().length;
  }

  /** The person's streams open on this process. */
  streamsOf(userId: string): NoticeStream[] {
    return [...(this.streams.get(userId) ?? [])];
  }

  /**
   * What the timer does every `heartbeatMs`: ends the streams whose session has ended, and gives each other one a
   * comment line and a read. Public so that tests run it without waiting for the timer.
   */
  async heartbeat(): Promise<void> {
    const streams = this.all();
    if (streams.length === 0) return;
    let live: ReadonlySet<string>;
    try {
      live = await this.liveSessions([...new Set(streams.map((s) => s.sessionId))]);
    } catch (error) {
      // PostgreSQL is away: the streams stay as they are until a heartbeat can check them.
      this.logger.warn(`notice streams could not check their sessions: ${describeFault(error)}`);
      return;
    }
    await Promise.all(
      streams.map((stream) => {
        if (!live.has(stream.sessionId)) return stream.close();
        stream.beat();
        return stream.wake();
      }),
    );
  }

  private heard(message: string): void {
    let userId: unknown;
    try {
      userId = (JSON.parse(message) as { userId?: unknown }).userId;
    } catch {
      return;
    }
    if (typeof userId !== 'string') return;
    for (const stream of this.streams.get(userId) ?? []) void stream.wake();
  }

  private async wakeAll(): Promise<void> {
    await Promise.all(this.all().map((s) => s.wake()));
  }

  private all(): NoticeStream[] {
    return [...this.streams.values()].flatMap((own) => [...own]);
  }
}
