/**
 * Departments' webhook receivers: one real HTTP server per department on 127.0.0.1, doing what the README asks
 * of a receiver (check the HMAC over the raw body, drop a CloudEvent id already taken, answer 2xx), and able
 * to misbehave on demand: hang, fail with 500 now and then, refuse connections, or refuse the message (4xx).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * ok: take it, 200 · hang: never answer · flaky: 500 for a third of requests, and for one in ten take the
 * message but answer 500 anyway (the answer is lost: the sender must retry, the receiver must drop the repeat) ·
 * refuse: nothing listens (connection refused) · reject: 410 (permanent: dead-lettered at once).
 */
export type Mode = 'ok' | 'hang' | 'flaky' | 'refuse' | 'reject';

/** What the receivers saw of one CloudEvent id. */
export interface Received {
  department: string;
  /** Requests that carried this id (retries and replays included). */
  requests: number;
  /** 1 once the receiver took it (it drops any repeat of the id); 0 if every request for it failed. */
  taken: number;
  /** `referralId:seq`: the referral event the message announces. */
  announces: string;
}

export class Receivers {
  readonly byId = new Map<string, Received>();
  badSignatures = 0;
  unreadable = 0;
  private readonly servers = new Map<string, Endpoint>();

  async add(department: string, secret: string): Promise<string> {
    const endpoint = new Endpoint(department, secret, this);
    await endpoint.listen(0);
    this.servers.set(department, endpoint);
    return endpoint.url;
  }

  async setMode(department: string, mode: Mode): Promise<void> {
    await this.servers.get(department)!.setMode(mode);
  }

  async setAll(mode: Mode): Promise<void> {
    for (const department of this.servers.keys()) await this.setMode(department, mode);
  }

  /** Requests received in total, and how many of them repeated an id already taken. */
  get totals(): { requests: number; repeats: number } {
    let requests = 0;
    let repeats = 0;
    for (const r of this.byId.values()) {
      requests += r.requests;
      repeats += Math.max(0, r.requests - 1);
    }
    return { requests, repeats };
  }

  async close(): Promise<void> {
    for (const endpoint of this.servers.values()) await endpoint.close();
  }

  /** Called by an endpoint for every signed request it reads; returns what it knows of the id so far. */
  record(department: string, id: string, announces: string): Received {
    let r = this.byId.get(id);
    if (!r) this.byId.set(id, (r = { department, requests: 0, taken: 0, announces }));
    r.requests++;
    return r;
  }
}

class Endpoint {
  private server: Server;
  private port = 0;
  private mode: Mode = 'ok';
  private readonly hung = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly department: string,
    private readonly secret: string,
    private readonly receivers: Receivers,
  ) {
    this.server = this.create();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/${this.department}`;
  }

  async listen(port: number): Promise<void> {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  async setMode(mode: Mode): Promise<void> {
    const was = this.mode;
    this.mode = mode;
    if (was === 'hang' && mode !== 'hang') {
      // The sender gave up on these long ago: drop them without an answer.
      for (const res of this.hung) res.socket?.destroy();
      this.hung.clear();
    }
    if (mode === 'refuse' && was !== 'refuse') await this.shut();
    if (was === 'refuse' && mode !== 'refuse') {
      this.server = this.create();
      await this.listen(this.port); // the same port: the department's URL does not change
    }
  }

  async close(): Promise<void> {
    if (this.mode !== 'refuse') await this.shut();
  }

  private async shut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.hung.clear();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private create(): Server {
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 5_000;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (this.mode === 'hang') {
        this.hung.add(res);
        return;
      }
      if (this.mode === 'reject') return void res.writeHead(410).end();
      const expected = Buffer.from(`sha256=${createHmac('sha256', this.secret).update(raw).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-concord-signature'] ?? ''));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        this.receivers.badSignatures++;
        return void res.writeHead(401).end();
      }
      let message: { id?: unknown; data?: { referralId?: unknown; seq?: unknown } };
      try {
        message = JSON.parse(raw.toString('utf8'));
      } catch {
        this.receivers.unreadable++;
        return void res.writeHead(400).end();
      }
      const roll = Math.random();
      if (this.mode === 'flaky' && roll < 0.33) return void res.writeHead(500).end();
      const id = String(message.id);
      const received = this.receivers.record(
        this.department,
        id,
        `${String(message.data?.referralId)}:${String(message.data?.seq)}`,
      );
      // A receiver that dedupes: a repeat of an id already taken is answered 200 and dropped.
      if (received.taken === 0) received.taken = 1;
      if (this.mode === 'flaky' && roll < 0.43) return void res.writeHead(500).end(); // taken, but the answer is lost
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  }
}
