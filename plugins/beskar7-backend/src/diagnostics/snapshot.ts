import {
  ClaimCoordinationMode,
  HostState,
  QueueStatus,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  LeaderInfo,
  PerSecondSample,
  PlainHttpHost,
  RateSample,
  ReplicaInfo,
  WarningEvent,
} from './ports';

/** A fact as gathered: its value, or why it could not be read. */
export type Measured<T> = { ok: true; value: T } | { ok: false; error: string };

/** Everything the checks look at, gathered once per report. */
export interface FleetSnapshot {
  coordinationMode: ClaimCoordinationMode;
  hostCounts: Measured<Record<HostState, number>>;
  pendingMachines: Measured<number>;
  warningEvents: Measured<WarningEvent[]>;
  claimConflicts: Measured<RateSample>;
  queue: Measured<QueueStatus>;
  bmcErrors: Measured<RateSample>;
  cooldownWaits: Measured<PerSecondSample>;
  replicas: Measured<ReplicaInfo[]>;
  leader: Measured<LeaderInfo | undefined>;
  databaseLatencyMs: Measured<number>;
  plainHttpHosts: Measured<PlainHttpHost[]>;
}

/** Runs `read`, turning a thrown error into a failed measurement. */
async function measure<T>(read: () => Promise<T>): Promise<Measured<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/**
 * Runs every read of `reads` at once, each through `measure`: the answer has
 * the same keys, each a measurement.
 */
export async function measureAll<
  R extends Record<string, () => Promise<unknown>>,
>(reads: R): Promise<{ [K in keyof R]: Measured<Awaited<ReturnType<R[K]>>> }> {
  const keys = Object.keys(reads) as (keyof R)[];
  const values = await Promise.all(keys.map(k => measure(reads[k])));
  return Object.fromEntries(keys.map((k, i) => [k, values[i]])) as {
    [K in keyof R]: Measured<Awaited<ReturnType<R[K]>>>;
  };
}
