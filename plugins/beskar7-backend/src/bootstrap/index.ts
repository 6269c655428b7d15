import { DiscoveryService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { BootstrapTokenStore } from '../database/BootstrapTokenStore';
import { MachineStore } from '../database/MachineStore';
import { BootstrapDelivery } from './BootstrapDelivery';
import { BOOTSTRAP_PATH } from './bootstrapRouter';
import { BootstrapDataSource } from './types';

export { BootstrapDelivery } from './BootstrapDelivery';
export { BOOTSTRAP_PATH, createBootstrapRouter } from './bootstrapRouter';
export type { BootstrapDataSource } from './types';

/** The delivery of one replica: its URL is the configured one, else the plugin's own. */
export async function createBootstrapDelivery(options: {
  knex: Knex;
  source: BootstrapDataSource;
  settings: { baseUrl?: string; tokenTtlMs: number };
  discovery: DiscoveryService;
}): Promise<BootstrapDelivery> {
  const { knex, source, settings, discovery } = options;
  const baseUrl =
    settings.baseUrl ??
    `${await discovery.getExternalBaseUrl('beskar7')}${BOOTSTRAP_PATH}`;
  return new BootstrapDelivery({
    tokens: new BootstrapTokenStore(knex),
    machines: new MachineStore(knex),
    source,
    baseUrl,
    tokenTtlMs: settings.tokenTtlMs,
  });
}
