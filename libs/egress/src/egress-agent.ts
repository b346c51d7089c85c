import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { promisify } from 'node:util';
import { Agent } from 'undici';
import type { EgressPolicy } from './egress-policy.js';

/** Resolves a host name to every address it has (the system resolver by default; tests pass their own). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const lookupAll = promisify(dnsLookup);
export const systemResolver: Resolver = (hostname) => lookupAll(hostname, { all: true, order: 'verbatim' });

/** A connection refused by the egress policy; `reason` is for the operator's log, never for the API. */
export class AddressNotAllowed extends Error {
  override name = 'AddressNotAllowed';
  readonly code = 'ECONCORD_ADDRESS_NOT_ALLOWED';

  constructor(readonly reason: string) {
    super(`the address is not allowed: ${reason}`);
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * An undici dispatcher whose every new connection resolves the host itself, checks every address the name has
 * against the policy, and connects to the addresses it checked: one lookup, used for both, so a name that
 * answers differently a moment later (DNS rebinding) cannot slip a private address in. The URL's host name
 * still goes into the Host header and the TLS server name. A name with any refused address is refused whole:
 * the connection could otherwise land on it. Literal IP hosts are not looked up; EgressPolicy.refuseUrl
 * checks them before the request.
 */
export function egressAgent(policy: EgressPolicy, resolve: Resolver = systemResolver): Agent {
  const lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname).then(
      (found) => {
        const refused = found.map((a) => policy.refuseAddress(a.address)).find((r) => r !== null);
        if (refused) return callback(new AddressNotAllowed(`${hostname} resolves to ${refused}`), []);
        const family = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = family ? found.filter((a) => a.family === family) : found;
        if (!usable.length)
          return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
        if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
  return new Agent({ connect: { lookup } });
}

/** The refusal behind a failed request, if the egress policy refused its connection. */
export function notAllowedCause(error: unknown): AddressNotAllowed | null {
  for (let e = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if (e instanceof AddressNotAllowed) return e;
    if (e instanceof AggregateError) {
      const inner = e.errors.map(notAllowedCause).find(Boolean);
      if (inner) return inner;
    }
  }
  return null;
}
