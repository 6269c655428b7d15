import { InputError, NotFoundError } from '@backstage/errors';
import {
  Host,
  HostCluster,
  HostDetails,
  ListHostsQuery,
  Page,
  PoolSummary,
  RegisterHostRequest,
  UpdateHostRequest,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { ClaimCoordinator } from '../claims';
import { HostSearch } from '../database/HostSearch';
import { HostStore } from '../database/HostStore';
import { CredentialGate } from '../credentials/CredentialGate';
import { bmcKeyColumns } from '../database/bmcAddress';
import { DuplicateHostError } from '../database/errors';
import { recoverHost } from '../lifecycle/hostActions';
import { BmcAddressPolicy } from './bmcAddressPolicy';
import { BmcSystem } from '../lifecycle/types';
import {
  BmcSystems,
  missingSystemRefusal,
  systemsAtRegistration,
} from './namedSystem';

export { DuplicateHostError };

/** How many recent state changes a host's detail view carries. */
const RECENT_EVENTS = 50;

/**
 * The host inventory as operators use it: register, describe, find, and the
 * two interventions (release a held host, recover a failed one).
 */
export interface InventoryServiceOptions {
  knex: Knex;
  claims: Pick<ClaimCoordinator, 'release'>;
  /** Called after a write that reconcilers should act on soon. */
  onChange?: (hostId: string) => void;
  bmcAddresses?: BmcAddressPolicy;
  /** Refuses a registration whose credential may not go to its BMC. */
  credentials?: Pick<CredentialGate, 'refusal'>;
  /** Asks a BMC which systems it has, so that a named one is known to exist. */
  systems?: BmcSystems;
  /** Which Cluster API cluster each host serves (with `beskar7.kubernetes`). */
  clusters?: HostClusters;
}

/** The part of the cluster view that hosts show. */
export interface HostClusters {
  hostClusters(): Promise<Map<string, HostCluster>>;
  hostIdsOf(cluster: string): Promise<string[]>;
}

/**
 * The host inventory as operators use it: register, describe, find, and the
 * two interventions (release a held host, recover a failed one).
 */
export class InventoryService {
  private readonly knex: Knex;
  private readonly claims: Pick<ClaimCoordinator, 'release'>;
  private readonly onChange: (hostId: string) => void;
  private readonly bmcAddresses: BmcAddressPolicy;
  private readonly credentials?: Pick<CredentialGate, 'refusal'>;
  private readonly systems?: BmcSystems;
  private readonly clusters?: HostClusters;
  private readonly hosts: HostStore;
  private readonly search: HostSearch;

  constructor(options: InventoryServiceOptions) {
    this.knex = options.knex;
    this.claims = options.claims;
    this.onChange = options.onChange ?? (() => {});
    this.bmcAddresses =
      options.bmcAddresses ?? BmcAddressPolicy.create(undefined);
    this.credentials = options.credentials;
    this.systems = options.systems;
    this.clusters = options.clusters;
    this.hosts = new HostStore(this.knex);
    this.search = new HostSearch(this.knex);
  }

  async listHosts(query: ListHostsQuery): Promise<Page<Host>> {
    let onlyIds: string[] | undefined;
    if (query.cluster) {
      // Without the Kubernetes side no host serves a cluster.
      onlyIds = (await this.clusters?.hostIdsOf(query.cluster)) ?? [];
    }
    const page = await this.search.search(query, onlyIds);
    return { ...page, items: await this.withClusters(page.items) };
  }

  pools(): Promise<PoolSummary[]> {
    return this.search.poolSummaries();
  }

  async getHost(id: string): Promise<HostDetails> {
    const [host] = await this.withClusters([await this.requireHost(id)]);
    const events = await this.hosts.listEvents(id);
    return { ...host, events: events.slice(-RECENT_EVENTS).reverse() };
  }

  async registerHost(
    request: RegisterHostRequest & { namespace: string; pool: string },
  ): Promise<Host> {
    const refusal = await this.bmcAddresses.refusal(request.bmc.address);
    if (refusal) {
      throw new InputError(
        `Invalid host registration: bmc.address: ${refusal}`,
      );
    }
    const credentialRefusal = await this.credentials?.refusal(request);
    if (credentialRefusal) throw credentialRefusal;
    const key = registrationKey(request.bmc.address);
    const listed =
      this.systems && (await systemsAtRegistration(this.systems, request));
    if (key.system_id && listed) {
      const missing = missingSystemRefusal(listed, key.system_id);
      if (missing) {
        throw new InputError(
          `Invalid host registration: bmc.address: ${missing}`,
        );
      }
    }
    // A bare BMC address stands for every system of the BMC not registered
    // yet: it takes the first free one's identity, so that a race of
    // spellings is decided by the unique index.
    let systemIdentity: string | undefined;
    if (key.system_id) {
      systemIdentity = listed?.find(s => s.id === key.system_id)?.identity;
      const sameServer =
        systemIdentity && (await this.hosts.sameServer(systemIdentity));
      if (sameServer) throw sameServer;
    } else if (listed) {
      const { free, holder } = await this.firstFreeSystem(
        key.bmc_endpoint,
        listed,
      );
      if (!free) throw holder;
      systemIdentity = free.identity;
    } else {
      const [sameBmc] = await this.hosts.listByEndpoint(key.bmc_endpoint);
      // Without the BMC's answer, any host of the BMC stands for all of it.
      if (sameBmc) {
        throw new DuplicateHostError(sameBmc, `BMC ${key.bmc_endpoint}`);
      }
    }
    const host = await this.hosts.create({
      ...request,
      systemIdentity,
      state: 'Enrolling',
    });
    this.onChange(host.id);
    return host;
  }

  async updateHost(id: string, patch: UpdateHostRequest): Promise<Host> {
    const host = await this.requireHost(id);
    const { bmc, ...rest } = patch;
    return this.hosts.update(id, host.version, {
      ...rest,
      ...(bmc && {
        bmc: {
          ...host.bmc,
          insecureSkipVerify:
            bmc.insecureSkipVerify ?? host.bmc.insecureSkipVerify,
          caBundleRef:
            bmc.caBundleRef === null
              ? undefined
              : bmc.caBundleRef ?? host.bmc.caBundleRef,
        },
      }),
    });
  }

  deleteHost(id: string): Promise<void> {
    return this.hosts.delete(id);
  }

  /** Releases whatever machine holds the host; the host goes through Deprovisioning. */
  async releaseHost(id: string): Promise<Host> {
    const host = await this.requireHost(id);
    if (host.consumerId) {
      await this.claims.release(host.consumerId);
      this.onChange(id);
    }
    return this.requireHost(id);
  }

  /**
   * Recovers a host in Error (see lifecycle's recoverHost: a failed
   * deprovisioning runs again, anything else is inspected again); `message`
   * says who asked, in the host's history.
   */
  async recoverHost(id: string, message?: string): Promise<Host> {
    await recoverHost(this.knex, { hostId: id, message }, undefined);
    this.onChange(id);
    return this.requireHost(id);
  }

  /**
   * The first system of the BMC no host is (by system id or by what it
   * says it is); else the host holding the first system.
   */
  private async firstFreeSystem(
    endpoint: string,
    listed: BmcSystem[],
  ): Promise<{ free?: BmcSystem; holder?: DuplicateHostError }> {
    const registered = await this.hosts.listByEndpoint(endpoint);
    let holder: DuplicateHostError | undefined;
    for (const system of listed) {
      const byId = registered.find(h => h.systemId === system.id);
      const duplicate = byId
        ? new DuplicateHostError(byId, `System ${system.id} of BMC ${endpoint}`)
        : system.identity && (await this.hosts.sameServer(system.identity));
      if (!duplicate) return { free: system };
      holder ??= duplicate;
    }
    return { holder };
  }

  /**
   * Hosts with the cluster they serve. The inventory answers without it
   * when the Kubernetes API cannot be read: hosts matter more than labels.
   */
  private async withClusters(hosts: Host[]): Promise<Host[]> {
    const clusters = await this.clusters?.hostClusters().catch(() => undefined);
    if (!clusters) return hosts;
    return hosts.map(host => {
      const cluster = clusters.get(host.id);
      return cluster ? { ...host, cluster } : host;
    });
  }

  private async requireHost(id: string): Promise<Host> {
    const host = await this.hosts.get(id);
    if (!host) throw new NotFoundError(`Host ${id} not found`);
    return host;
  }
}

function registrationKey(address: string) {
  try {
    return bmcKeyColumns(address);
  } catch (error) {
    throw new InputError(
      `Invalid host registration: ${(error as Error).message}`,
    );
  }
}
