import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { LookupFunction } from 'node:net';

/** Why a BMC must not be reached at this resolved address, or undefined. */
export type ResolvedAddressCheck = (address: string) => string | undefined;

/**
 * A DNS lookup for BMC connections that refuses addresses the check
 * refuses. A BMC name is checked when the host is registered, but DNS may
 * answer differently by the time the backend connects (rebinding to a
 * metadata or link-local address): this checks what is connected to.
 */
export function guardedLookup(
  check: ResolvedAddressCheck,
  lookup: typeof dnsLookup = dnsLookup,
): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (error, address, family) => {
      if (error) {
        callback(error, address, family);
        return;
      }
      const resolved: LookupAddress[] = Array.isArray(address)
        ? address
        : [{ address, family: family ?? 4 }];
      for (const candidate of resolved) {
        const refusal = check(candidate.address);
        if (refusal) {
          callback(
            Object.assign(new Error(`${hostname} resolves to ${refusal}`), {
              code: 'EBMCADDRESSREFUSED',
            }),
            address,
            family,
          );
          return;
        }
      }
      callback(null, address, family);
    });
  };
}
