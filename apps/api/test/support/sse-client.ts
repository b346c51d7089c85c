/** One message of a text/event-stream: an event (id, event, data), or comment lines only. */
export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  retry?: number;
  /** The comment lines (`: heartbeat`), joined by newlines. */
  comment?: string;
}

import { Agent, fetch } from 'undici';

/**
 * A client of a server-sent-events stream over real HTTP (fetch), for specs: it parses messages as they arrive
 * and hands them out in order, so a spec waits on the next message instead of on time. Each client has a
 * connection pool of its own, destroyed when it closes: a shared pool opens a spare connection after an aborted
 * response, which would hold the server's shutdown until its header timeout.
 */
export class SseClient {
  private readonly queue: SseMessage[] = [];
  private readonly waiting: Array<(message: SseMessage | null) => void> = [];
  private ended = false;
  private readonly abort = new AbortController();

  private constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly body: string,
    private readonly agent: Agent,
  ) {}

  /** Opens the stream; a refusal (any status but 200) is answered with its body read, and no stream. */
  static async open(url: string, headers: Record<string, string>): Promise<SseClient> {
    const agent = new Agent({ pipelining: 0 });
    const abort = new AbortController();
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
      dispatcher: agent,
    });
    if (response.status !== 200) {
      const refused = new SseClient(response.status, response.headers as Headers, await response.text(), agent);
      refused.ended = true;
      await agent.close();
      return refused;
    }
    const client = new SseClient(response.status, response.headers as Headers, '', agent);
    client.abort.signal.addEventListener('abort', () => abort.abort());
    void client.pump(response.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>);
    return client;
  }

  /** The next message, or null once the stream has ended. */
  next(): Promise<SseMessage | null> {
    const message = this.queue.shift();
    if (message) return Promise.resolve(message);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Reads until a message `matches`; fails if the stream ends first. */
  async until(matches: (message: SseMessage) => boolean, what = 'the message awaited'): Promise<SseMessage> {
    for (;;) {
      const message = await this.next();
      if (message === null) throw new Error(`the stream ended before ${what}`);
      if (matches(message)) return message;
    }
  }

  /** The next notice event, its data parsed (comments are skipped). */
  async nextNotice(): Promise<{ id: string; data: Record<string, unknown> }> {
    const message = await this.until((m) => m.event !== undefined, 'a notice');
    if (message.event !== 'notice') throw new Error(`an event ${message.event}, not a notice`);
    return { id: message.id!, data: JSON.parse(message.data!) as Record<string, unknown> };
  }

  /** Resolves once the server has ended the stream, with the messages left unread. */
  async end(): Promise<SseMessage[]> {
    const rest: SseMessage[] = [];
    for (let m = await this.next(); m !== null; m = await this.next()) rest.push(m);
    return rest;
  }

  close(): void {
    this.abort.abort();
    void this.agent.destroy().catch(() => undefined);
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.deliver(parse(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // Aborted by close(), or the connection dropped: either way the stream has ended.
    }
    this.ended = true;
    for (const resolve of this.waiting.splice(0)) resolve(null);
    void this.agent.destroy().catch(() => undefined);
  }

  private deliver(message: SseMessage): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(message);
    else this.queue.push(message);
  }
}

function parse(block: string): SseMessage {
  const message: SseMessage = {};
  const comments: string[] = [];
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') message.id = value;
    else if (field === 'event') message.event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'retry') message.retry = Number(value);
  }
  if (data.length) message.data = data.join('\n');
  if (comments.length) message.comment = comments.join('\n');
  return message;
}
