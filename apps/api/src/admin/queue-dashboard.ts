import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeysService } from '#auth';
import type { ObservedQueues } from '#observability';
import { problem } from '../common/problem.js';

/** Where the BullMQ dashboard is served. */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * The key a request to the dashboard brings: `Authorization: Bearer <key>`, or HTTP Basic with the key as the
 * password (any user name), which a browser asks for by itself after a 401.
 */
export function dashboardKey(header: string | undefined): string | null {
  if (!header) return null;
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1]!;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!basic) return null;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : null;
}

function refuse(reply: FastifyReply, status: 401 | 403, detail: string): FastifyReply {
  if (status === 401) reply.header('WWW-Authenticate', 'Basic realm="Concord queues", charset="UTF-8"');
  return reply
    .status(status)
    .header('Content-Type', 'application/problem+json; charset=utf-8')
    .send(problem(status, status === 401 ? 'unauthenticated' : 'forbidden', detail));
}

/**
 * Mounts the BullMQ dashboard (bull-board) at `/admin/queues` for unscoped admin keys only: it shows every
 * district's jobs. Every request to it, its pages, scripts and JSON alike, goes through the API's own key check
 * (ApiKeysService), in a hook of the dashboard's own Fastify scope. The board is read-only: jobs follow outbox
 * rows, and what an operator may change goes through the API (a dead delivery is replayed there). Jobs carry ids
 * and codes only, never party data, so the board shows no PII.
 */
export async function mountQueueDashboard(
  fastify: FastifyInstance,
  keys: ApiKeysService,
  queues: ObservedQueues,
  uiBasePath: string,
): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: [...queues.values()].map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter,
    options: { uiBasePath, uiConfig: { boardTitle: 'Concord queues', hideDocsLink: true } },
  });
  await fastify.register(async (scope) => {
    scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const key = dashboardKey(request.headers.authorization);
      if (!key)
        return refuse(reply, 401, 'Send an admin API key: `Authorization: Bearer <key>`, or as the Basic password.');
      const principal = await keys.authenticate(key);
      if (!principal) return refuse(reply, 401, 'The API key is unknown, revoked or expired.');
      (request as FastifyRequest & { principal?: unknown }).principal = principal;
      if (principal.role !== 'admin' || principal.scope !== null)
        return refuse(reply, 403, 'The queue dashboard shows every unit’s jobs: unscoped admin keys only.');
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
  });
}
