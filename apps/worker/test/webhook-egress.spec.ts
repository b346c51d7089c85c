import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Job } from 'bullmq';
import { ManualClock } from '#clock';
import { systemResolver, webhookEgress, type Resolver } from '#egress';
import { PiiCipher } from '#parties';
import { QueueName } from '#queues';
import { DeliveryFailed, WebhookSender } from '#referrals';
import {
  dispute,
  seedDirectory,
  startTestApi,
  startTestWorker,
  type TestApi,
  type TestWorker,
} from './support/index.js';
import { WebhooksProcessor } from '../src/processors/webhooks.processor.js';

const NOT_ALLOWED = 'the webhook address is not allowed';

/** A department's system on loopback: records the Host header of every request it gets, answers 200. */
class Receiver {
  readonly hosts: Array<string | undefined> = [];
  private readonly server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      this.hosts.push((req.headers as IncomingHttpHeaders).host);
      res.writeHead(200).end();
    });
  });

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** A loopback port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Shared by the suites: a department whose webhook is `url`, a referral to it, and the delivery job that results. */
function referrals(api: () => TestApi) {
  let n = 0;
  return async function referTo(url: string, options: { storedDirectly?: boolean } = {}) {
    const code = `EGRESS-${++n}`;
    const secret = `whsec_${code}_0123456789abcdef`;
    // A department created before the policy (or under another one): its URL was never checked.
    const created = await api().call('POST', '/departments', {
      body: {
        code,
        name: `部门${n}`,
        categories: ['neighbour'],
        webhookUrl: options.storedDirectly ? 'https://hooks.example.com/x' : url,
        webhookSecret: secret,
      },
    });
    expect({ url, status: created.status, errors: created.body.errors }).toMatchObject({ url, status: 201 });
    if (options.storedDirectly)
      await api().db.query('UPDATE departments SET webhook_url = $1 WHERE code = $2', [url, code]);

    const c = await api().call('POST', '/cases', { body: dispute() });
    for (const body of [
      { type: 'ACCEPT' },
      { type: 'CLASSIFY', payload: { category: 'neighbour', riskLevel: 'low' } },
      { type: 'REFER', payload: { departmentCode: code, instructions: '请核实处理' } },
    ]) {
      expect((await api().call('POST', `/cases/${c.body.id}/events`, { body })).status).toBe(200);
    }
    const [delivery] = await api().db.query<{ id: string; outbox_id: string }>(
      `SELECT d.id, o.id AS outbox_id FROM deliveries d JOIN referrals r ON r.id = d.referral_id
         JOIN outbox o ON o.queue = $2 AND o.payload->>'deliveryId' = d.id::text WHERE r.case_id = $1`,
      [c.body.id, QueueName.Referrals],
    );
    return {
      deliveryId: delivery!.id,
      job: {
        id: delivery!.outbox_id,
        data: { deliveryId: delivery!.id, generation: 0 },
        attemptsMade: 0,
        opts: { attempts: 4 },
      } as unknown as Job,
      row: async () =>
        (
          await api().db.query<{
            status: string;
            attempts: number;
            last_status: number | null;
            last_error: string | null;
          }>('SELECT status, attempts, last_status, last_error FROM deliveries WHERE id = $1', [delivery!.id])
        )[0]!,
    };
  };
}

describe('webhook URLs are checked when a department is created', () => {
  let api: TestApi;
  let n = 0;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  const create = (target: TestApi, webhookUrl: string) =>
    target.call('POST', '/departments', {
      body: {
        code: `HOOK-${++n}`,
        name: '接口部门',
        categories: ['neighbour'],
        webhookUrl,
        webhookSecret: 'whsec_0123456789abcdef',
      },
    });
  const departments = async (target: TestApi) =>
    Number((await target.db.query<{ n: string }>('SELECT count(*) AS n FROM departments'))[0]!.n);

  it.each([
    ['credentials', 'https://user:secret@hooks.example.com/concord'],
    ['a scheme other than http(s)', 'ftp://hooks.example.com/concord'],
    ['loopback', 'http://127.0.0.1:9000/hook'],
    ['loopback, spelt in hex', 'http://0x7f.0.0.1/hook'],
    ['IPv6 loopback', 'http://[::1]:9000/hook'],
    ['localhost', 'http://localhost:9000/hook'],
    ['a *.localhost name', 'http://hooks.localhost/hook'],
    ['the unspecified address', 'http://0.0.0.0:9000/hook'],
    ['RFC 1918 10/8', 'http://10.1.2.3/hook'],
    ['RFC 1918 172.16/12', 'http://172.20.0.5/hook'],
    ['RFC 1918 192.168/16', 'http://192.168.1.20/hook'],
    ['CGNAT 100.64/10', 'http://100.64.1.1/hook'],
    ['link-local: the cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['IPv6 link-local', 'http://[fe80::1]/hook'],
    ['IPv6 unique-local', 'http://[fd12:3456::1]/hook'],
    ['AWS metadata over IPv6', 'http://[fd00:ec2::254]/'],
    ['multicast', 'http://224.0.0.1/hook'],
    ['broadcast', 'http://255.255.255.255/hook'],
    ['a benchmarking range', 'http://198.18.0.1/hook'],
    ['IPv4-mapped IPv6 of loopback', 'http://[::ffff:127.0.0.1]/hook'],
    ['IPv4-compatible IPv6 of a private address', 'http://[::10.0.0.1]/hook'],
    ['NAT64 of the metadata address', 'http://[64:ff9b::a9fe:a9fe]/hook'],
    ['the GCP metadata host', 'http://metadata.google.internal/computeMetadata/v1/'],
    ['a bare metadata host', 'http://metadata/'],
    ['the AWS metadata host', 'http://instance-data/latest/'],
  ])('refuses %s with 422 on webhookUrl, creating nothing', async (_, url) => {
    const before = await departments(api);
    const reply = await create(api, url);
    expect({ url, status: reply.status }).toEqual({ url, status: 422 });
    expect(reply.body.errors).toEqual([{ field: 'webhookUrl', message: expect.stringMatching(/^must /) }]);
    expect(await departments(api)).toBe(before);
  });

  it('accepts public http and https URLs, and names it cannot judge before connecting', async () => {
    for (const url of [
      'https://hooks.justice.example.gov.cn/concord',
      'http://203.119.25.7:8080/hook',
      'https://receiver.internal/hook',
    ]) {
      expect({ url, status: (await create(api, url)).status }).toEqual({ url, status: 201 });
    }
  });

  it('requires https in production', async () => {
    const production = await startTestApi({ config: { webhookRequireHttps: true } });
    try {
      const refused = await create(production, 'http://hooks.example.com/concord');
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([{ field: 'webhookUrl', message: 'must use https' }]);
      expect((await create(production, 'https://hooks.example.com/concord')).status).toBe(201);
    } finally {
      await production.close();
    }
  });

  it('admits the private networks CONCORD_WEBHOOK_ALLOW_PRIVATE lists, and only those', async () => {
    const onPremise = await startTestApi({ config: { webhookAllowPrivate: ['10.20.0.0/16', '192.168.1.20'] } });
    try {
      expect((await create(onPremise, 'https://10.20.3.4/hook')).status).toBe(201);
      expect((await create(onPremise, 'https://192.168.1.20/hook')).status).toBe(201);
      for (const url of [
        'https://10.21.0.1/hook',
        'https://192.168.1.21/hook',
        'http://127.0.0.1/hook',
        'http://169.254.169.254/',
      ]) {
        expect({ url, status: (await create(onPremise, url)).status }).toEqual({ url, status: 422 });
      }
    } finally {
      await onPremise.close();
    }
  });
});

describe('webhook targets are checked again by the worker, on the address it connects to', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let worker: TestWorker;
  let receiver: Receiver;
  const referTo = referrals(() => api);

  beforeAll(async () => {
    api = await startTestApi({ clock });
    await seedDirectory(api);
    // A worker that consumes no queue: each test runs the delivery job itself, once, and awaits it.
    worker = await startTestWorker({ ...api.config, workerConsumes: [] }, api.db, clock);
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await worker.close();
    await receiver.close();
    await api.close();
  });

  it('refuses a loopback target stored before the policy, the same way for an open and a closed port', async () => {
    const processor = worker.app.get(WebhooksProcessor);
    const open = await referTo(`http://127.0.0.1:${receiver.port}/hook`, { storedDirectly: true });
    const closed = await referTo(`http://127.0.0.1:${await closedPort()}/hook`, { storedDirectly: true });
    for (const target of [open, closed]) {
      // Refused for good at the first attempt: BullMQ is told not to retry.
      await expect(processor.process(target.job)).rejects.toMatchObject({ name: 'UnrecoverableError' });
    }
    const rows = [await open.row(), await closed.row()];
    expect(rows).toEqual([
      { status: 'dead', attempts: 1, last_status: null, last_error: NOT_ALLOWED },
      { status: 'dead', attempts: 1, last_status: null, last_error: NOT_ALLOWED },
    ]);
    expect(receiver.hosts).toEqual([]);
  });

  describe('a host name, judged by what it resolves to (the resolver injected)', () => {
    /** receiver.test resolves to loopback; every other name as the system says. */
    const resolve: Resolver = async (host) =>
      host === 'receiver.test' ? [{ address: '127.0.0.1', family: 4 }] : systemResolver(host);
    const sender = (allowPrivate: string[]) =>
      new WebhookSender(api.db, clock, api.app.get(PiiCipher), {
        timeoutMs: 2_000,
        egress: webhookEgress({ ...api.config, webhookAllowPrivate: allowPrivate }),
        resolve,
      });

    it('refuses a name that resolves to a loopback address, at connect time', async () => {
      const target = await referTo(`http://receiver.test:${receiver.port}/hook`);
      const refusing = sender([]);
      try {
        const attempt = refusing.deliver({
          outboxId: target.job.id!,
          deliveryId: target.deliveryId,
          generation: 0,
          last: false,
        });
        await expect(attempt).rejects.toBeInstanceOf(DeliveryFailed);
        await expect(attempt).rejects.toMatchObject({ permanent: true });
      } finally {
        await refusing.close();
      }
      expect(await target.row()).toEqual({ status: 'dead', attempts: 1, last_status: null, last_error: NOT_ALLOWED });
      expect(receiver.hosts).toEqual([]);
    });

    it('reaches it when the allow-list admits loopback, connecting to the checked address under the URL’s name', async () => {
      const target = await referTo(`http://receiver.test:${receiver.port}/hook`);
      const admitting = sender(['127.0.0.1']);
      try {
        expect(
          await admitting.deliver({
            outboxId: target.job.id!,
            deliveryId: target.deliveryId,
            generation: 0,
            last: false,
          }),
        ).toBe('delivered');
      } finally {
        await admitting.close();
      }
      expect(await target.row()).toMatchObject({ status: 'delivered', attempts: 1, last_status: 200 });
      // The connection went to 127.0.0.1, the address that was checked; the request still names the host.
      expect(receiver.hosts).toEqual([`receiver.test:${receiver.port}`]);
    });
  });
});

describe('a deployment that admits loopback reaches its local receiver through the worker', () => {
  const clock = new ManualClock('2026-03-02T09:00:00+08:00');
  let api: TestApi;
  let worker: TestWorker;
  let receiver: Receiver;
  const referTo = referrals(() => api);

  beforeAll(async () => {
    api = await startTestApi({ clock, config: { webhookAllowPrivate: ['127.0.0.1'] } });
    await seedDirectory(api);
    // A worker that consumes no queue: each test runs the delivery job itself, once, and awaits it.
    worker = await startTestWorker({ ...api.config, workerConsumes: [] }, api.db, clock);
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await worker.close();
    await receiver.close();
    await api.close();
  });

  it('delivers to 127.0.0.1, and still refuses the metadata address and other private networks', async () => {
    const processor = worker.app.get(WebhooksProcessor);
    const local = await referTo(`http://127.0.0.1:${receiver.port}/hook`);
    expect(await processor.process(local.job)).toBe('delivered');
    expect(receiver.hosts).toEqual([`127.0.0.1:${receiver.port}`]);
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/hook',
      `http://127.0.0.2:${receiver.port}/hook`,
    ]) {
      const target = await referTo(url, { storedDirectly: true });
      await expect(processor.process(target.job)).rejects.toMatchObject({ name: 'UnrecoverableError' });
      expect({ url, row: await target.row() }).toEqual({
        url,
        row: { status: 'dead', attempts: 1, last_status: null, last_error: NOT_ALLOWED },
      });
    }
    expect(receiver.hosts).toHaveLength(1);
  });
});
