import { createHash } from 'node:crypto';
import {
  BmcCircuitStatus,
  BmcConnection,
} from '@beskar7/backstage-plugin-beskar7-common';
import { VendorQuirks } from '@beskar7/backstage-plugin-beskar7-node';
import { DEFAULT_RETRY_POLICY } from './backoff';
import { CircuitBreaker, DEFAULT_CIRCUIT_BREAKER } from './circuitBreaker';
import { RedfishClient } from './client';
import { parseBmcEndpoint, systemIdOf } from './bmcEndpoint';
import { DiscoveredService, discoverService } from './discovery';
import { RedfishError } from './errors';
import { RedfishProvisioner } from './provisioner';
import { HttpTransport } from './transport';
import { BmcCredentials, BmcProvisioner, RedfishClientOptions } from './types';
import { guardedLookup } from './guardedLookup';

export interface BmcProvisionerFactoryOptions extends RedfishClientOptions {
  /** Vendors from the extension point, tried before the built-in table. */
  vendors?: VendorQuirks[];
  /**
   * How long a BMC's session outlives its last open provisioner, so that
   * back-to-back operations reuse it. 0 logs out as soon as the last closes.
   */
  sessionIdleMs?: number;
}

interface BmcEntry {
  client: RedfishClient;
  /** Tells a password change apart without keeping a second copy of the password. */
  credentialsDigest: string;
  insecure: boolean;
  ca?: string;
  /** Discovery per ComputerSystem id ('' for the first system). */
  services: Map<string, Promise<DiscoveredService>>;
  users: number;
  idleTimer?: NodeJS.Timeout;
}

/**
 * Hands out provisioners and keeps, per BMC, one client (its session,
 * connections and discovery) and one circuit breaker.
 */
export class BmcProvisionerFactory {
  private readonly bmcs = new Map<string, BmcEntry>();
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly vendors: VendorQuirks[];

  constructor(private readonly options: BmcProvisionerFactoryOptions = {}) {
    this.vendors = [...(options.vendors ?? [])];
  }

  addVendor(quirks: VendorQuirks): void {
    this.vendors.push(quirks);
  }

  /**
   * A provisioner for one host; close it when done. `caBundle` is the PEM
   * bundle of the host's `caBundleRef` when the caller resolved it;
   * otherwise the factory's own `caBundles` must hold it. `signal` ends the
   * provisioner's requests (an operation's deadline, a stopping replica).
   */
  forHost(
    connection: BmcConnection & { systemId?: string },
    credentials: BmcCredentials,
    caBundle?: string,
    signal?: AbortSignal,
  ): BmcProvisioner {
    const origin = originOf(connection.address);
    const ca = caBundle ?? this.caBundle(connection);
    let entry = this.bmcs.get(origin);
    if (
      entry &&
      !sameSettings(entry, credentials, connection.insecureSkipVerify, ca)
    ) {
      this.retire(origin, entry);
      entry = undefined;
    }
    if (!entry) {
      entry = this.createEntry(
        origin,
        credentials,
        connection.insecureSkipVerify,
        ca,
      );
      this.bmcs.set(origin, entry);
    }
    clearTimeout(entry.idleTimer);
    entry.users += 1;
    const current = entry;
    const systemId =
      connection.systemId ?? parseBmcEndpoint(connection.address).systemId;
    return new RedfishProvisioner(
      {
        client: signal ? current.client.withSignal(signal) : current.client,
        service: () => this.service(current, systemId),
        release: () => this.release(origin, current),
      },
      {
        logger: this.options.logger,
        onOperation: this.options.onOperation,
        powerSettleTimeoutMs: this.options.powerSettleTimeoutMs ?? 300_000,
        powerPollIntervalMs: this.options.powerPollIntervalMs ?? 2_000,
      },
    );
  }

  circuitStatus(address: string): BmcCircuitStatus | undefined {
    return this.breakers.get(originOf(address))?.status();
  }

  circuitStatuses(): BmcCircuitStatus[] {
    return [...this.breakers.values()].map(b => b.status());
  }

  /** Logs out of every BMC and closes the connections (backend shutdown). */
  async close(): Promise<void> {
    const entries = [...this.bmcs.entries()];
    this.bmcs.clear();
    await Promise.all(
      entries.map(([, entry]) => {
        clearTimeout(entry.idleTimer);
        return entry.client.close();
      }),
    );
  }

  private createEntry(
    origin: string,
    credentials: BmcCredentials,
    insecure: boolean,
    ca: string | undefined,
  ): BmcEntry {
    let breaker = this.breakers.get(origin);
    if (!breaker) {
      breaker = new CircuitBreaker(origin, {
        ...DEFAULT_CIRCUIT_BREAKER,
        ...this.options.circuitBreaker,
      });
      this.breakers.set(origin, breaker);
    }
    const transport = new HttpTransport(origin, {
      ca,
      insecureSkipVerify: insecure,
      timeoutMs: this.options.requestTimeoutMs ?? 15_000,
      lookup:
        this.options.resolvedAddressCheck &&
        guardedLookup(this.options.resolvedAddressCheck),
    });
    const client = new RedfishClient({
      transport,
      credentials,
      breaker,
      retry: { ...DEFAULT_RETRY_POLICY, ...this.options.retry },
      logger: this.options.logger,
    });
    return {
      client,
      credentialsDigest: digest(credentials),
      insecure,
      ca,
      services: new Map(),
      users: 0,
    };
  }

  private service(
    entry: BmcEntry,
    systemId: string | undefined,
  ): Promise<DiscoveredService> {
    const key = systemId ?? '';
    let service = entry.services.get(key);
    if (!service) {
      service = discoverService(entry.client, this.vendors, systemId).catch(
        e => {
          entry.services.delete(key);
          throw e;
        },
      );
      entry.services.set(key, service);
    }
    return service;
  }

  /** The ComputerSystem ids a BMC lists; closes what it opened. */
  async listSystems(
    connection: BmcConnection,
    credentials: BmcCredentials,
    caBundle?: string,
    signal?: AbortSignal,
  ): Promise<string[]> {
    const provisioner = this.forHost(connection, credentials, caBundle, signal);
    try {
      return (await provisioner.systems()).map(systemIdOf);
    } finally {
      await provisioner.close();
    }
  }

  private async release(origin: string, entry: BmcEntry): Promise<void> {
    entry.users -= 1;
    if (entry.users > 0) {
      return;
    }
    const idleMs = this.options.sessionIdleMs ?? 60_000;
    if (idleMs <= 0) {
      // A one-off user (bmc:check) may exit right after: log out first.
      await this.retire(origin, entry);
      return;
    }
    entry.idleTimer = setTimeout(() => this.retire(origin, entry), idleMs);
    entry.idleTimer.unref();
  }

  /** Logs out and closes; never fails, the BMC expires the session anyway. */
  private async retire(origin: string, entry: BmcEntry): Promise<void> {
    clearTimeout(entry.idleTimer);
    if (this.bmcs.get(origin) === entry) {
      this.bmcs.delete(origin);
    }
    await entry.client.close().catch(() => undefined);
  }

  private caBundle(connection: BmcConnection): string | undefined {
    if (!connection.caBundleRef) {
      return undefined;
    }
    const ca = this.options.caBundles?.[connection.caBundleRef];
    if (!ca) {
      // Falling back to the system CAs would silently trust something else.
      throw new RedfishError(
        `CA bundle ${connection.caBundleRef} for BMC ${connection.address} is not configured`,
        connection.address,
      );
    }
    return ca;
  }
}

/**
 * A single provisioner with its own client, for one-off use; closing it logs
 * out of the BMC.
 */
export function createBmcProvisioner(
  connection: BmcConnection,
  credentials: BmcCredentials,
  options: BmcProvisionerFactoryOptions = {},
): BmcProvisioner {
  return new BmcProvisionerFactory({ ...options, sessionIdleMs: 0 }).forHost(
    connection,
    credentials,
  );
}

function originOf(address: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(address)
    ? address
    : `https://${address}`;
  const url = new URL(withScheme);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RedfishError(
      `BMC address ${address} is not an http(s) URL`,
      address,
    );
  }
  return url.origin;
}

function sameSettings(
  entry: BmcEntry,
  credentials: BmcCredentials,
  insecure: boolean,
  ca: string | undefined,
): boolean {
  return (
    entry.credentialsDigest === digest(credentials) &&
    entry.insecure === insecure &&
    entry.ca === ca
  );
}

function digest(credentials: BmcCredentials): string {
  return createHash('sha256')
    .update(credentials.username)
    .update('\0')
    .update(credentials.password)
    .digest('hex');
}
