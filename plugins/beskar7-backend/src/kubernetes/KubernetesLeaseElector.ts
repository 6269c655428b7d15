import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CoordinationV1Api,
  KubeConfig,
  V1Lease,
  V1LeaseSpec,
  V1MicroTime,
} from '@kubernetes/client-node';
import { performance } from 'node:perf_hooks';
import { LeaderElectionTiming } from '../claims/leaderElection';
import { describeError, statusCodeOf } from './apiErrors';
import { LeaderCallbacks, LeaderElectionEventType } from './ports';

/** The Lease the claim coordinator is elected through. */
export const CLAIM_COORDINATOR_LEADER_LEASE =
  'beskar7-claim-coordinator-leader';

export interface KubernetesLeaseElectorOptions {
  kubeConfig: KubeConfig;
  /** Namespace of the Lease: usually the backend's own. */
  namespace: string;
  /** Default `beskar7-claim-coordinator-leader`. */
  leaseName?: string;
  /** This replica, unique among all replicas (pod name plus a random suffix). */
  identity: string;
  timing: LeaderElectionTiming;
  callbacks?: LeaderCallbacks;
  logger: LoggerService;
  /** Give the lease up on stop, so others need not wait for it to expire (default true). */
  releaseOnStop?: boolean;
}

/**
 * Leader election through a `coordination.k8s.io/v1` Lease, with client-go's
 * rules: every retry period the leader renews and the others try to
 * acquire; a holder counts as alive until the lease duration has passed on
 * the observer's own clock since it last saw the record change (so clocks
 * need not agree); a leader that cannot renew within the renew deadline
 * stops leading; every write is conditional on the resourceVersion read, so
 * two candidates never both win. `leaseTransitions` counts changes of holder.
 */
export class KubernetesLeaseElector {
  private readonly api: CoordinationV1Api;
  private readonly leaseName: string;
  private leading = false;
  private lastRenewedAt = 0;
  private observed?: { record: string; at: number; holder?: string };
  private stopped = true;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly options: KubernetesLeaseElectorOptions) {
    this.api = options.kubeConfig.makeApiClient(CoordinationV1Api);
    this.leaseName = options.leaseName ?? CLAIM_COORDINATOR_LEADER_LEASE;
  }

  get identity(): string {
    return this.options.identity;
  }

  /**
   * True while this replica leads and renewed within the renew deadline: a
   * leader that was paused past it does not act before its next round.
   */
  get isLeader(): boolean {
    return (
      this.leading &&
      performance.now() - this.lastRenewedAt <=
        this.options.timing.renewDeadlineMs
    );
  }

  /** The holder last seen in the Lease. */
  get leader(): string | undefined {
    return this.observed?.holder;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    if (!this.leading) return;
    this.leading = false;
    if (this.options.releaseOnStop ?? true) await this.release();
    this.callback('onStoppedLeading');
  }

  private schedule(delayMs: number) {
    this.timer = setTimeout(() => {
      this.running = this.round().finally(() => {
        if (this.stopped) return;
        // Candidates jitter like client-go so that they do not retry in step.
        const { retryPeriodMs } = this.options.timing;
        this.schedule(
          this.leading
            ? retryPeriodMs
            : retryPeriodMs * (1 + Math.random() * 0.2),
        );
      });
    }, delayMs);
  }

  private async round(): Promise<void> {
    const { timing, logger } = this.options;
    let held: boolean;
    try {
      // A request that hangs must not keep a leader past its deadline.
      held = await withTimeout(
        this.tryAcquireOrRenew(),
        timing.renewDeadlineMs,
      );
    } catch (error) {
      held = false;
      if (this.leading) {
        this.event('renew_failed');
        logger.warn(
          `Could not renew lease ${this.leaseName}: ${describeError(error)}`,
        );
      } else {
        logger.debug(
          `Could not read lease ${this.leaseName}: ${describeError(error)}`,
        );
      }
    }
    if (this.stopped && !this.leading) return;
    const now = performance.now();
    if (held) {
      this.lastRenewedAt = now;
      if (this.leading) {
        this.event('renewed');
      } else {
        this.leading = true;
        this.event('acquired');
        logger.info(`Became leader through lease ${this.leaseName}`);
        this.callback('onStartedLeading');
      }
    } else if (
      this.leading &&
      (this.observed?.holder !== this.options.identity ||
        now - this.lastRenewedAt > timing.renewDeadlineMs)
    ) {
      this.leading = false;
      this.event('lost');
      logger.warn(`Stopped leading: lease ${this.leaseName} lost`);
      this.callback('onStoppedLeading');
    }
  }

  /** One try; true when this replica holds the lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, identity, timing } = this.options;
    const now = new V1MicroTime();
    const leaseDurationSeconds = Math.ceil(timing.leaseDurationMs / 1000);
    let lease: V1Lease;
    try {
      lease = await this.api.readNamespacedLease({
        namespace,
        name: this.leaseName,
      });
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
      const spec: V1LeaseSpec = {
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: 0,
      };
      try {
        await this.api.createNamespacedLease({
          namespace,
          body: { metadata: { name: this.leaseName, namespace }, spec },
        });
      } catch (createError) {
        if (statusCodeOf(createError) === 409) return false; // another candidate created it first
        throw createError;
      }
      this.observe(spec);
      return true;
    }

    const spec = lease.spec ?? {};
    this.observe(spec);
    const holder = spec.holderIdentity || undefined;
    const mine = holder === identity;
    if (
      holder &&
      !mine &&
      performance.now() - this.observed!.at < timing.leaseDurationMs
    ) {
      return false; // someone else holds a lease that has not expired
    }
    const next: V1LeaseSpec = {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds,
      acquireTime: mine ? spec.acquireTime : now,
      renewTime: now,
      leaseTransitions: mine
        ? spec.leaseTransitions
        : (spec.leaseTransitions ?? 0) + 1,
    };
    try {
      await this.api.replaceNamespacedLease({
        namespace,
        name: this.leaseName,
        body: { ...lease, spec: next },
      });
    } catch (error) {
      if (statusCodeOf(error) === 409) return false; // someone wrote first
      throw error;
    }
    this.observe(next);
    return true;
  }

  /** Notes the record and, when it changed, when this replica saw it change. */
  private observe(spec: V1LeaseSpec) {
    const holder = spec.holderIdentity || undefined;
    const record = JSON.stringify([
      holder,
      spec.renewTime && new Date(spec.renewTime).getTime(),
      spec.leaseTransitions,
    ]);
    if (record === this.observed?.record) return;
    const previousHolder = this.observed?.holder;
    this.observed = { record, at: performance.now(), holder };
    if (holder !== previousHolder) this.callback('onNewLeader', holder);
  }

  private async release() {
    const { namespace, identity, logger } = this.options;
    try {
      const lease = await this.api.readNamespacedLease({
        namespace,
        name: this.leaseName,
      });
      if (lease.spec?.holderIdentity !== identity) return;
      await this.api.replaceNamespacedLease({
        namespace,
        name: this.leaseName,
        body: {
          ...lease,
          spec: {
            ...lease.spec,
            holderIdentity: '',
            leaseDurationSeconds: 1,
            renewTime: new V1MicroTime(),
          },
        },
      });
      this.event('released');
    } catch (error) {
      logger.warn(
        `Could not release lease ${
          this.leaseName
        }; others take over when it expires: ${describeError(error)}`,
      );
    }
  }

  private event(event: LeaderElectionEventType) {
    this.callback('onElectionEvent', event);
  }

  private callback<K extends keyof LeaderCallbacks>(
    name: K,
    ...args: Parameters<NonNullable<LeaderCallbacks[K]>>
  ) {
    try {
      (
        this.options.callbacks?.[name] as
          | ((...a: unknown[]) => void)
          | undefined
      )?.(...args);
    } catch (error) {
      this.options.logger.error(
        `Leader election callback ${name} failed: ${error}`,
      );
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${ms} ms`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}
