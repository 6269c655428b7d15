import { Machine, OsFamily } from '@beskar7/backstage-plugin-beskar7-common';
import { BootstrapFormat } from './types';

/** The documents a host fetches under its bootstrap URL. */
export const BOOTSTRAP_DOCUMENTS = [
  'user-data',
  'meta-data',
  'vendor-data',
] as const;
export type BootstrapDocument = (typeof BOOTSTRAP_DOCUMENTS)[number];

/**
 * The URL the OS is pointed at through its kernel parameters: cloud-init's
 * NoCloud datasource takes a seed directory (it reads `meta-data`, then
 * `user-data` and `vendor-data` under it); Ignition takes the config itself.
 * An OS family that cannot consume the format is a terminal error.
 */
export function bootstrapConfigUrl(
  base: string,
  osFamily: OsFamily,
  format: BootstrapFormat,
): string {
  const seed = `${base.replace(/\/+$/, '')}/`;
  if (format === 'cloud-config' && osFamily === 'cloud-init') return seed;
  if (format === 'ignition' && osFamily === 'flatcar') {
    return `${seed}user-data`;
  }
  throw new Error(
    `OS family ${osFamily} cannot consume ${format} bootstrap data: use osFamily ${
      format === 'ignition' ? 'flatcar' : 'cloud-init'
    } for ${format}`,
  );
}

/**
 * NoCloud meta-data: the instance (one per machine request), the host name
 * the Beskar7Machine's Hostname address says, and its provider ID, so that
 * a kubeadm template can give the Node the Beskar7Machine's providerID
 * (`{{ ds.meta_data.provider_id }}`).
 */
export function metaDataOf(machine: Machine): string {
  const providerId = `b7://${machine.namespace}/${machine.name}`;
  return [
    `instance-id: ${machine.id}`,
    `local-hostname: ${machine.name}`,
    `provider-id: ${providerId}`,
    `provider_id: ${providerId}`,
    '',
  ].join('\n');
}
