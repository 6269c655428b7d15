import { BootMode } from '@beskar7/backstage-plugin-beskar7-common';
import { RedfishClient } from './client';
import { RedfishUnsupportedError } from './errors';
import { Resource } from './odata';
import { BootOverride, BootTarget } from './types';

export function bootOverrideOf(system: Resource): BootOverride {
  const boot = system.Boot ?? {};
  return {
    target: boot.BootSourceOverrideTarget ?? 'None',
    enabled: boot.BootSourceOverrideEnabled ?? 'Disabled',
    mode: boot.BootSourceOverrideMode ?? undefined,
    uefiTarget: boot.UefiTargetBootSourceOverride || undefined,
  };
}

/**
 * Sets a one-time boot override, then reads the system again to confirm the
 * BMC took it (some accept a PATCH and ignore part of it).
 */
export async function setOneTimeBoot(
  client: RedfishClient,
  systemPath: string,
  target: BootTarget,
  options: { mode?: BootMode; uefiTarget?: string } = {},
): Promise<BootOverride> {
  const system = await client.get(systemPath);
  const boot = system.Boot;
  if (!boot) {
    throw new RedfishUnsupportedError(
      client.address,
      'the system has no Boot properties',
    );
  }
  const allowed = boot['BootSourceOverrideTarget@Redfish.AllowableValues'];
  if (Array.isArray(allowed) && !allowed.includes(target)) {
    throw new RedfishUnsupportedError(
      client.address,
      `boot target ${target} is not allowed (allowed: ${allowed.join(', ')})`,
    );
  }
  if (target === 'UefiTarget' && !options.uefiTarget) {
    throw new RedfishUnsupportedError(
      client.address,
      'boot target UefiTarget needs a UEFI path',
    );
  }
  const patch: Resource = {
    BootSourceOverrideTarget: target,
    BootSourceOverrideEnabled: 'Once',
  };
  if (options.mode && 'BootSourceOverrideMode' in boot) {
    patch.BootSourceOverrideMode = options.mode;
  }
  if (target === 'UefiTarget') {
    patch.UefiTargetBootSourceOverride = options.uefiTarget;
  }
  await client.patch(systemPath, { Boot: patch });

  const readBack = bootOverrideOf(await client.get(systemPath));
  const took =
    readBack.target === target &&
    readBack.enabled === 'Once' &&
    (target !== 'UefiTarget' || readBack.uefiTarget === options.uefiTarget) &&
    (!patch.BootSourceOverrideMode ||
      readBack.mode === patch.BootSourceOverrideMode);
  if (!took) {
    throw new RedfishUnsupportedError(
      client.address,
      `the boot override did not take effect: asked for ${target} once, the BMC reports ${readBack.target} (${readBack.enabled})`,
    );
  }
  return readBack;
}
