/* eslint-disable no-console */
/**
 * One backend replica, as a process of its own for the fault drills: the
 * services the plugin wires (createReplicaServices) against the drill's
 * database. The parent sends the config over IPC (it holds BMC passwords,
 * which must not show in argv) and may SIGKILL this process at any time.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { knex as createKnex } from 'knex';
import { createReplicaServices } from '../../../../plugins/beskar7-backend/src/replicaServices';

export interface ReplicaStartMessage {
  databaseUrl: string;
  config: JsonObject;
  name: string;
}

export type ReplicaReport = { type: 'ready'; replicaId: string };

function stderrLogger(prefix: string): LoggerService {
  const write = (level: string) => (message: string) =>
    console.error(`[${prefix}] ${level}: ${message}`);
  const logger: LoggerService = {
    error: write('error'),
    warn: write('warn'),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

async function run({ databaseUrl, config, name }: ReplicaStartMessage) {
  const knex = createKnex({
    client: 'pg',
    connection: databaseUrl,
    pool: { min: 0, max: 10 },
  });
  const replica = createReplicaServices({
    knex,
    config: new ConfigReader(config),
    logger: stderrLogger(name),
  });
  await replica.start();
  await replica.reconcilers.start();
  process.send!({ type: 'ready', replicaId: replica.replicaId });

  process.once('SIGTERM', async () => {
    await replica.stop();
    await knex.destroy();
    process.exit(0);
  });
}

// A replica never outlives its drill.
process.once('disconnect', () => process.exit(1));

process.once('message', (message: ReplicaStartMessage) => {
  run(message).catch(error => {
    console.error(`[${message.name}] failed to start: ${error}`);
    process.exit(1);
  });
});
