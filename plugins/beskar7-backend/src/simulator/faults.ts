import { SimOperation } from './operations';

/**
 * A misbehaviour of a simulated BMC.
 * - `status`: answer with this HTTP status (e.g. 500, 503) and a Redfish error body.
 * - `timeout`: never answer; the client's timeout must fire.
 * - `drop`: close the connection without an answer.
 * - `expireSession`: the session used by the request has expired (401).
 * - `mediaInUse`: the insert fails with 409 because the device is busy.
 */
export type SimFaultKind =
  | 'status'
  | 'timeout'
  | 'drop'
  | 'expireSession'
  | 'mediaInUse';

function defaultOperations(kind: SimFaultKind): (op: SimOperation) => boolean {
  return kind === 'mediaInUse'
    ? op => op === 'insertMedia' || op === 'patchMedia'
    : op => op !== 'serviceRoot';
}

export interface SimFault {
  kind: SimFaultKind;
  /** HTTP status for `status` faults; 500 by default. */
  status?: number;
  /** Only requests of these operations; by default all but the service root (media inserts for `mediaInUse`). */
  operations?: SimOperation[];
  /** Matching requests to let through before the fault starts. */
  after?: number;
  /** How many times the fault fires; forever when absent. */
  times?: number;
}

/** Decides, request by request, which configured fault fires. */
export class FaultPlan {
  private faults: Array<{ fault: SimFault; seen: number; fired: number }> = [];

  set(faults: SimFault[]): void {
    this.faults = faults.map(fault => ({ fault, seen: 0, fired: 0 }));
  }

  add(fault: SimFault): void {
    this.faults.push({ fault, seen: 0, fired: 0 });
  }

  clear(): void {
    this.faults = [];
  }

  next(operation: SimOperation): SimFault | undefined {
    for (const entry of this.faults) {
      const { fault } = entry;
      const applies = fault.operations
        ? fault.operations.includes(operation)
        : defaultOperations(fault.kind)(operation);
      if (!applies) {
        continue;
      }
      entry.seen += 1;
      if (entry.seen <= (fault.after ?? 0)) {
        continue;
      }
      if (fault.times !== undefined && entry.fired >= fault.times) {
        continue;
      }
      entry.fired += 1;
      return fault;
    }
    return undefined;
  }
}

const FAULT_KINDS: ReadonlySet<string> = new Set<SimFaultKind>([
  'status',
  'timeout',
  'drop',
  'expireSession',
  'mediaInUse',
]);

/**
 * Faults as sent to a simulated BMC's control path, or an error naming what
 * is wrong. Only the kind and status are taken: the rest has defaults.
 */
export function parseFaults(body: unknown): SimFault[] | string {
  if (!Array.isArray(body)) return 'the body must be a JSON array of faults';
  const faults: SimFault[] = [];
  for (const [i, item] of body.entries()) {
    const { kind, status, times } = (item ?? {}) as Record<string, unknown>;
    if (typeof kind !== 'string' || !FAULT_KINDS.has(kind)) {
      return `[${i}].kind must be one of ${[...FAULT_KINDS].join(', ')}`;
    }
    if (
      status !== undefined &&
      !(
        Number.isInteger(status) &&
        Number(status) >= 400 &&
        Number(status) <= 599
      )
    ) {
      return `[${i}].status must be an HTTP error status (400-599)`;
    }
    if (
      times !== undefined &&
      !(Number.isInteger(times) && Number(times) > 0)
    ) {
      return `[${i}].times must be a positive integer`;
    }
    faults.push({
      kind: kind as SimFaultKind,
      ...(status !== undefined && { status: Number(status) }),
      ...(times !== undefined && { times: Number(times) }),
    });
  }
  return faults;
}
