import { ClaimStore, MAX_CLAIM_BATCH } from '../database/ClaimStore';
import { isConnectionLost, isTransientDatabaseError } from '../database/errors';
import { Batches, CLAIM_BATCH_LINGER_MS } from './batches';
import { ClaimMetrics } from './claimMetrics';
import { ClaimResult } from './types';

/**
 * PostgreSQL: the first try of the claims a replica is asked for while its
 * last batch is in flight (or lingers), together in one statement
 * (ClaimStore.claimTogether: a statement's set-up and round trip are most
 * of a claim's database CPU). Each machine takes the best host of its
 * window that nobody holds. A machine that gets none here (a short window,
 * a host another machine of the batch took, not Pending, or a statement
 * that failed for a reason that passes) is answered `undefined`, for the
 * coordinator to claim one statement at a time, as if the batch had not
 * been: nothing of it was written.
 */
export class FirstTries {
  private readonly batches: Batches<string, string | undefined>;

  constructor(
    private readonly claims: ClaimStore,
    private readonly metrics: ClaimMetrics,
    /** Hosts to pass over (the coordinator's own writes in flight). */
    private readonly exclude: () => string[] = () => [],
  ) {
    this.batches = new Batches(
      ids => this.together(ids),
      MAX_CLAIM_BATCH,
      CLAIM_BATCH_LINGER_MS,
    );
  }

  async claim(machineId: string): Promise<ClaimResult | undefined> {
    const hostId = await this.batches.submit(machineId);
    if (!hostId) return undefined;
    this.metrics.attempt('success');
    return { machineId, attempts: 1, conflicts: 0, outcome: 'claimed', hostId };
  }

  private async together(
    machineIds: string[],
  ): Promise<Array<string | undefined>> {
    let claimed: Map<string, string>;
    try {
      claimed = await this.claims.claimTogether(machineIds, this.exclude());
    } catch (error) {
      if (!isConnectionLost(error) && !isTransientDatabaseError(error)) {
        throw error;
      }
      // Asked again one by one, a machine the lost batch gave a host answers with it.
      for (const _ of machineIds) this.metrics.attempt('error');
      return machineIds.map(() => undefined);
    }
    return machineIds.map(id => claimed.get(id));
  }
}
