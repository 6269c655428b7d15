import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { Knex } from 'knex';
import {
  createTestDatabases,
  DATABASE_IDS,
} from '@beskar7/backend-testing/database';
import {
  latest,
  RunbookFleet,
  startRunbookFleet,
  stepLines,
} from '@beskar7/backend-testing/runbooks';
import { CircuitFinding } from './procedures/bmcCircuit';

/*
 * A BMC answers 503 until the backend's circuit breaker for it really opens
 * (seen in the metrics), then bmc-connectivity must name the open circuit
 * with its evidence, and its circuit step must close it once the BMC is
 * healthy: after that the host recovers and provisions a machine.
 */

// The breaker's pause (30 s) is waited out once per database.
jest.setTimeout(120_000);

const databases = createTestDatabases();

const openCircuits = (metrics: string) =>
  Number(/^beskar7_bmc_circuits_open (\d+)$/m.exec(metrics)?.[1]);

describe.each(DATABASE_IDS)('BMC circuit runbook on a live fleet (%s)', id => {
  let knex: Knex;
  let fleet: RunbookFleet;

  beforeAll(async () => {
    knex = await databases.init(id);
    fleet = await startRunbookFleet(knex, {
      hosts: 1,
      // Five attempts of one provisioning job: the breaker's threshold.
      provisioning: {
        retry: { maxRetries: 4, initialBackoff: '50ms', maxBackoff: '100ms' },
      },
    });
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  it('names the open circuit with its evidence, and its probe closes it once the BMC is healthy', async () => {
    const { runbooks } = fleet;
    const host = fleet.hosts[0];
    const sim = fleet.sims.hosts[0].bmc;
    expect(openCircuits(await fleet.metrics())).toBe(0);

    // Everything but the anonymous service root answers 503.
    sim.faults.set([{ kind: 'status', status: 503 }]);
    const failing = await fleet.requestMachine('circuit-0');
    await eventually(fleet.metrics, m => openCircuits(m) === 1, {
      what: 'the circuit of the failing BMC to open',
      timeoutMs: 20_000,
    });
    await eventually(
      () => fleet.getMachine(failing.id),
      m => m.phase === 'Failed',
      { what: 'the machine to fail', timeoutMs: 20_000 },
    );

    let run = await runbooks.resume(
      (
        await runbooks.start('bmc-connectivity', { hostId: host.id })
      ).id,
    );
    expect(run.status).toBe('step-failed');
    expect(stepLines(run)).toEqual(['circuit:failed']);
    const opened = latest(run, 'circuit');
    const { circuit } = opened.data as CircuitFinding;
    expect(circuit).toMatchObject({
      address: sim.url,
      state: 'open',
      consecutiveFailures: 5,
      lastError: expect.stringMatching(/HTTP 503/),
    });
    expect(
      Date.parse(circuit!.nextProbeAt!) - Date.parse(circuit!.openedAt!),
    ).toBe(30_000);
    expect(opened.verification).toEqual({
      passed: false,
      message:
        `Circuit open for ${sim.url} after 5 consecutive failures (opened ${
          circuit!.openedAt
        }); ` +
        `calls are refused until ${
          circuit!.nextProbeAt
        }, then one probe goes through; ` +
        `last error: ${circuit!.lastError}`,
    });

    // Healthy again, but the breaker's pause is not over: still refused.
    sim.faults.clear();
    run = await runbooks.next(run.id);
    expect(latest(run, 'circuit')).toMatchObject({
      status: 'failed',
      attempt: 2,
      verification: { message: expect.stringMatching(/^Circuit open for /) },
    });

    // After the pause the step's probe goes through and closes the circuit.
    await new Promise(r =>
      setTimeout(r, Date.parse(circuit!.nextProbeAt!) - Date.now() + 100),
    );
    run = await runbooks.next(run.id);
    expect(latest(run, 'circuit')).toMatchObject({
      status: 'passed',
      attempt: 3,
      summary: `Circuit closed for ${sim.url}: the probe succeeded`,
    });
    expect(openCircuits(await fleet.metrics())).toBe(0);
    run = await runbooks.drive(run);
    expect(run.status).toBe('completed');
    expect(stepLines(run).slice(3)).toEqual([
      'dns:passed',
      'tcp:passed',
      'tls:passed',
      'service-root:passed',
      'authentication:passed',
      'systems:passed',
      'fix-and-recover:passed',
    ]);

    // The host left in Error by the failed machine recovers and provisions.
    const recovery = await runbooks.drive(
      await runbooks.start('host-state-recovery', {
        hostId: host.id,
        waitSeconds: 20,
      }),
    );
    expect(recovery.status).toBe('completed');
    const next = await fleet.requestMachine('circuit-1');
    const provisioned = await eventually(
      () => fleet.getMachine(next.id),
      m => m.phase === 'Provisioned' || m.phase === 'Failed',
      { what: 'the new machine to provision', timeoutMs: 20_000 },
    );
    expect(provisioned).toMatchObject({
      phase: 'Provisioned',
      hostId: host.id,
    });
  });
});
