import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Machine,
  MachinePhase,
} from '@beskar7/backstage-plugin-beskar7-common';
import { MachineStore } from '../database/MachineStore';
import { ClaimResult } from './types';

/** Phases in which a machine holds its host (and a claim is answered with it). */
const HOLDING_PHASES: MachinePhase[] = [
  'Claimed',
  'Provisioning',
  'Provisioned',
];

/**
 * The machine to claim a host for, or the answer when there is nothing to
 * do: a machine that already holds a host gets that host back (claims are
 * idempotent). Throws for a missing machine or one past `Pending`.
 */
export async function loadClaimableMachine(
  machines: MachineStore,
  machineId: string,
): Promise<{ machine: Machine } | { result: ClaimResult }> {
  const machine = await machines.get(machineId);
  if (!machine) throw new NotFoundError(`Machine ${machineId} not found`);
  if (machine.hostId && HOLDING_PHASES.includes(machine.phase)) {
    return {
      result: {
        outcome: 'claimed',
        machineId,
        hostId: machine.hostId,
        attempts: 0,
        conflicts: 0,
      },
    };
  }
  if (machine.phase !== 'Pending') {
    throw new ConflictError(
      `Machine ${machineId} is ${machine.phase}; only a Pending machine can claim a host`,
    );
  }
  return { machine };
}
