import { BootMode } from '@beskar7/backstage-plugin-beskar7-common';
import { VendorQuirks } from '@beskar7/backstage-plugin-beskar7-node';
import { RedfishClient } from './client';
import { RedfishHttpError, RedfishUnsupportedError } from './errors';
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
 * `Once` unless the BMC does not honour it: its allowable values leave it
 * out, or the vendor table says so. Then `Continuous`, which the caller
 * must clear once the boot it was for has happened.
 */
export function overrideEnabledFor(
  boot: Resource,
  vendor?: Pick<VendorQuirks, 'bootOverride'>,
): 'Once' | 'Continuous' {
  const allowed = boot['BootSourceOverrideEnabled@Redfish.AllowableValues'];
  const onceAllowed = !Array.isArray(allowed) || allowed.includes('Once');
  return vendor?.bootOverride?.once === false || !onceAllowed
    ? 'Continuous'
    : 'Once';
}

/**
 * Sets a boot override for the next boot, then reads the system again to
 * confirm the BMC took it (some accept a PATCH and ignore part of it). The
 * override read back says whether it is `Once` or `Continuous`: a BMC that
 * keeps a `Once` as `Continuous` booted as asked, but must be cleared.
 */
export async function setOneTimeBoot(
  client: RedfishClient,
  systemPath: string,
  target: BootTarget,
  options: { mode?: BootMode; uefiTarget?: string } = {},
  vendor?: Pick<VendorQuirks, 'bootOverride'>,
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
  const enabled = overrideEnabledFor(boot, vendor);
  const patch: Resource = {
    BootSourceOverrideTarget: target,
    BootSourceOverrideEnabled: enabled,
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
    (readBack.enabled === enabled || readBack.enabled === 'Continuous') &&
    (target !== 'UefiTarget' || readBack.uefiTarget === options.uefiTarget) &&
    (!patch.BootSourceOverrideMode ||
      readBack.mode === patch.BootSourceOverrideMode);
  if (!took) {
    throw new RedfishUnsupportedError(
      client.address,
      `the boot override did not take effect: asked for ${target} (${enabled}), the BMC reports ${readBack.target} (${readBack.enabled})`,
    );
  }
  return readBack;
}

/**
 * Whether the BMC reports no override in effect. Services say it in two
 * ways: `BootSourceOverrideEnabled: Disabled`, or a target of `None` (some
 * keep `Continuous` with target None as their resting state).
 */
export function noOverride(override: BootOverride): boolean {
  return override.enabled === 'Disabled' || override.target === 'None';
}

/**
 * Turns the boot override off, unless there is none. A bare
 * `{"BootSourceOverrideEnabled": "Disabled"}` is what DSP0266 asks for;
 * services that want the whole Boot object refuse it with 400, and get
 * the same with target `None` and the current mode. What the BMC reports
 * afterwards decides.
 */
export async function clearBootOverride(
  client: RedfishClient,
  systemPath: string,
): Promise<BootOverride> {
  const system = await client.get(systemPath);
  const current = bootOverrideOf(system);
  if (noOverride(current)) return current;
  try {
    await client.patch(systemPath, {
      Boot: { BootSourceOverrideEnabled: 'Disabled' },
    });
  } catch (error) {
    if (!(error instanceof RedfishHttpError) || error.status !== 400) {
      throw error;
    }
    await client.patch(systemPath, { Boot: wholeClear(system.Boot ?? {}) });
  }
  const readBack = bootOverrideOf(await client.get(systemPath));
  if (!noOverride(readBack)) {
    throw new RedfishUnsupportedError(
      client.address,
      `the boot override was not cleared: the BMC still reports ${readBack.target} (${readBack.enabled})`,
    );
  }
  return readBack;
}

/** The Boot object that says "no override" in full: target None, mode kept. */
function wholeClear(boot: Resource): Resource {
  const targets = boot['BootSourceOverrideTarget@Redfish.AllowableValues'];
  const patch: Resource = {
    BootSourceOverrideEnabled: 'Disabled',
    BootSourceOverrideTarget:
      !Array.isArray(targets) || targets.includes('None')
        ? 'None'
        : boot.BootSourceOverrideTarget,
  };
  if (boot.BootSourceOverrideMode) {
    patch.BootSourceOverrideMode = boot.BootSourceOverrideMode;
  }
  return patch;
}
