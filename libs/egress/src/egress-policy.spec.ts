import { EgressPolicy } from './egress-policy.js';

const open = new EgressPolicy({ allowPrivate: [], requireHttps: false });

describe('the egress policy for webhook URLs', () => {
  it.each([
    // scheme and credentials
    ['file:///etc/passwd', 'must use http or https'],
    ['gopher://example.com/', 'must use http or https'],
    ['ftp://example.com/hook', 'must use http or https'],
    ['not a url', 'must be an absolute URL'],
    ['https://user:secret@hooks.example.com/', 'must not carry credentials (user:password@)'],
    ['https://user@hooks.example.com/', 'must not carry credentials (user:password@)'],
    // loopback, however it is spelt
    [
      'http://127.0.0.1:8080/hook',
      'must not point at a loopback address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it',
    ],
    ['http://127.8.9.10/', 'must not point at a loopback address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it'],
    ['http://127.1/', 'must not point at a loopback address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it'],
    ['http://0x7f.0.0.1/', 'must not point at a loopback address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it'],
    ['http://2130706433/', 'must not point at a loopback address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it'],
    ['http://0177.0.0.1/', 'must not point at a loopback address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it'],
    ['http://127.0.0.1./', 'must not point at a loopback address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it'],
    ['http://[::1]/', 'must not point at a loopback address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it'],
    ['http://localhost:3000/', 'must not name the local host'],
    ['http://LocalHost./', 'must not name the local host'],
    ['http://hooks.localhost/', 'must not name the local host'],
    // unspecified, broadcast, multicast
    ['http://0.0.0.0/', 'must not point at an unspecified address'],
    ['http://0/', 'must not point at an unspecified address'],
    ['http://0.1.2.3/', 'must not point at an unspecified address'],
    ['http://[::]/', 'must not point at an unspecified address'],
    ['http://255.255.255.255/', 'must not point at a broadcast address'],
    ['http://224.0.0.251/', 'must not point at a multicast address'],
    ['http://239.1.2.3/', 'must not point at a multicast address'],
    ['http://[ff02::1]/', 'must not point at a multicast address'],
    // RFC 1918, CGNAT, unique-local
    [
      'http://10.0.0.5/',
      'must not point at a private (RFC 1918) address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it',
    ],
    [
      'http://172.16.0.1/',
      'must not point at a private (RFC 1918) address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it',
    ],
    [
      'http://172.31.255.254/',
      'must not point at a private (RFC 1918) address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it',
    ],
    [
      'http://192.168.1.20/',
      'must not point at a private (RFC 1918) address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it',
    ],
    [
      'http://100.64.0.1/',
      'must not point at a carrier-grade NAT (100.64.0.0/10) address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it',
    ],
    [
      'http://[fc00::1]/',
      'must not point at a unique-local (fc00::/7) address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it',
    ],
    [
      'http://[fd12:3456::1]/',
      'must not point at a unique-local (fc00::/7) address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it',
    ],
    // link-local and cloud metadata
    ['http://169.254.169.254/latest/meta-data/', 'must not point at a link-local (cloud metadata) address'],
    ['http://169.254.0.23/', 'must not point at a link-local (cloud metadata) address'],
    ['http://[fe80::1]/', 'must not point at a link-local (cloud metadata) address'],
    ['http://[fd00:ec2::254]/', 'must not point at a cloud metadata address'],
    ['http://100.100.100.200/latest/meta-data', 'must not point at a cloud metadata address'],
    ['http://168.63.129.16/', 'must not point at a cloud metadata address'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'must not name a cloud metadata service'],
    ['http://metadata/', 'must not name a cloud metadata service'],
    ['http://instance-data/latest/', 'must not name a cloud metadata service'],
    ['http://metadata.tencentyun.com/', 'must not name a cloud metadata service'],
    // reserved, documentation and benchmarking ranges
    ['http://192.0.0.8/', 'must not point at a reserved address'],
    ['http://192.0.2.1/', 'must not point at a reserved address'],
    ['http://198.18.0.1/', 'must not point at a reserved address'],
    ['http://198.51.100.7/', 'must not point at a reserved address'],
    ['http://203.0.113.9/', 'must not point at a reserved address'],
    ['http://240.0.0.1/', 'must not point at a reserved address'],
    ['http://[2001:db8::1]/', 'must not point at a reserved address'],
    ['http://[2001:2::1]/', 'must not point at a benchmarking address'],
    ['http://[100::1]/', 'must not point at a discard-only address'],
    ['http://[4000::1]/', 'must not point at a reserved address'], // outside 2000::/3, the global unicast space
    // IPv6 forms of IPv4 addresses are judged as the IPv4 address
    [
      'http://[::ffff:127.0.0.1]/',
      'must not point at a loopback address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it',
    ],
    ['http://[::ffff:169.254.169.254]/', 'must not point at a link-local (cloud metadata) address'],
    [
      'http://[::ffff:0:10.1.2.3]/',
      'must not point at a private (RFC 1918) address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it',
    ],
    ['http://[::127.0.0.1]/', 'must not point at a loopback address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it'],
    ['http://[64:ff9b::169.254.169.254]/', 'must not point at a link-local (cloud metadata) address'],
    [
      'http://[64:ff9b::10.0.0.1]/',
      'must not point at a private (RFC 1918) address unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it',
    ],
    ['http://[64:ff9b:1::a00:1]/', 'must not point at a NAT64 local-use address'],
    ['http://[2002:7f00:1::]/', 'must not point at a 6to4 address'],
  ])('refuses %s: %s', (url, reason) => {
    expect(open.refuseUrl(url)).toBe(reason);
  });

  it.each([
    'https://hooks.justice.example.gov.cn/concord',
    'http://hooks.example.com:8443/referrals?token=abc',
    'https://8.8.8.8/hook',
    'https://[2001:4860:4860::8888]/hook',
    'http://[64:ff9b::808:808]/', // NAT64 of a public address
    'http://[::ffff:8.8.8.8]/',
    'https://metadata.example.com/', // only the metadata services' own names are refused
    'https://receiver.internal/', // a private name is judged by what it resolves to, when connecting
  ])('accepts %s', (url) => {
    expect(open.refuseUrl(url)).toBeNull();
  });

  it('requires https in production', () => {
    const production = new EgressPolicy({ allowPrivate: [], requireHttps: true });
    expect(production.refuseUrl('http://hooks.example.com/')).toBe('must use https');
    expect(production.refuseUrl('https://hooks.example.com/')).toBeNull();
  });

  it('admits the private networks the deployment lists, and nothing next to them', () => {
    const onPremise = new EgressPolicy({
      allowPrivate: ['10.20.0.0/16', '192.168.1.20', 'fd12:3456::/32', '127.0.0.1'],
      requireHttps: false,
    });
    for (const admitted of [
      '10.20.0.1',
      '10.20.255.254',
      '192.168.1.20',
      'fd12:3456::1',
      '127.0.0.1',
      '::ffff:10.20.3.4',
    ]) {
      expect({ admitted, refused: onPremise.refuseAddress(admitted) }).toEqual({ admitted, refused: null });
    }
    for (const refused of ['10.21.0.1', '192.168.1.21', 'fd12:3457::1', '127.0.0.2', '172.16.0.1']) {
      expect({ refused, reason: onPremise.refuseAddress(refused) }).toEqual({
        refused,
        reason: expect.stringMatching(/address$/),
      });
    }
  });

  it('never admits link-local, metadata, unspecified, broadcast or multicast addresses, whatever is listed', () => {
    const everything = new EgressPolicy({ allowPrivate: ['0.0.0.0/0', '::/0'], requireHttps: false });
    for (const address of [
      '169.254.169.254',
      'fe80::1',
      'fd00:ec2::254',
      '100.100.100.200',
      '0.0.0.0',
      '255.255.255.255',
      '224.0.0.1',
      'ff02::1',
    ]) {
      expect({ address, refused: everything.refuseAddress(address) }).toEqual({ address, refused: expect.any(String) });
    }
    expect(everything.refuseAddress('10.1.2.3')).toBeNull();
  });

  it('judges resolved addresses the same way as literal ones', () => {
    expect(open.refuseAddress('127.0.0.1')).toBe('a loopback address');
    expect(open.refuseAddress('::ffff:7f00:1')).toBe('a loopback address');
    expect(open.refuseAddress('93.184.215.14')).toBeNull();
    expect(open.refuseAddress('not-an-address')).toBe('not an IP address');
  });
});
