import { HealthResponse } from '@internal/backstage-plugin-beskar7-common';
import { Knex } from 'knex';

/** Reports whether the plugin can reach its database, and how fast. */
export async function checkHealth(
  knex: Knex,
  version: string,
): Promise<HealthResponse> {
  const client = String(knex.client.config.client);
  const started = process.hrtime.bigint();
  try {
    await knex.raw('select 1');
    const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
    return {
      status: 'ok',
      database: { client, reachable: true, latencyMs },
      version,
    };
  } catch {
    return {
      status: 'degraded',
      database: { client, reachable: false },
      version,
    };
  }
}
