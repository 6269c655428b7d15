import {
  HealthResponse,
  KubernetesHealth,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';

/**
 * Reports whether the plugin can reach its database, and how fast, and how
 * its Kubernetes side is doing when it has one.
 */
export async function checkHealth(
  knex: Knex,
  version: string,
  kubernetes?: KubernetesHealth,
): Promise<HealthResponse> {
  const client = String(knex.client.config.client);
  const started = process.hrtime.bigint();
  try {
    await knex.raw('select 1');
    const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
    return {
      status: kubernetes?.status === 'degraded' ? 'degraded' : 'ok',
      database: { client, reachable: true, latencyMs },
      ...(kubernetes && { kubernetes }),
      version,
    };
  } catch {
    return {
      status: 'degraded',
      database: { client, reachable: false },
      ...(kubernetes && { kubernetes }),
      version,
    };
  }
}
