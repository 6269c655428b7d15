import { OsFamily } from '@beskar7/backstage-plugin-beskar7-common';

/**
 * The kernel parameter through which each OS family fetches its
 * configuration. cloud-init's NoCloud datasource takes a seed URL (ending in
 * `/`) under which it reads `meta-data` and `user-data`; `;` is part of its
 * syntax, not a separator of kernel parameters.
 */
const CONFIG_URL_PARAMETER: Record<OsFamily, string> = {
  kairos: 'config_url',
  flatcar: 'flatcar.ignition.config.url',
  LeapMicro: 'combustion.path',
  'cloud-init': 'ds=nocloud;s',
};

/** Kernel parameters that point an OS family's installer at its configuration. */
export function buildKernelParams(
  osFamily: OsFamily,
  configUrl: string,
): string {
  const parameter = CONFIG_URL_PARAMETER[osFamily];
  if (!parameter) {
    throw new Error(
      `No RemoteConfig kernel parameter is known for OS family ${osFamily}`,
    );
  }
  if (/\s/.test(configUrl)) {
    throw new Error('The config URL must not contain whitespace');
  }
  return `${parameter}=${configUrl}`;
}

/** The `UefiTargetBootSourceOverride` value: loader path, then the kernel parameters. */
export function uefiTargetWithParams(
  loaderPath: string,
  params: string,
): string {
  return `${loaderPath} ${params}`;
}
