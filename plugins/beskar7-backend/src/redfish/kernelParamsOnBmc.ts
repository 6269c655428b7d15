import { OsFamily } from '@beskar7/backstage-plugin-beskar7-common';
import { RedfishClient } from './client';
import { bootOverrideOf, setOneTimeBoot } from './boot';
import { DiscoveredService } from './discovery';
import { RedfishUnsupportedError } from './errors';
import { linkOf } from './odata';
import { buildKernelParams, uefiTargetWithParams } from './kernelParams';
import { KernelParamsStatus } from './types';

/**
 * Sets the RemoteConfig kernel parameters by the vendor's mechanism and reads
 * them back. The UEFI route is a one-time boot of the loader on the inserted
 * media with the parameters appended; the BIOS route writes an attribute to
 * the Bios settings object, applied at the next reset.
 */
export async function setKernelParams(
  client: RedfishClient,
  service: DiscoveredService,
  osFamily: OsFamily,
  configUrl: string,
): Promise<KernelParamsStatus> {
  const params = buildKernelParams(osFamily, configUrl);
  const mechanism = service.vendor.kernelParams;
  if (mechanism.kind === 'uefiTarget') {
    await setOneTimeBoot(client, service.systemPath, 'UefiTarget', {
      mode: 'UEFI',
      uefiTarget: uefiTargetWithParams(mechanism.loaderPath, params),
    });
  } else {
    const settingsPath = await biosSettingsPath(client, service);
    await client.patch(settingsPath, {
      Attributes: { [mechanism.attribute]: params },
    });
  }
  const readBack = await getKernelParams(client, service);
  if (readBack?.params !== params) {
    throw new RedfishUnsupportedError(
      client.address,
      `the kernel parameters did not take effect (${
        mechanism.kind
      }): the BMC reports "${readBack?.params ?? ''}"`,
    );
  }
  return readBack;
}

export async function getKernelParams(
  client: RedfishClient,
  service: DiscoveredService,
): Promise<KernelParamsStatus | undefined> {
  const mechanism = service.vendor.kernelParams;
  if (mechanism.kind === 'uefiTarget') {
    const { uefiTarget } = bootOverrideOf(await client.get(service.systemPath));
    const prefix = `${mechanism.loaderPath} `;
    return uefiTarget?.startsWith(prefix)
      ? { mechanism: 'uefiTarget', params: uefiTarget.slice(prefix.length) }
      : undefined;
  }
  // Pending until the next reset, then current: look in both.
  const settingsPath = await biosSettingsPath(client, service);
  const pending = (await client.get(settingsPath)).Attributes?.[
    mechanism.attribute
  ];
  const current =
    settingsPath === service.biosPath
      ? undefined
      : (await client.get(service.biosPath!)).Attributes?.[mechanism.attribute];
  const params = typeof pending === 'string' && pending ? pending : current;
  return typeof params === 'string' && params
    ? { mechanism: 'biosAttribute', params }
    : undefined;
}

/** Pending BIOS settings go to the `@Redfish.Settings` object when the BMC has one. */
async function biosSettingsPath(
  client: RedfishClient,
  service: DiscoveredService,
): Promise<string> {
  if (!service.biosPath) {
    throw new RedfishUnsupportedError(
      client.address,
      'the system has no Bios resource for kernel parameters',
    );
  }
  const bios = await client.getOptional(service.biosPath);
  if (!bios) {
    throw new RedfishUnsupportedError(
      client.address,
      `the Bios resource ${service.biosPath} does not exist`,
    );
  }
  return linkOf(bios['@Redfish.Settings']?.SettingsObject) ?? service.biosPath;
}
