/**
 * A keep-alive HTTP load generator: `clients` connections, each a closed loop of one request at a time
 * (autocannon's `-c clients -p 1`), on node:http with no dependency.
 */
import http from 'node:http';

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HttpAnswer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export class HttpClient {
  private readonly agent: http.Agent;

  constructor(
    private readonly port: number,
    connections: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  request(req: HttpRequest): Promise<HttpAnswer> {
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    return new Promise((resolve, reject) => {
      const r = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method: req.method,
          path: req.path,
          agent: this.agent,
          headers: {
            ...req.headers,
            ...(body !== undefined
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }),
          );
          res.on('error', reject);
        },
      );
      r.on('error', reject);
      r.end(body);
    });
  }

  /** The request, failing unless it answers `status`. */
  async expect(req: HttpRequest, status: number): Promise<HttpAnswer> {
    const answer = await this.request(req);
    if (answer.status !== status)
      throw new Error(`${req.method} ${req.path} answered ${answer.status}: ${answer.body.slice(0, 500)}`);
    return answer;
  }

  close(): void {
    this.agent.destroy();
  }
}
