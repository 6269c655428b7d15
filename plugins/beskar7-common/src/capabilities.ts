import {
  BootMode,
  HostCapabilities,
  ProvisioningMode,
  PROVISIONING_MODES,
} from './types';

/**
 * Provisioning modes that insert the machine's image as a CD/DVD through the
 * BMC's virtual media and boot from it; the others boot from the network.
 * @public
 */
export const VIRTUAL_MEDIA_MODES: readonly ProvisioningMode[] = [
  'RemoteConfig',
  'PreBakedISO',
];

/** Virtual media types (DMTF `VirtualMedia.MediaTypes`) an ISO image is inserted as. @public */
export const ISO_MEDIA_TYPES: readonly string[] = ['CD', 'DVD'];

/** What a machine asks of its host's BMC. @public */
export interface ProvisioningNeeds {
  provisioningMode: ProvisioningMode;
  bootMode: BootMode;
}

/**
 * The `BootSourceOverrideTarget` a provisioning mode boots the host from.
 * @public
 */
export function bootTargetFor(mode: ProvisioningMode): 'Cd' | 'Pxe' {
  return VIRTUAL_MEDIA_MODES.includes(mode) ? 'Cd' : 'Pxe';
}

/**
 * Why a host with these capabilities cannot provision a machine with these
 * needs; undefined when it can. Unknown capabilities (a host not inspected
 * since they are recorded) pass, as every host did before: the backend
 * re-inspects the Available ones when it starts recording them. A list the
 * BMC does not give (allowable boot targets or modes) restricts nothing.
 * @public
 */
export function capabilityGap(
  capabilities: HostCapabilities | undefined,
  needs: ProvisioningNeeds,
): string | undefined {
  if (!capabilities) return undefined;
  const target = bootTargetFor(needs.provisioningMode);
  const {
    virtualMediaTypes,
    bootSourceOverrideTargets,
    bootSourceOverrideModes,
  } = capabilities;
  if (
    target === 'Cd' &&
    !virtualMediaTypes.some(t => ISO_MEDIA_TYPES.includes(t))
  ) {
    return `${
      needs.provisioningMode
    } needs CD/DVD virtual media; the BMC offers ${
      virtualMediaTypes.length ? virtualMediaTypes.join(', ') : 'none'
    }`;
  }
  if (
    bootSourceOverrideTargets &&
    !bootSourceOverrideTargets.includes(target)
  ) {
    return `${needs.provisioningMode} boots from ${target}; the BMC allows ${
      bootSourceOverrideTargets.join(', ') || 'no boot target'
    }`;
  }
  if (
    bootSourceOverrideModes &&
    !bootSourceOverrideModes.includes(needs.bootMode)
  ) {
    return `boot mode ${
      needs.bootMode
    } is not among the BMC's (${bootSourceOverrideModes.join(', ')})`;
  }
  return undefined;
}

/** Whether a host with these capabilities can provision a machine with these needs. @public */
export function canProvision(
  capabilities: HostCapabilities | undefined,
  needs: ProvisioningNeeds,
): boolean {
  return capabilityGap(capabilities, needs) === undefined;
}

/** Every provisioning mode a host with these capabilities can do in this boot mode. @public */
export function provisioningModesFor(
  capabilities: HostCapabilities | undefined,
  bootMode: BootMode,
): ProvisioningMode[] {
  return PROVISIONING_MODES.filter(provisioningMode =>
    canProvision(capabilities, { provisioningMode, bootMode }),
  );
}
