import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseCookies, SESSION_COOKIE, type ApiKeysService, type SessionsService } from '#auth';
import type { Principal } from '#domain';
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
 * Mounts the BullMQ dashboard (bull-board) at `/admin/queues` for unscoped admins only (a key, or a signed-in
 * person holding the admin role with no unit): it shows every district's jobs. Every request to it, its pages,
 * scripts and JSON alike, goes through the API's own key or session check, in a hook of the dashboard's own
 * Fastify scope. The board is read-only: jobs follow outbox
 * rows, and what an operator may change goes through the API (a dead delivery is replayed there). Jobs carry ids
 * and codes only, never party data, so the board shows no PII.
 */
export async function mountQueueDashboard(
  fastify: FastifyInstance,
  keys: ApiKeysService,
  sessions: SessionsService,
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
      let principal: Principal | null;
      const session = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
      if (request.headers.authorization === undefined && session !== undefined) {
        // A signed-in admin's browser: the board only reads, so a cookie is taken for reads alone (no CSRF risk).
        if (request.method !== 'GET' && request.method !== 'HEAD')
          return refuse(reply, 403, 'The queue dashboard is read-only.');
        const signedIn = await sessions.authenticate(session);
        if (!signedIn) return refuse(reply, 401, 'The session has ended: sign in again.');
        if (signedIn.me.mustChangePassword) return refuse(reply, 403, 'Change your one-time password first.');
        principal = signedIn.me.roles.includes('admin') ? { ...signedIn.principal, role: 'admin' } : signedIn.principal;
      } else {
        const key = dashboardKey(request.headers.authorization);
        if (!key)
          return refuse(
            reply,
            401,
            'Sign in as an admin, or send an admin API key: `Authorization: Bearer <key>`, or as the Basic password.',
          );
        principal = await keys.authenticate(key);
        if (!principal) return refuse(reply, 401, 'The API key is unknown, revoked or expired.');
      }
      (request as FastifyRequest & { principal?: unknown }).principal = principal;
      if (principal.role !== 'admin' || principal.scope !== null)
        return refuse(reply, 403, 'The queue dashboard shows every unit’s jobs: unscoped admins only.');
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
  });
}
