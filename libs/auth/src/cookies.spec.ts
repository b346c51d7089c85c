import { parseCookies, serializeCookie } from './cookies.js';

describe('session cookies', () => {
  it('writes HttpOnly, SameSite=Lax cookies on /, Secure only when asked', () => {
    expect(serializeCookie('concord_session', 'abc_-1', { httpOnly: true, secure: false, maxAge: 3600 })).toBe(
      'concord_session=abc_-1; Path=/; Max-Age=3600; SameSite=Lax; HttpOnly',
    );
    expect(serializeCookie('concord_csrf', 'x', { httpOnly: false, secure: true, maxAge: 0 })).toBe(
      'concord_csrf=x; Path=/; Max-Age=0; SameSite=Lax; Secure',
    );
  });

  it('writes a cookie for one path when told', () => {
    expect(
      serializeCookie('concord_oidc', 's1', { httpOnly: true, secure: false, maxAge: 600, path: '/api/v1/x/callback' }),
    ).toBe('concord_oidc=s1; Path=/api/v1/x/callback; Max-Age=600; SameSite=Lax; HttpOnly');
  });

  it('refuses a value or path that would need escaping rather than writing a broken header', () => {
    expect(() => serializeCookie('concord_session', 'a;b', { httpOnly: true, secure: false, maxAge: 1 })).toThrow(
      'need escaping',
    );
    for (const path of ['api', '/a;b', '/a b', '/a\r\nSet-Cookie:x=1'])
      expect(() => serializeCookie('concord_oidc', 'x', { httpOnly: true, secure: false, maxAge: 1, path })).toThrow(
        'need escaping',
      );
  });

  it('reads a Cookie header, first of a repeated name, skipping malformed pairs', () => {
    const cookies = parseCookies('a=1; concord_session=tok; =x; junk; a=2;b= 3 ');
    expect(Object.fromEntries(cookies)).toEqual({ a: '1', concord_session: 'tok', b: '3' });
    expect(parseCookies(undefined).size).toBe(0);
    expect(parseCookies(['a=1', 'b=2']).get('b')).toBe('2');
  });
});
