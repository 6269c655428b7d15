import { mockServices } from '@backstage/backend-test-utils';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { performance } from 'node:perf_hooks';
import { resolveLeaderElectionTiming } from '../claims/leaderElection';
import {
  createKubeTestEnvironment,
  KubeTestEnvironment,
  kubeTargets,
  apiServerPausable,
} from '@beskar7/backend-testing/kubernetes';
import {
  CLAIM_COORDINATOR_LEADER_LEASE,
  KubernetesLeaseElector,
} from './KubernetesLeaseElector';
import { LeaderElectionEventType } from './ports';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';

jest.setTimeout(30_000);

const timing = resolveLeaderElectionTiming({
  leaseDurationMs: 1_500,
  renewDeadlineMs: 1_000,
  retryPeriodMs: 200,
});

describe.each(kubeTargets())('KubernetesLeaseElector (%s)', target => {
  let env: KubeTestEnvironment;
  beforeAll(async () => {
    env = await createKubeTestEnvironment(target);
  });
  afterAll(() => env?.stop());

  const electors: KubernetesLeaseElector[] = [];
  afterEach(async () => {
    await Promise.all(electors.splice(0).map(e => e.stop()));
  });

  /** A replica standing for the Lease `<CLAIM_COORDINATOR_LEADER_LEASE>-<lease>`. */
  function replica(identity: string, lease: string, releaseOnStop: boolean) {
    const events: LeaderElectionEventType[] = [];
    const elector = new KubernetesLeaseElector({
      kubeConfig: env.kubeConfig,
      namespace: env.namespace,
      leaseName: `${CLAIM_COORDINATOR_LEADER_LEASE}-${lease}`,
      identity,
      timing,
      logger: mockServices.logger.mock(),
      releaseOnStop,
      callbacks: { onElectionEvent: e => events.push(e) },
    });
    electors.push(elector);
    return { elector, events };
  }

  /** Two replicas on one Lease; samples that they never both lead. */
  function pair(lease: string, releaseOnStop: boolean) {
    const a = replica(`${lease}-a`, lease, releaseOnStop);
    const b = replica(`${lease}-b`, lease, releaseOnStop);
    let bothLed = 0;
    const sampler = setInterval(() => {
      if (a.elector.isLeader && b.elector.isLeader) bothLed++;
    }, 10);
    return { a, b, bothLed: () => bothLed, stop: () => clearInterval(sampler) };
  }

  it('elects exactly one of two replicas, and the other takes over when the leader is killed', async () => {
    const { a, b, bothLed, stop } = pair('kill', false);
    a.elector.start();
    await eventually(() => a.elector.isLeader, Boolean);
    b.elector.start();
    // b sees a holding the lease and stays a follower.
    await eventually(
      () => b.elector.leader,
      holder => holder === a.elector.identity,
    );
    expect(b.elector.isLeader).toBe(false);

    // SIGKILL: a stops renewing and never gives the lease up.
    await a.elector.stop();
    const killedAt = performance.now();
    await eventually(() => b.elector.isLeader, Boolean);
    const takeoverMs = performance.now() - killedAt;
    stop();

    // client-go's rule: b waits a lease duration from when it last saw the
    // record change, plus at most one retry period (with jitter) to notice.
    expect(takeoverMs).toBeLessThan(
      timing.leaseDurationMs + 2 * timing.retryPeriodMs,
    );
    expect(bothLed()).toBe(0);
    expect(b.events).toContain('acquired');

    const lease = await env.kubeConfig
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({
        namespace: env.namespace,
        name: `${CLAIM_COORDINATOR_LEADER_LEASE}-kill`,
      });
    expect(lease.spec?.holderIdentity).toBe(b.elector.identity);
    expect(lease.spec?.leaseTransitions).toBe(1);
  });

  it('hands over at once when the leader stops gracefully', async () => {
    const { a, b, bothLed, stop } = pair('graceful', true);
    a.elector.start();
    await eventually(() => a.elector.isLeader, Boolean);
    b.elector.start();
    await eventually(
      () => b.elector.leader,
      holder => holder === a.elector.identity,
    );
    await a.elector.stop();
    expect(a.events).toEqual(expect.arrayContaining(['acquired', 'released']));
    await eventually(() => b.elector.isLeader, Boolean);
    stop();
    expect(bothLed()).toBe(0);
  });

  // The real API server is paused with SIGSTOP (scripts/kube-cluster.sh).
  const whenPausable =
    target === 'test server' || apiServerPausable() ? it : it.skip;
  whenPausable(
    'stops leading when it cannot renew within the renew deadline',
    async () => {
      const { elector, events } = replica('cut-off', 'cut-off', false);
      elector.start();
      await eventually(() => elector.isLeader, Boolean);
      await env.pause!();
      try {
        await eventually(() => events.includes('lost'), Boolean);
        expect(elector.isLeader).toBe(false);
      } finally {
        await env.resume!();
      }
      await eventually(() => elector.isLeader, Boolean);
    },
  );
});
