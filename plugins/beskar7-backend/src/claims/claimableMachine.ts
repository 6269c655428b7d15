import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Machine,
  MachinePhase,
} from '@beskar7/backstage-plugin-beskar7-common';
import { isClaimable, MachineClaimState } from '../database/ClaimRequestStore';
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
  const result = answerUnlessClaimable(machineId, machine);
  return result ? { result } : { machine: machine! };
}

/**
 * The answer for a machine not waiting for a host (see
 * loadClaimableMachine); undefined when it is waiting.
 */
export function answerUnlessClaimable(
  machineId: string,
  machine: MachineClaimState | undefined,
): ClaimResult | undefined {
  if (!machine) throw machineNotFound(machineId);
  return isClaimable(machine)
    ? undefined
    : answerForClaimed(machineId, machine);
}

/**
 * The answer for a machine found not claimable (no longer `Pending` without
 * a host): its host if it holds one, else a ConflictError.
 */
export function answerForClaimed(
  machineId: string,
  machine: MachineClaimState,
): ClaimResult {
  if (machine.hostId && HOLDING_PHASES.includes(machine.phase)) {
    return {
      outcome: 'claimed',
      machineId,
      hostId: machine.hostId,
      attempts: 0,
      conflicts: 0,
    };
  }
  throw new ConflictError(
    `Machine ${machineId} is ${machine.phase}; only a Pending machine can claim a host`,
  );
}

export function machineNotFound(machineId: string): NotFoundError {
  return new NotFoundError(`Machine ${machineId} not found`);
}
