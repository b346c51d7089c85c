import { CSRF_COOKIE, serializeCookie, SESSION_COOKIE } from '#auth';

/** The Set-Cookie values of a session begun: the session (HttpOnly) and its CSRF token (read by the console). */
export const sessionCookies = (
  session: { token: string; csrfToken: string; maxAgeSeconds: number },
  secure: boolean,
) => [
  serializeCookie(SESSION_COOKIE, session.token, { httpOnly: true, secure, maxAge: session.maxAgeSeconds }),
  serializeCookie(CSRF_COOKIE, session.csrfToken, { httpOnly: false, secure, maxAge: session.maxAgeSeconds }),
];

/** The Set-Cookie values that end a session's cookies in the browser. */
export const clearedSessionCookies = (secure: boolean) => [
  serializeCookie(SESSION_COOKIE, '', { httpOnly: true, secure, maxAge: 0 }),
  serializeCookie(CSRF_COOKIE, '', { httpOnly: false, secure, maxAge: 0 }),
];
