/*
 * One replica of the claim benchmark (bench/claims.ts), as a process of its
 * own: its own event loop, its own connection pool, its own coordinator and
 * metrics, as a backend replica has in production. The parent hands out
 * machines one at a time over IPC, from one queue for every replica.
 */
import { ClaimCoordinationMode } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { performance } from 'node:perf_hooks';
import { createClaimCoordinator } from '../../../../plugins/beskar7-backend/src/claims/createClaimCoordinator';
import { LeaderElectionTiming } from '../../../../plugins/beskar7-backend/src/claims/leaderElection';
import { ClaimCoordinator } from '../../../../plugins/beskar7-backend/src/claims/types';
import { createBeskar7Metrics } from '../../../../plugins/beskar7-backend/src/metrics';
import { claimEach, RaceEntry } from '@beskar7/backend-testing/fleet';
import {
  openReplicaPools,
  ReplicaTarget,
} from '@beskar7/backend-testing/database';

export type ToReplica =
  | {
      type: 'start';
      target: ReplicaTarget;
      mode: ClaimCoordinationMode;
      poolSize: number;
      replica: number;
      leaderElection: LeaderElectionTiming;
    }
  | { type: 'race'; concurrency: number }
  | { type: 'machine'; id?: string }
  | {
      type: 'baseline';
      table: string;
      rowIds: number[];
      seconds: number;
    }
  | { type: 'stop' };

export type FromReplica =
  | { type: 'ready' }
  | { type: 'next' }
  | { type: 'raced'; entries: RaceEntry[]; attempts: Record<string, number> }
  | { type: 'baselined'; updates: number; seconds: number };

function send(message: FromReplica) {
  process.send!(message);
}

let knex: Knex | undefined;
let coordinator: ClaimCoordinator | undefined;
let metrics = createBeskar7Metrics();
let replica = 0;
const waitingForMachines: Array<(id?: string) => void> = [];

/** The next machine from the parent's queue; undefined once it is empty. */
function nextMachine(): Promise<string | undefined> {
  return new Promise(resolve => {
    waitingForMachines.push(resolve);
    send({ type: 'next' });
  });
}

async function attemptsByOutcome() {
  const totals: Record<string, number> = {};
  for (const v of (await metrics.hostClaimAttempts.get()).values) {
    const outcome = String(v.labels.outcome);
    totals[outcome] = (totals[outcome] ?? 0) + v.value;
  }
  return totals;
}

/**
 * Plain single-row update transactions, each worker on a row of its own, so
 * that the rate measures the database and the round trips, not contention.
 */
async function baseline(table: string, rowIds: number[], seconds: number) {
  const db = knex!;
  let updates = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    rowIds.map(async id => {
      while (performance.now() < deadline) {
        await retryBusy(() =>
          db.transaction(trx => trx(table).where({ id }).increment('n', 1)),
        );
        updates++;
      }
    }),
  );
  return { updates, seconds: (performance.now() - started) / 1000 };
}

/** SQLite answers "busy" instead of waiting (see replicaPools); so do we. */
async function retryBusy<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      await new Promise(resolve => setTimeout(resolve, Math.random() * 2));
    }
  }
}

async function handle(message: ToReplica) {
  switch (message.type) {
    case 'start': {
      knex = openReplicaPools(message.target, 1, message.poolSize).clients[0];
      metrics = createBeskar7Metrics();
      replica = message.replica;
      coordinator = createClaimCoordinator({
        mode: message.mode,
        knex,
        metrics,
        replicaId: `bench-replica-${message.replica}`,
        leaderElection: message.leaderElection,
      });
      await coordinator.start();
      // Connections are opened before the clock starts, as a running replica's are.
      await Promise.all(
        Array.from({ length: message.poolSize }, () => knex!.raw('SELECT 1')),
      );
      send({ type: 'ready' });
      return;
    }
    case 'race': {
      const entries = await claimEach(coordinator!, replica, nextMachine, {
        concurrencyPerReplica: message.concurrency,
      });
      send({ type: 'raced', entries, attempts: await attemptsByOutcome() });
      return;
    }
    case 'machine':
      waitingForMachines.shift()!(message.id);
      return;
    case 'baseline':
      send({
        type: 'baselined',
        ...(await baseline(message.table, message.rowIds, message.seconds)),
      });
      return;
    default:
      await coordinator?.stop();
      await knex?.destroy();
      process.exit(0);
  }
}

// A replica never outlives its benchmark.
process.once('disconnect', () => process.exit(1));
process.on('message', (message: ToReplica) => {
  handle(message).catch(error => {
    console.error(error);
    process.exit(1);
  });
});
