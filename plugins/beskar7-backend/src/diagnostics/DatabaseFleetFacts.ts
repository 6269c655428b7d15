import {
  ClaimCoordinationMode,
  HOST_STATES,
  HostState,
  QueueStatus,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { CLAIM_COORDINATOR_LEASE } from '../claims/LeaderClaimCoordinator';
import { HOST_EVENTS_TABLE } from '../database/HostEventStore';
import { HOSTS_TABLE } from '../database/hostRows';
import { LeaseStore } from '../database/LeaseStore';
import { MACHINES_TABLE } from '../database/machineRows';
import { toIsoTimestamp } from '../database/values';
import { Beskar7Metrics } from '../metrics';
import { CounterWindow } from '../metrics/CounterWindow';
import { histogramTotal, latencySummary } from '../metrics/histogramBuckets';
import { QueueMetrics } from '../metrics/queueMetrics';
import {
  FleetFacts,
  LatencyFacts,
  LeaderInfo,
  PerSecondSample,
  PlainHttpHost,
  RateSample,
  ReplicaInfo,
  WarningEvent,
} from './ports';

export interface DatabaseFleetFactsOptions {
  knex: Knex;
  metrics: Beskar7Metrics;
  queueMetrics: QueueMetrics;
  queueStatus: () => Promise<QueueStatus>;
  replicas: () => Promise<ReplicaInfo[]>;
  mode: ClaimCoordinationMode;
}

/**
 * The facts the diagnostics judge, read from the shared database (fleet-wide)
 * and from this replica's metrics (rates over a window, per replica).
 */
export class DatabaseFleetFacts implements FleetFacts {
  private readonly claims: CounterWindow<'attempts' | 'conflicts'>;
  private readonly bmc: CounterWindow<'requests' | 'errors'>;
  private readonly cooldowns: CounterWindow<'waits'>;

  constructor(private readonly options: DatabaseFleetFactsOptions) {
    const { metrics, queueMetrics } = options;
    this.claims = new CounterWindow(async () => {
      const values = (await metrics.hostClaimAttempts.get()).values;
      return {
        attempts: sum(values.filter(v => v.labels.outcome !== 'no_hosts')),
        conflicts: sum(values.filter(v => v.labels.outcome === 'conflict')),
      };
    });
    this.bmc = new CounterWindow(async () => {
      const counts = (
        await queueMetrics.bmcOperationDuration.get()
      ).values.filter(v => v.metricName?.endsWith('_count'));
      return {
        requests: sum(counts),
        errors: sum(counts.filter(v => v.labels.outcome === 'error')),
      };
    });
    this.cooldowns = new CounterWindow(async () => ({
      waits: sum((await queueMetrics.cooldownWaits.get()).values),
    }));
  }

  async hostCountsByState(): Promise<Record<HostState, number>> {
    const rows = (await this.options
      .knex(HOSTS_TABLE)
      .select('state')
      .count({ count: '*' })
      .groupBy('state')) as Array<{ state: HostState; count: string | number }>;
    const counts = Object.fromEntries(HOST_STATES.map(s => [s, 0])) as Record<
      HostState,
      number
    >;
    for (const row of rows) counts[row.state] = Number(row.count);
    return counts;
  }

  async plainHttpHosts(): Promise<PlainHttpHost[]> {
    const rows = await this.options
      .knex(HOSTS_TABLE)
      .where({ bmc_allow_plain_http: true })
      .andWhereRaw('lower(bmc_address) like ?', ['http:%'])
      .orderBy(['namespace', 'name'])
      .select('namespace', 'name', 'bmc_address');
    return rows.map(r => ({
      namespace: r.namespace,
      name: r.name,
      address: r.bmc_address,
    }));
  }

  async pendingMachines(): Promise<number> {
    const [{ count }] = await this.options
      .knex(MACHINES_TABLE)
      .where({ phase: 'Pending' })
      .count({ count: '*' });
    return Number(count);
  }

  async recentWarningEvents(sinceMs: number): Promise<WarningEvent[]> {
    const rows = await this.options
      .knex(HOST_EVENTS_TABLE)
      .where({ to_state: 'Error' })
      .where('created_at', '>=', new Date(sinceMs))
      .orderBy('id', 'desc')
      .limit(100);
    return rows.map(row => ({
      reason: row.reason,
      message: row.message ?? '',
      hostId: row.host_id,
      at: toIsoTimestamp(row.created_at),
    }));
  }

  async claimConflictRate(windowMs: number): Promise<RateSample> {
    const { attempts, conflicts } = await this.claims.delta(windowMs);
    return { total: attempts, hits: conflicts };
  }

  queueStatus(): Promise<QueueStatus> {
    return this.options.queueStatus();
  }

  async bmcErrorRate(windowMs: number): Promise<RateSample> {
    const { requests, errors } = await this.bmc.delta(windowMs);
    return { total: requests, hits: errors };
  }

  async cooldownWaits(windowMs: number): Promise<PerSecondSample> {
    const { delta, ms } = await this.cooldowns.span(windowMs);
    return { events: delta.waits, seconds: ms / 1000 };
  }

  replicas(): Promise<ReplicaInfo[]> {
    return this.options.replicas();
  }

  async leader(): Promise<LeaderInfo | undefined> {
    const lease = await new LeaseStore(this.options.knex).get(
      CLAIM_COORDINATOR_LEASE,
    );
    if (!lease) return undefined;
    return {
      holderId: lease.holderId,
      fencingToken: lease.fencingToken,
      renewedAt: new Date(lease.renewedAtMs).toISOString(),
      expiresAt: new Date(lease.expiresAtMs).toISOString(),
      live: Boolean(lease.holderId) && lease.expiresAtMs > Date.now(),
    };
  }

  coordinationMode(): ClaimCoordinationMode {
    return this.options.mode;
  }

  async databaseLatencyMs(): Promise<number> {
    const started = performance.now();
    await this.options.knex.raw('select 1');
    return performance.now() - started;
  }

  async latencies(): Promise<LatencyFacts> {
    const claim = latencySummary(
      histogramTotal(
        (await this.options.metrics.hostClaimDuration.get()).values,
      ),
    );
    const reconcile = latencySummary(
      histogramTotal(
        (await this.options.queueMetrics.reconcileDuration.get()).values,
      ),
    );
    return {
      claimP95Ms: claim.p95Ms,
      claimSamples: claim.count,
      reconcileP95Ms: reconcile.p95Ms,
      reconcileSamples: reconcile.count,
    };
  }
}

function sum(values: Array<{ value: number }>): number {
  return values.reduce((total, v) => total + v.value, 0);
}
