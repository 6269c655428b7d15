import { ClaimResult } from './types';

/**
 * One claim per machine at a time in this replica. The create notification,
 * the periodic pass and a finished job can all ask for the same machine at
 * once; the late callers share the running claim's answer instead of racing
 * it (which spent their attempts on conflicts with their own replica, and
 * counted them as contention between replicas).
 */
export class OneClaimPerMachine {
  private readonly running = new Map<string, Promise<ClaimResult>>();

  run(machineId: string, claim: () => Promise<ClaimResult>) {
    const current = this.running.get(machineId);
    if (current) return current;
    const started = claim().finally(() => this.running.delete(machineId));
    this.running.set(machineId, started);
    return started;
  }
}
