import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The console's client-side routes: each answers the console's page, whose script then draws the route. Listed
 * rather than caught with `/*`, so that an unknown API path still answers the API's own 404 problem.
 */
export const CONSOLE_ROUTES = [
  '/',
  '/sign-in',
  '/password',
  '/work',
  '/register',
  '/cases',
  '/cases/*',
  '/referrals',
  '/referrals/*',
  '/dashboard',
  '/audit',
  '/audit/*',
  '/administration',
  '/administration/*',
  '/progress',
  '/progress/*',
];

/** The placeholder Vite writes into the page's script and style tags (`html.cspNonce` in vite.config.ts). */
export const NONCE_PLACEHOLDER = '__CSP_NONCE__';

/**
 * The page's Content-Security-Policy: scripts and styles from this origin only, plus the style elements Ant
 * Design's CSS-in-JS writes with this response's nonce (the console hands it to antd's ConfigProvider). No
 * `unsafe-inline`, no `unsafe-eval`, no framing, no other origin to talk to.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Serves the built console (`npm run build` writes it to dist/console): hashed assets under /assets/ cached for a
 * year as immutable, and the page itself, never cached, with a fresh CSP nonce per response. Answers false when
 * the console is not built (the API then keeps `/` leading to its documentation).
 */
export async function mountConsole(fastify: FastifyInstance, dir: string): Promise<boolean> {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return false;
  const page = readFileSync(index, 'utf8');
  await fastify.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    wildcard: true,
    immutable: true,
    maxAge: '365d',
    // The build writes .br and .gz copies beside each script and style (apps/console/compress.mjs).
    preCompressed: true,
  });
  const answerPage = (reply: FastifyReply) => {
    const nonce = randomBytes(18).toString('base64');
    return reply
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .header('Content-Security-Policy', contentSecurityPolicy(nonce))
      .header('X-Content-Type-Options', 'nosniff')
      .header('X-Frame-Options', 'DENY')
      .header('Referrer-Policy', 'no-referrer')
      .send(page.replaceAll(NONCE_PLACEHOLDER, nonce));
  };
  for (const url of CONSOLE_ROUTES) fastify.get(url, (_request, reply) => answerPage(reply));
  return true;
}
