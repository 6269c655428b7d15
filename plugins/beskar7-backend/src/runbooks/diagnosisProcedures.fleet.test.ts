import { Host, Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { Knex } from 'knex';
import {
  createTestDatabases,
  DATABASE_IDS,
} from '@beskar7/backend-testing/database';
import { generateTree, SimulatedBmc } from '../simulator';
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
 * The read-only procedures and host-state-recovery, run through the plugin's
 * routes against simulated BMCs over HTTP: first on a healthy fleet, then
 * with a BMC that fails on purpose, which each diagnosis must point at and
 * host-state-recovery must repair. The tests share one fleet and run in order.
 */

jest.setTimeout(60_000);

const databases = createTestDatabases();
const HOSTS = 5;

describe.each(DATABASE_IDS)('diagnosis runbooks on a live fleet (%s)', id => {
  let knex: Knex;
  let fleet: RunbookFleet;

  beforeAll(async () => {
    knex = await databases.init(id);
    fleet = await startRunbookFleet(knex, { hosts: HOSTS });
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  const provisioned = (machine: Machine) =>
    eventually(
      () => fleet.getMachine(machine.id),
      m => m.phase === 'Provisioned' || m.phase === 'Failed',
      { what: `${machine.name} to be provisioned`, timeoutMs: WAIT_MS },
    );

  const holdingHost = (machine: Machine) =>
    eventually(
      () => fleet.getMachine(machine.id),
      m => m.hostId !== undefined,
      { what: `${machine.name} to hold a host`, timeoutMs: WAIT_MS },
    );

  it('passes every check of a healthy fleet', async () => {
    const { runbooks } = fleet;
    const health = await runbooks.drive(
      await runbooks.start('quick-health-check'),
    );
    expect({
      steps: stepLines(health),
      summary: latest(health, 'run-diagnostics').summary,
    }).toEqual({
      steps: ['run-diagnostics:passed', 'next-steps:passed'],
      summary: expect.stringMatching(/^All \d+ checks ok$/),
    });
    expect(health.status).toBe('completed');
    expect(latest(health, 'next-steps').summary).toBe('Nothing to follow up');

    const daily = await runbooks.drive(await runbooks.start('maintenance'));
    expect(stepLines(daily)).toEqual([
      'diagnostics:passed',
      'hosts-in-error:passed',
      'bmc-certificates:passed',
      'weekly-review:passed',
    ]);
    expect(latest(daily, 'bmc-certificates').summary).toBe('All closed');

    const backlog = await runbooks.drive(
      await runbooks.start('queue-backlog', { observeSeconds: 1 }),
    );
    expect(backlog.status).toBe('completed');
    expect(latest(backlog, 'queue-status').verification).toEqual({
      passed: true,
      message: 'No job is waiting',
    });
    expect(latest(backlog, 'slow-bmcs').summary).toBe(
      '0 slow or failing BMC(s), 0 open circuit(s)',
    );
    expect(latest(backlog, 'watch-backlog').summary).toBe(
      'Queue went from 0 to 0',
    );

    const leader = await runbooks.start('leader-election-instability', {
      observeSeconds: 1,
    });
    let run = await runbooks.next(leader.id);
    // Optimistic mode has no coordinator lease: the step says so.
    expect(latest(run, 'lease-holder')).toMatchObject({
      status: 'failed',
      verification: {
        passed: false,
        message: expect.stringMatching(/^No live holder/),
      },
    });
    run = await runbooks.acknowledge(run.id, 'optimistic mode: no lease');
    run = await runbooks.next(run.id);
    expect(latest(run, 'count-transitions').summary).toBe(
      '0 transition(s) in 1 s',
    );
    run = await runbooks.next(run.id);
    expect(latest(run, 'lease-settings')).toMatchObject({
      status: 'passed',
      verification: { message: 'Not in leader mode (optimistic)' },
    });
    expect(run.status).toBe('completed');
  });

  it('measures claims, latencies and utilisation while machines hold hosts', async () => {
    const { runbooks } = fleet;
    const first = await fleet.requestMachine('perf-0');
    expect((await provisioned(first)).phase).toBe('Provisioned');

    const perf = await runbooks.drive(
      await runbooks.start('performance-degradation'),
    );
    expect(stepLines(perf)).toEqual([
      'claim-latency:passed',
      'reconcile-latency:passed',
      'database-latency:passed',
      'bmc-pace:passed',
    ]);
    expect(latest(perf, 'claim-latency').summary).toMatch(
      /^Claim p95 \d+(\.\d+)? ms over [1-9]\d* claims$/,
    );
    expect(latest(perf, 'bmc-pace').summary).toMatch(
      /^BMC errors 0%, cooldown waits 0\.00\/s \(0 in \d+ s\)$/,
    );

    let capacity = await runbooks.drive(
      await runbooks.start('capacity-planning'),
    );
    expect(latest(capacity, 'pool-utilisation')).toMatchObject({
      status: 'passed',
      summary: `lab: 20% of ${HOSTS}`,
    });

    // Four hosts of five held: the pool is at the 80% warning line.
    // One after the other: concurrent requests for a small pool conflict.
    const more: Machine[] = [];
    for (const i of [1, 2, 3]) {
      more.push(await holdingHost(await fleet.requestMachine(`perf-${i}`)));
    }
    capacity = await runbooks.resume(
      (
        await runbooks.start('capacity-planning')
      ).id,
    );
    expect(latest(capacity, 'pool-utilisation')).toMatchObject({
      status: 'failed',
      verification: {
        passed: false,
        message: 'Plan capacity for: pool lab at 80% (1 Available of 5)',
      },
    });

    await Promise.all(more.map(m => provisioned(m)));
    for (const m of [first, ...more]) await fleet.releaseMachine(m.id);
    await eventually(
      fleet.listHosts,
      hosts => hosts.every(h => h.state === 'Available'),
      { what: 'the hosts to be released', timeoutMs: WAIT_MS },
    );
  });

  it('tells claim conflicts from a pool that is too small', async () => {
    const { runbooks } = fleet;
    let run = await runbooks.start('claim-conflicts', {
      targetMode: 'optimistic',
    });
    run = await runbooks.next(run.id);
    // One replica on a calm fleet never races itself: no conflict, and too few attempts to judge.
    expect(latest(run, 'measure-conflicts')).toMatchObject({
      data: { hits: 0 },
      verification: {
        message: expect.stringMatching(
          /^Only \d+ attempts: too few to blame conflicts/,
        ),
      },
    });
    run = await runbooks.acknowledge(run.id, 'calm fleet');
    run = await runbooks.next(run.id);
    expect(latest(run, 'pool-adequacy')).toMatchObject({
      status: 'passed',
      summary: '0 pending, every pool has enough Available hosts',
    });
    run = await runbooks.next(run.id);
    expect(latest(run, 'switch-mode')).toMatchObject({
      status: 'passed',
      verification: { message: '1 replica(s) in optimistic mode' },
    });
    run = await runbooks.next(run.id);
    expect(latest(run, 'spread-with-tags').verification?.message).toMatch(
      /^Only \d+ attempts in the window: too few to judge/,
    );
    expect(run.status).toBe('completed');

    // A machine asks for a pool without hosts: a capacity problem, not conflicts.
    const stuck = await fleet.requestMachine('stuck-0', 'nowhere');
    run = await runbooks.start('claim-conflicts', { targetMode: 'leader' });
    run = await runbooks.next(run.id);
    run = await runbooks.acknowledge(run.id, 'calm fleet');
    run = await runbooks.next(run.id);
    expect(latest(run, 'pool-adequacy')).toMatchObject({
      status: 'failed',
      summary: 'Short: nowhere 1 pending / 0 available',
    });
    run = await runbooks.acknowledge(run.id, 'capacity first');
    run = await runbooks.next(run.id);
    expect(latest(run, 'switch-mode')).toMatchObject({
      status: 'failed',
      verification: {
        message: expect.stringMatching(/^Not switched yet: .* \(optimistic\)$/),
      },
    });
    run = await runbooks.rollback(run.id);
    expect(run.status).toBe('rolled-back');
    expect(latest(run, 'switch-mode').rollback).toMatchObject({
      status: 'manual',
      actor: OPERATOR,
    });
    await fleet.releaseMachine(stuck.id);
  });

  it('validates a configuration change and verifies what is in effect', async () => {
    const { runbooks } = fleet;
    let run = await runbooks.start('configuration-change', {
      change: JSON.stringify({ provisioning: { maxConcurrentOps: 50 } }),
    });
    run = await runbooks.next(run.id);
    expect(latest(run, 'validate')).toMatchObject({
      status: 'failed',
      summary: expect.stringMatching(
        /^beskar7\.provisioning\.maxConcurrentOps: /,
      ),
    });
    run = await runbooks.rollback(run.id);
    expect(run.status).toBe('rolled-back');

    const applied = await runbooks.drive(
      await runbooks.start('configuration-change', {
        change: JSON.stringify({ provisioning: { maxConcurrentOps: 4 } }),
      }),
    );
    expect(stepLines(applied)).toEqual([
      'validate:passed',
      'apply:passed',
      'verify:passed',
    ]);
    expect(latest(applied, 'verify').verification?.message).toBe(
      'In effect; diagnostics show no error',
    );

    const missing = await runbooks.drive(
      await runbooks.start('configuration-change', {
        change: JSON.stringify({ provisioning: { workerCount: 2 } }),
      }),
    );
    expect(missing.status).toBe('step-failed');
    expect(latest(missing, 'verify').summary).toBe(
      'Not in effect: provisioning.workerCount',
    );
  });

  it('points every diagnosis at a BMC broken on purpose, and host-state-recovery repairs it', async () => {
    const { runbooks } = fleet;
    const bmc = await SimulatedBmc.start({
      tree: generateTree('dell', 42),
      credentials: fleet.sims.hosts[0].bmc.credentials,
      faults: [{ kind: 'status', status: 503 }],
    });
    let broken: Host;
    try {
      broken = await fleet.register('rb-broken', bmc);
      expect(broken.state).toBe('Error');

      const health = await runbooks.resume(
        (
          await runbooks.start('quick-health-check')
        ).id,
      );
      expect(latest(health, 'run-diagnostics')).toMatchObject({
        status: 'failed',
        summary: expect.stringMatching(/Hosts in Error \(error: 1\)/),
      });
      const followed = await runbooks.resume(
        (
          await runbooks.acknowledge(health.id, 'drill')
        ).id,
      );
      expect(latest(followed, 'next-steps').data).toEqual({
        runbooks: expect.arrayContaining(['host-state-recovery']),
      });

      let daily = await runbooks.start('maintenance');
      daily = await runbooks.acknowledge(
        (
          await runbooks.next(daily.id)
        ).id,
        'drill',
      );
      daily = await runbooks.next(daily.id);
      expect(latest(daily, 'hosts-in-error')).toMatchObject({
        status: 'failed',
        summary: expect.stringMatching(/^rb-broken: .*503/),
      });

      const backlog = await runbooks.resume(
        (
          await runbooks.start('queue-backlog', { observeSeconds: 1 })
        ).id,
      );
      expect(latest(backlog, 'slow-bmcs')).toMatchObject({
        status: 'failed',
        verification: {
          message: expect.stringContaining(`Look at ${bmc.url}`),
        },
      });

      let incident = await runbooks.start('incident-response', {
        severity: 'P3',
      });
      incident = await runbooks.next(incident.id, { verdict: 'pass' });
      incident = await runbooks.next(incident.id);
      expect(latest(incident, 'diagnose').data).toEqual({
        runbooks: expect.arrayContaining(['host-state-recovery']),
      });
      incident = await runbooks.next(incident.id, { verdict: 'pass' });
      incident = await runbooks.next(incident.id);
      expect(latest(incident, 'monitor-recovery')).toMatchObject({
        status: 'failed',
        summary: 'Overall error',
      });

      // The repair: find the cause, fix the BMC, recover the host.
      let repair = await runbooks.start('host-state-recovery', {
        hostId: broken.id,
        waitSeconds: 20,
      });
      repair = await runbooks.resume(repair.id);
      expect(latest(repair, 'read-error')).toMatchObject({
        status: 'passed',
        summary: expect.stringMatching(/^rb-broken is Error: .*503/),
      });
      bmc.faults.clear();
      repair = await runbooks.next(repair.id, {
        verdict: 'pass',
        note: 'BMC web server restarted',
      });
      repair = await runbooks.resume(repair.id);
      expect(stepLines(repair)).toEqual([
        'read-error:passed',
        'fix-cause:passed',
        'recover:passed',
        'verify-enrollment:passed',
      ]);
      expect(repair.status).toBe('completed');
      const details = await fleet.getHost(broken.id);
      expect(details.state).toBe('Available');
      // The history says the runbook brought it back.
      expect(details.events).toContainEqual(
        expect.objectContaining({
          fromState: 'Error',
          toState: 'Enrolling',
          message: 'Recovered through the host-state-recovery runbook',
        }),
      );

      // The incident's monitoring step passes once retried.
      incident = await runbooks.next(incident.id);
      expect(latest(incident, 'monitor-recovery').status).toBe('passed');
      incident = await runbooks.next(incident.id, { verdict: 'pass' });
      expect(incident.status).toBe('completed');

      // Every attempt of the incident run is in the audit log, with its outcome.
      const audited = (await seenAuditEvents(fleet.auditor)).filter(
        e => e.eventId === 'runbook-step' && e.meta.runId === incident.id,
      );
      expect(
        audited.map(e => `${e.meta.actor} ${e.meta.stepId}:${e.outcome}`),
      ).toEqual(
        incident.steps.map(
          s =>
            `${OPERATOR} ${s.stepId}:${
              s.status === 'failed' ? 'fail' : 'success'
            }`,
        ),
      );
    } finally {
      await bmc.stop();
    }
  });
});
