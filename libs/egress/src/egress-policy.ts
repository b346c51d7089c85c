import ipaddr from 'ipaddr.js';
import type { ConcordConfig } from '#config';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface EgressOptions {
  /** Private networks that may be reached all the same (CONCORD_WEBHOOK_ALLOW_PRIVATE): CIDRs or addresses. */
  allowPrivate: readonly string[];
  /** Only https URLs (production). */
  requireHttps: boolean;
}

/** What each special-purpose range is called in a refusal (ipaddr.js's range names). */
const LABELS: Record<string, string> = {
  unspecified: 'an unspecified',
  broadcast: 'a broadcast',
  multicast: 'a multicast',
  linkLocal: 'a link-local (cloud metadata)',
  loopback: 'a loopback',
  carrierGradeNat: 'a carrier-grade NAT (100.64.0.0/10)',
  private: 'a private (RFC 1918)',
  reserved: 'a reserved',
  benchmarking: 'a benchmarking',
  uniqueLocal: 'a unique-local (fc00::/7)',
  rfc6052: 'a NAT64 local-use',
  discard: 'a discard-only',
  '6to4': 'a 6to4',
  teredo: 'a Teredo',
};

/**
 * Ranges no allow-list admits: link-local (169.254.0.0/16 and fe80::/10, where cloud metadata services live,
 * 169.254.169.254 included), the unspecified address (0.0.0.0 reaches the local host), broadcast and multicast.
 */
const NEVER = new Set(['linkLocal', 'unspecified', 'broadcast', 'multicast']);
/** The ranges on-premise receivers live in, which a refusal suggests admitting through the allow-list. */
const LISTABLE = new Set(['private', 'loopback', 'carrierGradeNat', 'uniqueLocal']);

/** Cloud metadata and platform endpoints outside link-local: never reachable, whatever the allow-list says. */
const METADATA_ADDRESSES = [
  '100.100.100.200', // Alibaba Cloud metadata (inside 100.64.0.0/10)
  '168.63.129.16', // Azure platform (wireserver): a public-looking address
  'fd00:ec2::254', // AWS metadata over IPv6
].map((a) => ipaddr.parse(a).toNormalizedString());

/** Names of metadata services, refused before any lookup (what they resolve to is refused anyway). */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
]);

/** IANA's global unicast space: every other IPv6 address is special-purpose or unassigned. */
const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/**
 * Where Concord may send a request on a department's behalf (its webhook): public addresses over http(s), and
 * the private networks the deployment lists. Checked when a webhook URL is accepted and again on every
 * connection, against each address the host name resolves to (see egress-agent.ts).
 */
export class EgressPolicy {
  private readonly allowed: Array<[Address, number]>;

  constructor(readonly options: EgressOptions) {
    this.allowed = options.allowPrivate.map((entry) => {
      if (entry.includes('/')) return ipaddr.parseCIDR(entry);
      const address = ipaddr.parse(entry);
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    });
  }

  /**
   * Why a webhook may not be sent to `raw`, as the end of a sentence about the URL ("must use https"), or
   * null. A host name is checked by name here; what it resolves to is checked when connecting.
   */
  refuseUrl(raw: string): string | null {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'must be an absolute URL';
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use http or https';
    if (this.options.requireHttps && url.protocol !== 'https:') return 'must use https';
    if (url.username || url.password) return 'must not carry credentials (user:password@)';
    // The WHATWG parser has already turned 0x7f.1, 2130706433 and the like into dotted IPv4.
    const host = url.hostname;
    if (host.startsWith('[')) return this.pointsAt(host.slice(1, -1));
    if (ipaddr.IPv4.isValidFourPartDecimal(host)) return this.pointsAt(host);
    const name = host.replace(/\.+$/, '').toLowerCase();
    if (name === 'localhost' || name.endsWith('.localhost')) return 'must not name the local host';
    if (METADATA_HOSTS.has(name)) return 'must not name a cloud metadata service';
    return null;
  }

  /** Why `address` may not be connected to ("a loopback address"), or null. */
  refuseAddress(address: string): string | null {
    return this.judge(address)?.refused ?? null;
  }

  private pointsAt(address: string): string | null {
    const verdict = this.judge(address);
    if (!verdict) return null;
    return `must not point at ${verdict.refused}${verdict.listable ? ' unless CONCORD_WEBHOOK_ALLOW_PRIVATE admits it' : ''}`;
  }

  /** Null when the address may be reached; else why not, and whether the allow-list could admit it. */
  private judge(address: string): { refused: string; listable: boolean } | null {
    let parsed: Address;
    try {
      parsed = ipaddr.parse(address);
    } catch {
      return { refused: 'not an IP address', listable: false };
    }
    // An IPv6 form of an IPv4 address (mapped, translated, NAT64, compatible) is judged as that address.
    const effective = embeddedIPv4(parsed) ?? parsed;
    if (METADATA_ADDRESSES.includes(effective.toNormalizedString()))
      return { refused: 'a cloud metadata address', listable: false };
    const range = rangeOf(effective);
    if (range === 'unicast') return null;
    const refused = `${LABELS[range] ?? `a special-purpose (${range})`} address`;
    if (NEVER.has(range)) return { refused, listable: false };
    if (this.allowed.some(([network, bits]) => network.kind() === effective.kind() && effective.match(network, bits)))
      return null;
    return { refused, listable: LISTABLE.has(range) };
  }
}

/** ipaddr.js's range, where IPv6 outside 2000::/3 counts as reserved (it names only some special ranges). */
function rangeOf(address: Address): string {
  const range = address.range();
  if (range === 'unicast' && address.kind() === 'ipv6' && !address.match(GLOBAL_UNICAST)) return 'reserved';
  return range;
}

/** The IPv4 address an IPv6 address stands for, if it is one of the forms that embed one. */
function embeddedIPv4(address: Address): ipaddr.IPv4 | null {
  if (address.kind() !== 'ipv6') return null;
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  if (range === 'unspecified' || range === 'loopback') return null;
  const embedded = range === 'ipv4Mapped' || range === 'rfc6145' || v6.match(NAT64) || v6.match(IPV4_COMPATIBLE);
  if (!embedded) return null;
  const [high, low] = v6.parts.slice(6) as [number, number];
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** The policy for department webhooks, from CONCORD_WEBHOOK_ALLOW_PRIVATE and NODE_ENV. */
export const webhookEgress = (config: Pick<ConcordConfig, 'webhookAllowPrivate' | 'webhookRequireHttps'>) =>
  new EgressPolicy({ allowPrivate: config.webhookAllowPrivate, requireHttps: config.webhookRequireHttps });
