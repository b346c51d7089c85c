import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { startTestApi, type TestApi } from './support/index.js';

const MiB = 1_048_576;
const CHUNK = Buffer.alloc(64 * 1024, 'x');
const TIMES = 4;

interface Outcome {
  status?: number;
  type?: string;
  body?: string;
  /** A transport error on either side of the exchange: what a client must never see instead of the 413. */
  error?: string;
}

/**
 * A body over CONCORD_BODY_LIMIT is answered 413 problem+json, and the client reads that answer every time —
 * never EPIPE or ECONNRESET because the API closed the connection while the client was still sending. Real
 * clients, a real socket: Node's http client (which reads the answer as soon as it comes) and fetch (which
 * reads it only once it has sent everything), with and without content-length, many times in a row.
 */
describe('a body over the limit', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api?.close());

  /** Sends `size` bytes with Node's http client, honouring backpressure, and reports how the exchange ended. */
  function sendWithHttp(size: number, chunked: boolean): Promise<Outcome> {
    return new Promise((resolve) => {
      const out: Outcome = {};
      const failed = (error: NodeJS.ErrnoException) => (out.error ??= error.code ?? error.message);
      const req = httpRequest(`${api.url}/cases`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${api.adminKey}`,
          'content-type': 'application/json',
          ...(chunked ? {} : { 'content-length': String(size) }),
        },
      });
      let answered = false;
      req.on('response', (res) => {
        out.status = res.statusCode;
        out.type = res.headers['content-type'];
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          out.body = Buffer.concat(chunks).toString();
          answered = true;
        });
        res.on('error', failed);
      });
      req.on('error', failed);
      req.on('close', () => {
        if (!answered && !out.error) out.error = 'closed before the answer was read';
        resolve(out);
      });
      void (async () => {
        for (let sent = 0; sent < size && !req.destroyed;) {
          const n = Math.min(CHUNK.length, size - sent);
          sent += n;
          if (!req.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
            await new Promise((next) => {
              req.once('drain', next);
              req.once('close', next);
            });
          }
        }
        if (!req.destroyed) req.end();
      })();
    });
  }

  /** Sends `size` bytes with fetch: a Buffer (content-length) or a stream (chunked). */
  async function sendWithFetch(size: number, chunked: boolean): Promise<Outcome> {
    const bytes = Buffer.alloc(size, 'x');
    const body = chunked
      ? new ReadableStream<Uint8Array>({
          start(controller) {
            for (let at = 0; at < size; at += CHUNK.length) controller.enqueue(bytes.subarray(at, at + CHUNK.length));
            controller.close();
          },
        })
      : bytes;
    try {
      const response = await fetch(`${api.url}/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.adminKey}`, 'content-type': 'application/json' },
        body,
        ...(chunked ? { duplex: 'half' } : {}),
      } as RequestInit);
      return {
        status: response.status,
        type: response.headers.get('content-type') ?? undefined,
        body: await response.text(),
      };
    } catch (error) {
      const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
      return { error: cause?.code ?? cause?.message ?? String(error) };
    }
  }

  const SIZES: Array<[string, number]> = [
    ['just over the limit', MiB + 1],
    ['4 MiB', 4 * MiB],
    ['32 MiB', 32 * MiB],
  ];

  for (const [client, send] of [
    ['http', sendWithHttp],
    ['fetch', sendWithFetch],
  ] as const) {
    for (const [label, size] of SIZES) {
      for (const chunked of [false, true]) {
        it(`answers ${label} by ${client}${chunked ? ', chunked' : ' with content-length'} with a 413 the client reads, ${TIMES} times in a row`, async () => {
          for (let i = 0; i < TIMES; i++) {
            const out = await send(size, chunked);
            expect({ i, error: out.error, status: out.status, type: out.type }).toEqual({
              i,
              error: undefined,
              status: 413,
              type: 'application/problem+json; charset=utf-8',
            });
            expect(JSON.parse(out.body!)).toMatchObject({
              status: 413,
              code: 'payload_too_large',
              type: 'urn:concord:problem:payload_too_large',
            });
          }
        });
      }
    }
  }

  it('drops a client that keeps sending past the bound, having answered it first', async () => {
    const { port } = new URL(api.url);
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => {});
    socket.write(
      `POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${api.adminKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    const frame = Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')]);
    let sent = 0;
    let open = true;
    void closed.then(() => (open = false));
    // A body with no end: only the server's bound stops it.
    while (open && sent < 256 * MiB) {
      sent += CHUNK.length;
      if (!socket.write(frame)) await new Promise((next) => (socket.once('drain', next), socket.once('close', next)));
    }
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 413 [^\r]*\r\n/);
    expect(received).toContain('"code":"payload_too_large"');
    expect(sent).toBeGreaterThan(64 * MiB);
    expect(sent).toBeLessThan(128 * MiB);
  });

  it('still answers the next request on a fresh connection, and a body under the limit as usual', async () => {
    expect((await sendWithHttp(MiB + 1, true)).status).toBe(413);
    const under = await api.call('POST', '/cases', { rawBody: JSON.stringify({ filler: 'x'.repeat(MiB - 100) }) });
    expect(under.status).toBe(422);
  });
});
