import { LifecycleService, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Knex } from 'knex';
import { HostStore } from '../database/HostStore';
import { registerSimulatedFleet } from '../inventory/registerSimulatedFleet';
import { simulatedFleetFromConfig } from '../inventory/simulatedFleetFromConfig';
import { ReplicaServices } from '../replicaServices';

/** With `beskar7.simulator.enabled`, registers the simulated BMCs as hosts. */
export async function registerSimulatedFleetFromConfig(options: {
  config: Config;
  knex: Knex;
  logger: LoggerService;
  lifecycle: LifecycleService;
  replica: ReplicaServices;
}) {
  const { config, logger } = options;
  if (!config.getOptionalBoolean('beskar7.simulator.enabled')) return;
  const fleet = await simulatedFleetFromConfig(config);
  if (fleet.stop) options.lifecycle.addShutdownHook(fleet.stop);
  const hosts = await registerSimulatedFleet(
    fleet,
    new HostStore(options.knex),
    options.replica.configCredentials,
    config.getOptionalString('beskar7.simulator.pool') ?? 'default',
  );
  logger.info(`Simulated fleet of ${hosts.length} BMCs registered`);
}
