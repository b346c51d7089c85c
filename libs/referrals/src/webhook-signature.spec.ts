import { SIGNATURE_HEADER, signatureHeader, signBody, verifySignature } from './webhook-signature.js';

// Expected values computed outside this code, with `printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret"`.
const SECRET = 'whsec_concord_test_0123456789';
const BODY = '{"specversion":"1.0","id":"0190f5a0-0000-7000-8000-000000000001","data":{"note":"调解"}}';
const BODY_SIGNATURE = 'sha256=9de69c0fd76276dac220135cd4c5f38860c6ceab56561437a8f4276f64281213';

describe('webhook signatures', () => {
  it('is the hex HMAC-SHA256 of the raw UTF-8 body, prefixed sha256=', () => {
    expect(SIGNATURE_HEADER).toBe('X-Concord-Signature');
    expect(signBody(SECRET, BODY)).toBe(BODY_SIGNATURE);
    expect(signBody(SECRET, Buffer.from(BODY, 'utf8'))).toBe(BODY_SIGNATURE);
    // The widely published HMAC-SHA256 example, so a wrong algorithm cannot hide behind a wrong fixture.
    expect(signBody('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });

  it('verifies the right signature and refuses a tampered body, another secret or a malformed header', () => {
    expect(verifySignature(SECRET, BODY, BODY_SIGNATURE)).toBe(true);
    expect(verifySignature(SECRET, BODY, BODY_SIGNATURE.toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
    expect(verifySignature(SECRET, BODY.replace('调解', '调查'), BODY_SIGNATURE)).toBe(false);
    expect(verifySignature(SECRET, `${BODY} `, BODY_SIGNATURE)).toBe(false);
    expect(verifySignature(`${SECRET}x`, BODY, BODY_SIGNATURE)).toBe(false);
    expect(verifySignature(SECRET, BODY, BODY_SIGNATURE.slice(0, -2))).toBe(false);
    expect(verifySignature(SECRET, BODY, BODY_SIGNATURE.replace('sha256=', ''))).toBe(false);
    expect(verifySignature(SECRET, BODY, undefined)).toBe(false);
  });

  it('lists one signature per secret during a rotation, newest first, and verifies a header listing several', () => {
    const previous = `${SECRET}-previous`;
    const header = signatureHeader([SECRET, previous], BODY);
    expect(header).toBe(`${BODY_SIGNATURE},${signBody(previous, BODY)}`);
    expect(signatureHeader([SECRET], BODY)).toBe(BODY_SIGNATURE);
    // A receiver holding either secret accepts the delivery; one holding neither does not.
    expect(verifySignature(SECRET, BODY, header)).toBe(true);
    expect(verifySignature(previous, BODY, header)).toBe(true);
    expect(verifySignature(`${SECRET}x`, BODY, header)).toBe(false);
    expect(verifySignature(previous, `${BODY} `, header)).toBe(false);
    // Spaces after the comma, either order, and empty entries are tolerated; a truncated entry never matches.
    expect(verifySignature(previous, BODY, `${signBody(previous, BODY)}, ${BODY_SIGNATURE}`)).toBe(true);
    expect(verifySignature(SECRET, BODY, `,${BODY_SIGNATURE},`)).toBe(true);
    expect(verifySignature(SECRET, BODY, `${BODY_SIGNATURE.slice(0, -1)},${signBody(previous, BODY)}`)).toBe(false);
  });
});
