import { BlockList, isIP } from 'node:net';

/** Resolves a host name to its addresses, like `dns.promises.lookup(name, { all: true })`. */
export type HostResolver = (
  hostname: string,
) => Promise<Array<{ address: string; family: number }>>;

type Family = 'ipv4' | 'ipv6';

interface Range {
  network: string;
  prefix: number;
  family: Family;
}

/**
 * Where a BMC must never be: link-local networks (the cloud metadata
 * services live there) and the metadata services' other addresses and
 * names. Reaching one of them with the backend's credentials would leak
 * them, whatever the operator typed.
 */
const FORBIDDEN_RANGES: Range[] = [
  { network: '169.254.0.0', prefix: 16, family: 'ipv4' },
  { network: 'fe80::', prefix: 10, family: 'ipv6' },
  // AWS's IPv6 instance metadata service.
  { network: 'fd00:ec2::254', prefix: 128, family: 'ipv6' },
  // Alibaba Cloud's metadata service.
  { network: '100.100.100.200', prefix: 32, family: 'ipv4' },
];

const FORBIDDEN_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

function familyOf(address: string): Family | undefined {
  const version = isIP(address);
  if (version === 4) return 'ipv4';
  if (version === 6) return 'ipv6';
  return undefined;
}

function rangeList(ranges: Range[]): BlockList {
  const list = new BlockList();
  for (const r of ranges) list.addSubnet(r.network, r.prefix, r.family);
  return list;
}

const FORBIDDEN = rangeList(FORBIDDEN_RANGES);

/** Host names compare without case and without the root's trailing dot. */
function canonicalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** The bare host of a URL: IPv6 literals lose their brackets. */
function hostOf(address: string): string | undefined {
  try {
    return canonicalName(new URL(address).hostname.replace(/^\[|\]$/g, ''));
  } catch {
    return undefined;
  }
}

function parseRange(entry: string): Range | undefined {
  const [network, prefixText, ...rest] = entry.split('/');
  const family = familyOf(network);
  if (!family || rest.length > 0) return undefined;
  const max = family === 'ipv4' ? 32 : 128;
  if (prefixText === undefined) return { network, prefix: max, family };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= max ? { network, prefix, family } : undefined;
}

const HOSTNAME =
  /^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;

/** Thrown for an allowlist entry that is neither a CIDR, an address nor a host name. */
export class BmcAllowlistEntryError extends Error {
  constructor(readonly index: number, readonly entry: string) {
    super(
      `${JSON.stringify(
        entry,
      )} is not a CIDR, an IP address, a host name or *.domain`,
    );
  }
}

/**
 * Decides which BMC addresses hosts may be registered with. Link-local and
 * cloud metadata addresses are refused unless an entry names them on
 * purpose: a range no wider than the forbidden one that holds them, or the
 * metadata host name itself (`0.0.0.0/0` does not count). With an allowlist,
 * every other address must match an entry too; a host name matches a name
 * entry, or resolves only to addresses inside range entries.
 */
export class BmcAddressPolicy {
  private readonly allowed: BlockList;
  private readonly explicitlyForbidden: BlockList;
  private readonly names: Set<string>;
  private readonly suffixes: string[];

  private constructor(
    readonly entries: string[] | undefined,
    private readonly resolve: HostResolver | undefined,
    /** The config key of the entries, named in refusals. */
    private readonly key: string,
  ) {
    const ranges: Range[] = [];
    const names = new Set<string>();
    const suffixes: string[] = [];
    (entries ?? []).forEach((raw, index) => {
      const entry = canonicalName(raw.trim().replace(/^\[|\]$/g, ''));
      const range = parseRange(entry);
      if (range) {
        ranges.push(range);
      } else if (
        HOSTNAME.test(entry) &&
        entry.length <= 253 &&
        // A name whose last label is a number is a mistyped address.
        !/(^|\.)\d+$/.test(entry)
      ) {
        if (entry.startsWith('*.')) suffixes.push(entry.slice(1));
        else names.add(entry);
      } else {
        throw new BmcAllowlistEntryError(index, raw);
      }
    });
    this.allowed = rangeList(ranges);
    // A forbidden address counts as allowed only through an entry at least as narrow as its forbidden range.
    this.explicitlyForbidden = rangeList(
      ranges.filter(r =>
        FORBIDDEN_RANGES.some(
          f =>
            f.family === r.family &&
            r.prefix >= f.prefix &&
            rangeList([f]).check(r.network, r.family),
        ),
      ),
    );
    this.names = names;
    this.suffixes = suffixes;
  }

  /**
   * `entries` undefined: no allowlist, only the forbidden addresses are
   * refused. `resolve` looks up host names; without it names are judged by
   * name alone.
   */
  static create(
    entries: string[] | undefined,
    resolve?: HostResolver,
    key = 'beskar7.inventory.bmcAddressAllowlist',
  ): BmcAddressPolicy {
    return new BmcAddressPolicy(entries, resolve, key);
  }

  get hasAllowlist(): boolean {
    return this.entries !== undefined;
  }

  /**
   * Why a resolved IP address of a registered BMC is refused at connect
   * time, or undefined. Names were judged at registration (a name entry
   * allows a name whatever it resolves to); here only link-local and
   * metadata addresses are refused, which is what a rebinding would aim at.
   */
  refusalOfResolved(ip: string): string | undefined {
    const family = familyOf(ip);
    if (!family || !FORBIDDEN.check(ip, family)) return undefined;
    return this.refuseAddress(ip, family);
  }

  /** Why the address is refused, or undefined when it is allowed. */
  async refusal(address: string): Promise<string | undefined> {
    const host = hostOf(address);
    if (host === undefined || host === '') return 'is not a URL with a host';
    const family = familyOf(host);
    if (family) return this.refuseAddress(host, family);
    return this.refuseName(host);
  }

  private refuseAddress(ip: string, family: Family): string | undefined {
    if (FORBIDDEN.check(ip, family)) {
      return this.explicitlyForbidden.check(ip, family)
        ? undefined
        : `${ip} is a link-local or cloud metadata address; list its range in ${this.key} to allow it`;
    }
    if (this.hasAllowlist && !this.allowed.check(ip, family)) {
      return `${ip} is outside ${this.key}`;
    }
    return undefined;
  }

  private async refuseName(name: string): Promise<string | undefined> {
    const listed =
      this.names.has(name) || this.suffixes.some(s => name.endsWith(s));
    if (FORBIDDEN_NAMES.has(name) && !this.names.has(name)) {
      return `${name} is a cloud metadata service; list it in ${this.key} to allow it`;
    }
    if (listed) return undefined;
    const resolved = await this.lookup(name);
    if (resolved === undefined) {
      return this.hasAllowlist
        ? `${name} does not resolve, so it cannot be checked against ${this.key}`
        : undefined;
    }
    for (const { address } of resolved) {
      const family = familyOf(address);
      const refused = family && this.refuseAddress(address, family);
      if (refused) return `${name} resolves to ${refused}`;
    }
    return undefined;
  }

  private async lookup(
    name: string,
  ): Promise<Array<{ address: string }> | undefined> {
    if (!this.resolve) return undefined;
    try {
      const addresses = await this.resolve(name);
      return addresses.length > 0 ? addresses : undefined;
    } catch {
      return undefined;
    }
  }
}
