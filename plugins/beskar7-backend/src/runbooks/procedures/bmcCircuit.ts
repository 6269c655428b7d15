import { BmcCircuitStatus } from '@beskar7/backstage-plugin-beskar7-common';
import { AutomatedStep, Verdict } from '../types';
import { NOTHING_TO_UNDO } from './helpers';

/** What the circuit step found: the breaker before and after its probe. */
export interface CircuitFinding {
  circuit?: BmcCircuitStatus;
  /** Set when the step let the half-open breaker's probe through. */
  probed?: boolean;
}

const lastError = (c: BmcCircuitStatus) =>
  c.lastError ? `; last error: ${c.lastError}` : '';

const failures = (n: number) => `${n} consecutive failure${n === 1 ? '' : 's'}`;

/** The verdict on a BMC's circuit breaker, with the evidence an operator acts on. */
export function judgeCircuit(finding: CircuitFinding): Verdict {
  const { circuit, probed } = finding;
  if (!circuit) {
    return {
      passed: true,
      message: 'This replica has not called the BMC yet: no circuit state',
    };
  }
  const { address, consecutiveFailures } = circuit;
  switch (circuit.state) {
    case 'closed':
      return {
        passed: true,
        message: `Circuit closed for ${address}${
          probed ? ': the probe succeeded' : ''
        }${
          consecutiveFailures
            ? `, ${failures(consecutiveFailures)} so far${lastError(circuit)}`
            : ''
        }`,
      };
    case 'open':
      return {
        passed: false,
        message: `Circuit open for ${address}${
          probed ? ' again: the probe failed' : ''
        } after ${failures(consecutiveFailures)} (opened ${
          circuit.openedAt
        }); calls are refused until ${
          circuit.nextProbeAt
        }, then one probe goes through${lastError(circuit)}`,
      };
    default:
      return {
        passed: false,
        message: `Circuit half-open for ${address} after ${failures(
          consecutiveFailures,
        )}: another call is probing the BMC${lastError(circuit)}`,
      };
  }
}

/**
 * The backend's own view of the BMC: its circuit breaker in this replica.
 * Failing calls open it; while open, every operation on the BMC fails at
 * once. Once the pause is over, this step lets the probe through.
 */
export const circuitStep: AutomatedStep = {
  id: 'circuit',
  title: 'Circuit breaker',
  description:
    "The backend's circuit breaker for this BMC (in this replica): open after repeated failures, when every operation on it fails at once. Once the pause is over, the step makes the probe call (the systems list) that closes it when the BMC answers.",
  kind: 'automated',
  mutates: false,
  risk: {
    level: 'low',
    description:
      'At most one read of the BMC, only when the breaker lets a probe through: its outcome closes or reopens the circuit.',
  },
  run: async ({ actions, parameters }) => {
    const hostId = String(parameters.hostId);
    const circuit = await actions.bmcCircuit(hostId);
    const finding: CircuitFinding =
      circuit?.state === 'half-open'
        ? { circuit: await actions.probeBmcCircuit(hostId), probed: true }
        : { circuit };
    return { summary: judgeCircuit(finding).message, data: finding };
  },
  verification: {
    description:
      'The circuit is closed (or this replica has not called the BMC yet). When open, fix the BMC and run the step again after the time it names.',
    check: (_, outcome) => judgeCircuit(outcome.data as CircuitFinding),
  },
  rollback: NOTHING_TO_UNDO,
};
