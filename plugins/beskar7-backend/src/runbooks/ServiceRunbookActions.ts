import { Config, ConfigReader } from '@backstage/config';
import {
  BmcCircuitStatus,
  BmcProbeLayer,
  BmcProbeReport,
  Host,
  HostState,
  Machine,
  PoolSummary,
  ProvisioningJob,
  QueueStatus,
} from '@beskar7/backstage-plugin-beskar7-common';
import { NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { ProvisioningConfigError, validateProvisioningConfig } from '../config';
import { readClaimsConfig } from '../config/readClaimsConfig';
import { CredentialGate } from '../credentials/CredentialGate';
import { HostSearch } from '../database/HostSearch';
import { HostStore } from '../database/HostStore';
import { HOSTS_TABLE } from '../database/hostRows';
import { LeaseStore } from '../database/LeaseStore';
import { MACHINES_TABLE } from '../database/machineRows';
import { MachineStore } from '../database/MachineStore';
import { InventoryService } from '../inventory/InventoryService';
import { ProvisioningQueue } from '../queue';
import { probeBmc } from './bmcProbe';
import {
  ClaimInvariantReport,
  ConfigFieldProblem,
  CoordinationSettings,
  RunbookActions,
} from './ports';

export interface ServiceRunbookActionsOptions {
  knex: Knex;
  config: Config;
  queue: ProvisioningQueue;
  inventory: InventoryService;
  /** BMC logins, handed out only where each credential may go. */
  credentials: Pick<CredentialGate, 'loginFor'>;
  coordination: CoordinationSettings;
  circuits: () => BmcCircuitStatus[];
  /** The circuit breaker of the BMC at `address`, if this replica has one. */
  circuitOf: (address: string) => BmcCircuitStatus | undefined;
  /** Lists a host's systems through the backend's Redfish client and its breaker. */
  systemsOf: (host: Host, signal: AbortSignal) => Promise<string[]>;
}

/** How long a circuit probe may take: the client's retries included. */
const CIRCUIT_PROBE_TIMEOUT_MS = 20_000;

const KNOWN_SECTIONS = [
  'credentials',
  'caBundles',
  'inventory',
  'simulator',
  'kubernetes',
  'catalog',
];

/** The runbooks' hands: each action goes through the service that owns it. */
export class ServiceRunbookActions implements RunbookActions {
  private readonly hosts: HostStore;
  private readonly search: HostSearch;
  private readonly machines: MachineStore;

  constructor(private readonly options: ServiceRunbookActionsOptions) {
    this.hosts = new HostStore(options.knex);
    this.search = new HostSearch(options.knex);
    this.machines = new MachineStore(options.knex);
  }

  queueStatus(): Promise<QueueStatus> {
    return this.options.queue.status();
  }

  pauseQueue(): Promise<QueueStatus> {
    return this.options.queue.pause();
  }

  resumeQueue(): Promise<QueueStatus> {
    return this.options.queue.resume();
  }

  drainQueue(): Promise<QueueStatus> {
    return this.options.queue.drain();
  }

  async recentJobs(sinceMs: number): Promise<ProvisioningJob[]> {
    const jobs = await this.options.queue.listJobs({ limit: 500 });
    return jobs.filter(job => Date.parse(job.createdAt) >= sinceMs);
  }

  async listHosts(filter: {
    state?: HostState[];
    pool?: string;
  }): Promise<Host[]> {
    return (await this.search.search({ ...filter, limit: 500 })).items;
  }

  getHost(id: string): Promise<Host | undefined> {
    return this.hosts.get(id);
  }

  recoverHost(id: string, message: string): Promise<Host> {
    return this.options.inventory.recoverHost(id, message);
  }

  poolSummaries(): Promise<PoolSummary[]> {
    return this.search.poolSummaries();
  }

  pendingMachines(): Promise<Machine[]> {
    return this.machines.list({ phase: 'Pending', limit: 500 });
  }

  async coordination(): Promise<CoordinationSettings> {
    return this.options.coordination;
  }

  async clearCoordinationLeases(): Promise<{ cleared: string[] }> {
    return { cleared: await new LeaseStore(this.options.knex).releaseAll() };
  }

  async claimInvariants(): Promise<ClaimInvariantReport> {
    const { knex } = this.options;
    // A host's consumer must hold it back, and a machine's host must name it.
    const inconsistentHosts: Array<{ id: string }> = await knex(
      `${HOSTS_TABLE} as h`,
    )
      .leftJoin(`${MACHINES_TABLE} as m`, 'm.id', 'h.consumer_id')
      .whereNotNull('h.consumer_id')
      .where(q =>
        q.whereNull('m.id').orWhereRaw('m.host_id is distinct from h.id'),
      )
      .select('h.id');
    const machinesSharingHosts: Array<{ id: string }> = await knex(
      `${MACHINES_TABLE} as m`,
    )
      .join(`${HOSTS_TABLE} as h`, 'h.id', 'm.host_id')
      .whereRaw('h.consumer_id is distinct from m.id')
      .select('m.id');
    return {
      inconsistentHosts: inconsistentHosts.map(r => r.id),
      machinesSharingHosts: machinesSharingHosts.map(r => r.id),
    };
  }

  async bmcCircuits(): Promise<BmcCircuitStatus[]> {
    return this.options.circuits();
  }

  async bmcCircuit(hostId: string): Promise<BmcCircuitStatus | undefined> {
    return this.options.circuitOf((await this.host(hostId)).bmc.address);
  }

  async probeBmcCircuit(hostId: string): Promise<BmcCircuitStatus | undefined> {
    const host = await this.host(hostId);
    // The breaker records the outcome; the circuit returned tells it.
    await this.options
      .systemsOf(host, AbortSignal.timeout(CIRCUIT_PROBE_TIMEOUT_MS))
      .catch(() => undefined);
    return this.options.circuitOf(host.bmc.address);
  }

  private async host(hostId: string): Promise<Host> {
    const host = await this.hosts.get(hostId);
    if (!host) throw new NotFoundError(`Host ${hostId} not found`);
    return host;
  }

  async probeBmc(hostId: string, upTo: BmcProbeLayer): Promise<BmcProbeReport> {
    const host = await this.host(hostId);
    const login = await this.options.credentials.loginFor(host);
    return probeBmc(
      {
        address: host.bmc.address,
        username: login.username,
        password: login.password,
        insecureSkipVerify: host.bmc.insecureSkipVerify,
      },
      { upTo },
    );
  }

  /** Checks a `beskar7` fragment: the sections with start-up validation, and no unknown section. */
  async validateConfig(fragment: unknown): Promise<ConfigFieldProblem[]> {
    if (
      typeof fragment !== 'object' ||
      fragment === null ||
      Array.isArray(fragment)
    ) {
      return [{ key: 'beskar7', message: 'must be an object' }];
    }
    const { provisioning, claims, ...others } = fragment as Record<
      string,
      unknown
    >;
    const problems: ConfigFieldProblem[] = Object.keys(others)
      .filter(key => !KNOWN_SECTIONS.includes(key))
      .map(key => ({
        key: `beskar7.${key}`,
        message: 'is not a beskar7 setting',
      }));
    if (provisioning !== undefined) {
      const result = validateProvisioningConfig(provisioning);
      if (!result.ok) problems.push(...result.errors);
    }
    if (claims !== undefined) {
      try {
        readClaimsConfig(new ConfigReader({ beskar7: { claims } }));
      } catch (error) {
        if (!(error instanceof ProvisioningConfigError)) throw error;
        problems.push(...error.errors);
      }
    }
    return problems;
  }

  async effectiveConfig(): Promise<Record<string, unknown>> {
    const { credentials, ...rest } = (this.options.config.getOptional(
      'beskar7',
    ) ?? {}) as Record<string, unknown>;
    return {
      ...rest,
      credentials: Object.keys((credentials ?? {}) as object).map(
        ref => `${ref}: <secret>`,
      ),
    };
  }
}
