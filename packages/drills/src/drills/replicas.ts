/* eslint-disable no-console */
/**
 * Replica kill drill: three backend replicas work off machine requests on
 * PostgreSQL while one of them is killed with SIGKILL every few seconds and
 * started again. Every request must end, and the invariants hold (see
 * fleetInvariants.ts). Exits 1 when one is broken.
 *
 *   yarn drill:replicas            # short: 60 requests, a kill every 4 s
 *   yarn drill:replicas --long     # long: 300 requests, a kill every 3 s
 *   options: --requests N --replicas N --kill-every-ms N --mode optimistic|locking|leader
 */
import {
  CLAIM_COORDINATION_MODES,
  ClaimCoordinationMode,
} from '@beskar7/backstage-plugin-beskar7-common';
import { runFleetDrill } from './fleetDrill';
import { positiveInteger, readDrillArgs, usageError } from './form';

const { values, long, form, pgUrl } = readDrillArgs({
  requests: { type: 'string' },
  replicas: { type: 'string' },
  'kill-every-ms': { type: 'string' },
  mode: { type: 'string', default: 'optimistic' },
});
const requests = positiveInteger('requests', values.requests, long ? 300 : 60);
const killEveryMs = positiveInteger(
  'kill-every-ms',
  values['kill-every-ms'],
  long ? 3_000 : 4_000,
);
const replicaCount = positiveInteger('replicas', values.replicas, 3, 20);
const mode = String(values.mode) as ClaimCoordinationMode;
if (!CLAIM_COORDINATION_MODES.includes(mode)) {
  usageError(
    `--mode must be one of ${CLAIM_COORDINATION_MODES.join(', ')}, got ${mode}`,
  );
}

runFleetDrill({
  name: `replica kill (${form})`,
  serverUrl: pgUrl,
  requests,
  replicas: replicaCount,
  mode,
  timeoutMs: (long ? 15 : 3) * 60_000,
  async fault({ replicas, working, wait }) {
    while (working()) {
      await wait(killEveryMs);
      if (!working()) break;
      const victim = Math.floor(Math.random() * replicas.size);
      await replicas.kill(victim);
      await replicas.start(victim);
    }
    return { kills: replicas.kills, killEveryMs };
  },
}).then(
  ok => {
    process.exitCode = ok ? 0 : 1;
  },
  error => {
    console.error(error);
    process.exitCode = 1;
  },
);
