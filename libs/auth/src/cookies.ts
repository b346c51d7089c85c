/**
 * The two cookies of a signed-in person: the session (HttpOnly: scripts never read it) and its CSRF token (read by
 * the console's script, sent back in `X-CSRF-Token` on every write). API keys are never read from a cookie.
 */
export const SESSION_COOKIE = 'concord_session';
export const CSRF_COOKIE = 'concord_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/**
 * The state of a single sign-on begun in this browser (HttpOnly, sent only to the callback's path): the callback
 * takes back only the login this browser began.
 */
export const OIDC_COOKIE = 'concord_oidc';

export interface CookieOptions {
  httpOnly: boolean;
  secure: boolean;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
  /** `/` unless told otherwise. */
  path?: string;
}

/** A cookie name or value Concord writes: base64url tokens and fixed names only, so nothing needs escaping. */
const TOKEN = /^[A-Za-z0-9_-]*$/;

/** A cookie path Concord writes: a URL path of unreserved characters, `%` escapes and `/` only. */
export const COOKIE_PATH = /^\/[A-Za-z0-9._~%/-]*$/;

/** The Set-Cookie value for one cookie, `SameSite=Lax` always, on `Path=/` unless told another path. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  if (!TOKEN.test(name) || !TOKEN.test(value)) throw new Error(`cookie ${name} has characters that need escaping`);
  const path = options.path ?? '/';
  if (!COOKIE_PATH.test(path)) throw new Error(`cookie ${name}: the path ${path} has characters that need escaping`);
  const parts = [
    `${name}=${value}`,
    `Path=${path}`,
    `Max-Age=${Math.max(0, Math.floor(options.maxAge))}`,
    'SameSite=Lax',
  ];
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/**
 * The cookies of a request's `Cookie` header, by name; the first of a repeated name wins (browsers send the most
 * specific path first). Malformed pairs are skipped, never thrown on: a cookie header is client input.
 */
export function parseCookies(header: string | string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const text = Array.isArray(header) ? header.join('; ') : (header ?? '');
  for (const pair of text.split(';')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (name && !out.has(name)) out.set(name, value);
  }
  return out;
}
