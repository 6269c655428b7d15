import { HostState } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { HOST_EVENTS_TABLE } from '../../../../plugins/beskar7-backend/src/database/HostEventStore';
import {
  MACHINES_TABLE,
  MachineRow,
} from '../../../../plugins/beskar7-backend/src/database/machineRows';
import { HOSTS_TABLE } from '../../../../plugins/beskar7-backend/src/database/hostRows';
import { findTransition } from '../../../../plugins/beskar7-backend/src/lifecycle/transitions';
import { SimulatedFleet } from '../../../../plugins/beskar7-backend/src/simulator';
import { checkClaimInvariants } from '@beskar7/backend-testing/fleet';

const JOBS_TABLE = 'beskar7_provisioning_jobs';

interface JobRow {
  id: string;
  host_id: string;
  machine_id: string | null;
  operation: string;
  status: string;
  attempt: number;
}

export interface FleetInvariantReport {
  /** Each broken invariant, one readable line each; empty when all hold. */
  violations: string[];
  machines: MachineRow[];
  jobs: number;
  /** Attempts beyond the first: retries and jobs taken over from a dead replica. */
  extraAttempts: number;
  boots: number;
  maxMutationsInFlight: number;
}

/**
 * What must hold after a drill, read from the database and from the BMCs
 * themselves: every request ended (Provisioned, or Failed with a reason);
 * claims are one-to-one; no job left behind, none succeeded twice; each BMC
 * saw one operation at a time, no more boots than the queue ran attempts,
 * and the boot its machine asked for; every host state change is a
 * transition of the table, chained from the one before.
 */
export async function checkFleetInvariants(
  knex: Knex,
  fleet: SimulatedFleet,
  maxConcurrentOps: number,
): Promise<FleetInvariantReport> {
  const violations: string[] = [];
  const machines: MachineRow[] = await knex(MACHINES_TABLE).select();
  for (const m of machines) {
    if (m.phase === 'Failed' && !m.failure_reason) {
      violations.push(`machine ${m.name} Failed without a reason`);
    } else if (m.phase !== 'Provisioned' && m.phase !== 'Failed') {
      violations.push(`machine ${m.name} never finished: still ${m.phase}`);
    }
  }

  const claims = await checkClaimInvariants(knex);
  violations.push(
    ...claims.doubleClaims,
    ...claims.halfClaims,
    ...claims.inconsistentHosts,
  );

  const jobs: JobRow[] = await knex(JOBS_TABLE).select();
  for (const job of jobs.filter(j => ['queued', 'running'].includes(j.status)))
    violations.push(`job ${job.id} (${job.operation}) left ${job.status}`);
  const succeeded = (operation: string, key: (j: JobRow) => string | null) => {
    const counts = new Map<string, number>();
    for (const j of jobs) {
      const k = key(j);
      if (j.operation === operation && j.status === 'succeeded' && k)
        counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return counts;
  };
  const provisions = succeeded('provision', j => j.machine_id);
  for (const m of machines.filter(x => x.phase === 'Provisioned')) {
    const n = provisions.get(m.id) ?? 0;
    if (n !== 1)
      violations.push(`machine ${m.name} Provisioned by ${n} succeeded jobs`);
  }
  for (const [hostId, n] of succeeded('inspect', j => j.host_id)) {
    if (n > 1) violations.push(`host ${hostId} inspected by ${n} jobs`);
  }

  const hosts: Array<{ id: string; bmc_address: string }> = await knex(
    HOSTS_TABLE,
  ).select('id', 'bmc_address');
  const hostByAddress = new Map(hosts.map(h => [h.bmc_address, h.id]));
  const machineByHost = new Map(
    machines.filter(m => m.host_id).map(m => [m.host_id!, m]),
  );
  let boots = 0;
  let maxMutationsInFlight = 0;
  for (const sim of fleet.hosts) {
    const hostId = hostByAddress.get(sim.url);
    const { counters, machine } = sim.bmc;
    boots += machine.boots.length;
    maxMutationsInFlight = Math.max(
      maxMutationsInFlight,
      counters.gauge.maxMutationsInFlight,
    );
    if (counters.gauge.maxMutationsInFlight > 1) {
      violations.push(
        `BMC ${sim.name} saw ${counters.gauge.maxMutationsInFlight} operations at once`,
      );
    }
    const attempts = jobs
      .filter(j => j.host_id === hostId && j.operation === 'provision')
      .reduce((sum, j) => sum + j.attempt, 0);
    if (machine.boots.length > attempts) {
      violations.push(
        `BMC ${sim.name} booted ${machine.boots.length} times for ${attempts} provisioning attempts (a job ran twice)`,
      );
    }
    const consumer = hostId ? machineByHost.get(hostId) : undefined;
    if (consumer?.phase === 'Provisioned') {
      const last = machine.boots.at(-1);
      const wanted = ['PXE', 'iPXE'].includes(consumer.provisioning_mode)
        ? 'Pxe'
        : 'Cd';
      // A BMC that takes kernel parameters as a one-time UEFI target boots
      // the inserted image that way, not through a CD override.
      const booted =
        last?.target === 'UefiTarget' && wanted === 'Cd' ? 'Cd' : last?.target;
      if (booted !== wanted) {
        violations.push(
          `BMC ${sim.name} last booted ${
            last?.target ?? 'never'
          }, its machine ${consumer.name} wants ${wanted}`,
        );
      } else if (wanted === 'Cd' && last?.media !== consumer.image_url) {
        violations.push(
          `BMC ${sim.name} booted ${last?.media}, its machine ${consumer.name} wants ${consumer.image_url}`,
        );
      }
    }
  }
  if (fleet.gauge.maxMutationsInFlight > maxConcurrentOps) {
    violations.push(
      `${fleet.gauge.maxMutationsInFlight} BMC operations ran at once across the fleet, more than maxConcurrentOps ${maxConcurrentOps}`,
    );
  }

  violations.push(...(await checkHostEvents(knex)));
  return {
    violations,
    machines,
    jobs: jobs.length,
    extraAttempts: jobs.reduce((sum, j) => sum + Math.max(0, j.attempt - 1), 0),
    boots,
    maxMutationsInFlight: fleet.gauge.maxMutationsInFlight,
  };
}

/** Each host's recorded changes are transitions of the table, each starting where the last ended. */
async function checkHostEvents(knex: Knex): Promise<string[]> {
  const events: Array<{
    host_id: string;
    from_state: HostState | null;
    to_state: HostState;
  }> = await knex(HOST_EVENTS_TABLE).orderBy('id');
  const current = new Map<string, HostState>();
  const violations: string[] = [];
  for (const e of events) {
    const before = current.get(e.host_id);
    if (e.from_state === null) {
      if (before !== undefined)
        violations.push(`host ${e.host_id} registered twice`);
    } else if (before !== e.from_state) {
      violations.push(
        `host ${e.host_id} went ${e.from_state} -> ${e.to_state} but was ${before}`,
      );
    } else if (!findTransition(e.from_state, e.to_state)) {
      violations.push(
        `host ${e.host_id} went ${e.from_state} -> ${e.to_state}, not a transition`,
      );
    }
    current.set(e.host_id, e.to_state);
  }
  return violations;
}
