import {
  BmcProbeReport,
  RunbookRun,
} from '@beskar7/backstage-plugin-beskar7-common';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { Knex } from 'knex';
import { CLAIM_COORDINATOR_LEASE } from '../claims/LeaderClaimCoordinator';
import { LEASES_TABLE, LeaseStore } from '../database/LeaseStore';
import { SimulatedBmc } from '../simulator';
import {
  createTestDatabases,
  DATABASE_IDS,
} from '@beskar7/backend-testing/database';
import {
  latest,
  OPERATOR,
  RunbookFleet,
  seenAuditEvents,
  startRunbookFleet,
  stepLines,
  WAIT_MS,
} from '@beskar7/backend-testing/runbooks';

/*
 * Break something on purpose in a live fleet (simulated BMCs over HTTP, the
 * real plugin on SQLite and PostgreSQL, leader mode), then run the runbook
 * that must repair it: an unreachable or failing BMC, a paused queue with a
 * backlog, a coordinator lease held by a replica that is gone, and two
 * replicas that both believe they lead. The tests share one fleet and run in
 * order.
 */

jest.setTimeout(60_000);

const databases = createTestDatabases();
const REPLICAS_TABLE = 'beskar7_replicas';
const GHOST = 'ghost-replica';

describe.each(DATABASE_IDS)('repair runbooks on a live fleet (%s)', id => {
  let knex: Knex;
  let fleet: RunbookFleet;
  let leases: LeaseStore;

  beforeAll(async () => {
    knex = await databases.init(id);
    fleet = await startRunbookFleet(knex, {
      hosts: 4,
      claims: {
        mode: 'leader',
        leaderElection: {
          leaseDuration: '2s',
          renewDeadline: '1s',
          retryPeriod: '200ms',
        },
      },
    });
    leases = new LeaseStore(knex);
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  /** The live replica that holds the coordinator lease, once there is one. */
  const liveLeader = () =>
    eventually(
      async () => ({
        lease: await leases.get(CLAIM_COORDINATOR_LEASE),
        replicas: await knex(REPLICAS_TABLE).whereNot({ id: GHOST }),
      }),
      ({ lease, replicas }) =>
        Boolean(lease?.holderId) &&
        lease!.expiresAtMs > Date.now() &&
        replicas.some(r => r.id === lease!.holderId),
      {
        what: 'a live replica to hold the coordinator lease',
        timeoutMs: WAIT_MS,
      },
    ).then(({ lease }) => lease!);

  it('probes each BMC layer, stops at the one that fails, and passes again once repaired', async () => {
    const { runbooks } = fleet;
    const host = fleet.hosts[0];
    const sim = fleet.sims.hosts[0].bmc;

    const healthy = await runbooks.drive(
      await runbooks.start('bmc-connectivity', { hostId: host.id }),
    );
    expect(stepLines(healthy)).toEqual([
      'circuit:passed',
      'dns:passed',
      'tcp:passed',
      'tls:passed',
      'service-root:passed',
      'authentication:passed',
      'systems:passed',
      'fix-and-recover:passed',
    ]);
    expect(latest(healthy, 'systems').summary).toMatch(/^pass: /);

    // The BMC answers its service root but fails everything behind a login.
    sim.faults.set([{ kind: 'status', status: 503 }]);
    let run = await runbooks.resume(
      (
        await runbooks.start('bmc-connectivity', { hostId: host.id })
      ).id,
    );
    expect(run.status).toBe('step-failed');
    expect(stepLines(run)).toEqual([
      'circuit:passed',
      'dns:passed',
      'tcp:passed',
      'tls:passed',
      'service-root:passed',
      'authentication:failed',
    ]);
    expect(latest(run, 'authentication').verification).toEqual({
      passed: false,
      message: expect.stringMatching(/503/),
    });
    sim.faults.clear();
    run = await runbooks.drive(await runbooks.next(run.id));
    expect(run.status).toBe('completed');
    expect(latest(run, 'authentication').attempt).toBe(2);

    // The BMC is gone from the network: the TCP layer fails with its verdict.
    const port = Number(new URL(sim.url).port);
    await sim.stop();
    let back: SimulatedBmc | undefined;
    try {
      run = await runbooks.resume(
        (
          await runbooks.start('bmc-connectivity', { hostId: host.id })
        ).id,
      );
      expect(stepLines(run)).toEqual([
        'circuit:passed',
        'dns:passed',
        'tcp:failed',
      ]);
      expect(latest(run, 'tcp').verification).toEqual({
        passed: false,
        message: expect.stringMatching(/refused/i),
      });
      const report = latest(run, 'tcp').data as BmcProbeReport;
      expect(report.layers.map(l => `${l.layer}:${l.verdict}`)).toEqual([
        'dns:pass',
        'tcp:fail',
      ]);
      // Repaired: the BMC is back on its address.
      back = await SimulatedBmc.start({
        tree: sim.tree,
        credentials: sim.credentials,
        port,
      });
      run = await runbooks.drive(await runbooks.next(run.id));
      expect(run.status).toBe('completed');
      expect(latest(run, 'systems').status).toBe('passed');
    } finally {
      await back?.stop();
    }
  });

  it('drains a paused queue with a backlog, resets it and resumes it', async () => {
    const { runbooks } = fleet;
    await fleet.call('post', '/queue/pause');
    const machines = await Promise.all(
      [0, 1].map(i => fleet.requestMachine(`backlog-${i}`)),
    );
    await eventually(fleet.queue, q => q.length === machines.length, {
      what: 'the provisioning jobs to wait in the paused queue',
      timeoutMs: WAIT_MS,
    });
    const report = await fleet.diagnostics();
    expect(report.checks).toContainEqual(
      expect.objectContaining({
        id: 'queue-length',
        runbookId: 'queue-drain-reset',
      }),
    );

    // Not a backlog problem: the backlog runbook sends the operator here.
    const backlog = await runbooks.next(
      (
        await runbooks.start('queue-backlog', { observeSeconds: 1 })
      ).id,
    );
    expect(latest(backlog, 'queue-status').verification).toEqual({
      passed: false,
      message:
        'The queue is paused: resume it with the queue-drain-reset runbook',
    });
    await runbooks.abort(backlog.id);

    // A dry run changes nothing: the wait fails on the paused queue.
    const dry = await runbooks.resume(
      (
        await runbooks.start('queue-drain-reset', { waitSeconds: 0 }, true)
      ).id,
    );
    expect(stepLines(dry)).toEqual(['drain:skipped', 'wait-empty:failed']);
    await runbooks.abort(dry.id);
    expect(await fleet.queue()).toMatchObject({
      paused: true,
      draining: false,
      length: machines.length,
    });

    let run = await runbooks.resume(
      (
        await runbooks.start('queue-drain-reset', { waitSeconds: 30 })
      ).id,
    );
    expect(stepLines(run)).toEqual([
      'drain:passed',
      'wait-empty:passed',
      'pause-queue:passed',
    ]);
    expect(latest(run, 'drain').summary).toMatch(/^Draining, pause lifted: /);
    run = await runbooks.drive(run);
    expect(run.status).toBe('completed');
    expect(stepLines(run).slice(3)).toEqual([
      'reset-limits:passed',
      'resume-queue:passed',
    ]);
    expect(await fleet.queue()).toMatchObject({
      paused: false,
      draining: false,
      length: 0,
      processing: 0,
    });
    for (const m of machines) {
      expect((await fleet.getMachine(m.id)).phase).toBe('Provisioned');
      await fleet.releaseMachine(m.id);
    }

    // Rolled back after the drain: the queue takes requests again.
    run = await runbooks.start('queue-drain-reset', { waitSeconds: 1 });
    run = await runbooks.next(run.id);
    expect((await fleet.queue()).draining).toBe(true);
    run = await runbooks.rollback(run.id);
    expect(run.status).toBe('rolled-back');
    expect(latest(run, 'drain').rollback).toMatchObject({
      status: 'rolled-back',
      actor: OPERATOR,
    });
    expect(await fleet.queue()).toMatchObject({
      paused: false,
      draining: false,
    });
    await eventually(
      fleet.listHosts,
      hosts => hosts.every(h => h.state === 'Available'),
      { what: 'the released hosts', timeoutMs: WAIT_MS },
    );
  });

  it('reports a coordinator lease held by a replica that is gone until it lapses', async () => {
    const { runbooks } = fleet;
    const leader = await liveLeader();
    const healthy = await runbooks.drive(
      await runbooks.start('leader-election-instability', {
        observeSeconds: 1,
      }),
    );
    expect(stepLines(healthy)).toEqual([
      'lease-holder:passed',
      'count-transitions:passed',
      'lease-settings:passed',
    ]);
    expect(latest(healthy, 'lease-holder').verification?.message).toBe(
      `${leader.holderId} leads`,
    );
    expect(latest(healthy, 'lease-settings').verification?.message).toBe(
      'lease 2000 ms, renew deadline 1000 ms, retry 200 ms',
    );

    // A replica that is gone took the lease and it has not lapsed yet.
    await knex(LEASES_TABLE)
      .where({ name: CLAIM_COORDINATOR_LEASE })
      .update({ holder_id: GHOST, expires_at_ms: Date.now() + 2_000 });
    let run = await runbooks.next(
      (
        await runbooks.start('leader-election-instability', {
          observeSeconds: 2,
        })
      ).id,
    );
    expect(latest(run, 'lease-holder')).toMatchObject({
      status: 'failed',
      verification: {
        message: `${GHOST} holds the lease but is not a live replica: it will lapse within one lease duration`,
      },
    });
    const retaken = await liveLeader();
    expect(retaken.fencingToken).toBeGreaterThan(leader.fencingToken);
    run = await runbooks.next(run.id);
    expect(latest(run, 'lease-holder')).toMatchObject({
      status: 'passed',
      attempt: 2,
    });

    // The lease changes hands while the transitions are counted.
    const counting = runbooks.next(run.id);
    await eventually(
      () => fleet.call<RunbookRun>('get', `/runbooks/runs/${run.id}`),
      r => r.steps.some(st => st.stepId === 'count-transitions'),
      { what: 'the count to start', timeoutMs: WAIT_MS },
    );
    await knex(LEASES_TABLE)
      .where({ name: CLAIM_COORDINATOR_LEASE })
      .update({ holder_id: GHOST, expires_at_ms: Date.now() + 1_000 });
    run = await counting;
    expect(latest(run, 'count-transitions')).toMatchObject({
      status: 'failed',
      verification: {
        message: expect.stringMatching(
          /^1 transition\(s\): the leader cannot renew in time/,
        ),
      },
    });
  });

  it('brings two replicas that both lead back to a single coordinator', async () => {
    const { runbooks } = fleet;
    const leader = await liveLeader();
    await eventually(
      () => knex(REPLICAS_TABLE).where({ id: leader.holderId }).first(),
      row => Boolean(row?.believes_leader),
      { what: 'the leader to say so in its heartbeat', timeoutMs: WAIT_MS },
    );
    // One leader and consistent claims: not a split brain.
    const calm = await runbooks.next(
      (
        await runbooks.start('split-brain-recovery', { replicas: 1 })
      ).id,
    );
    expect(latest(calm, 'confirm').verification).toEqual({
      passed: false,
      message: expect.stringMatching(
        /^1 acting leader\(s\): .*: not a split brain; run leader-election-instability instead$/,
      ),
    });
    await runbooks.abort(calm.id);

    // A partitioned replica still heart-beats and believes it leads.
    const now = new Date();
    await knex(REPLICAS_TABLE).insert({
      id: GHOST,
      coordination_mode: 'leader',
      believes_leader: true,
      started_at: now,
      last_seen_at: now,
    });
    expect((await fleet.diagnostics()).checks).toContainEqual(
      expect.objectContaining({ runbookId: 'split-brain-recovery' }),
    );

    let run = await runbooks.resume(
      (
        await runbooks.start('split-brain-recovery', { replicas: 1 })
      ).id,
    );
    expect(stepLines(run)).toEqual(['confirm:passed', 'pause-queue:passed']);
    expect(latest(run, 'confirm').summary).toMatch(/^2 acting leader\(s\): /);
    expect((await fleet.queue()).paused).toBe(true);
    run = await runbooks.next(run.id);
    expect(latest(run, 'single-replica').verification).toEqual({
      passed: false,
      message: expect.stringMatching(/^2 live replicas/),
    });
    // Scaled down: the partitioned pod stops and its row goes with it.
    await knex(REPLICAS_TABLE).where({ id: GHOST }).delete();
    run = await runbooks.next(run.id);
    expect(latest(run, 'single-replica').status).toBe('passed');

    run = await runbooks.resume(run.id);
    expect(stepLines(run).slice(-3)).toEqual([
      'clear-leases:passed',
      'verify-single-coordinator:passed',
      'resume-queue:passed',
    ]);
    expect(latest(run, 'clear-leases').summary).toBe(
      `Cleared 1 lease(s): ${CLAIM_COORDINATOR_LEASE}`,
    );
    // The coordinator takes the lease again with a token no earlier holder had.
    const retaken = await liveLeader();
    expect(retaken.fencingToken).toBeGreaterThan(leader.fencingToken);
    await eventually(
      () => knex(REPLICAS_TABLE).where({ id: retaken.holderId }).first(),
      row => Boolean(row?.believes_leader),
      { what: 'the new leader to say so in its heartbeat', timeoutMs: WAIT_MS },
    );
    run = await runbooks.next(run.id);
    expect(latest(run, 'scale-back').verification).toEqual({
      passed: true,
      message: '1 replicas, 1 leader',
    });
    expect(run.status).toBe('completed');
    expect((await fleet.queue()).paused).toBe(false);

    // The destructive step is in the audit log as such, with who and how it ended.
    const clear = (await seenAuditEvents(fleet.auditor)).find(
      e =>
        e.eventId === 'runbook-step' &&
        e.meta.runId === run.id &&
        e.meta.stepId === 'clear-leases',
    );
    expect(clear).toMatchObject({
      meta: { actor: OPERATOR, destructive: true },
      outcome: 'success',
    });
  });
});
