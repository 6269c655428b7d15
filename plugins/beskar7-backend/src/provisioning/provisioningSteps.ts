import { Machine } from '@beskar7/backstage-plugin-beskar7-common';

/** One BMC action of a provisioning sequence. */
export type ProvisioningStep =
  | { kind: 'insertMedia'; imageUrl: string }
  | {
      kind: 'setKernelParams';
      osFamily: Machine['osFamily'];
      configUrl: string;
    }
  /** Kernel parameters pointing at the machine's Cluster API bootstrap data. */
  | { kind: 'setBootstrapKernelParams'; osFamily: Machine['osFamily'] }
  | { kind: 'oneTimeBoot'; target: 'Cd' | 'Pxe' }
  | { kind: 'powerCycle' }
  | { kind: 'verifyPoweredOn' };

/**
 * The BMC actions of each provisioning mode, in order. Kept as data so that
 * what a mode does can be read (and tested) without a BMC.
 */
export function provisioningSteps(machine: Machine): ProvisioningStep[] {
  const boot = (target: 'Cd' | 'Pxe'): ProvisioningStep[] => [
    { kind: 'oneTimeBoot', target },
    { kind: 'powerCycle' },
    { kind: 'verifyPoweredOn' },
  ];
  switch (machine.provisioningMode) {
    case 'RemoteConfig':
      if (machine.bootstrapDataSecret) {
        return [
          { kind: 'insertMedia', imageUrl: machine.imageUrl },
          { kind: 'setBootstrapKernelParams', osFamily: machine.osFamily },
          ...boot('Cd'),
        ];
      }
      if (!machine.configUrl) {
        throw new Error(
          `Machine ${machine.namespace}/${machine.name} uses RemoteConfig without a configUrl`,
        );
      }
      return [
        { kind: 'insertMedia', imageUrl: machine.imageUrl },
        {
          kind: 'setKernelParams',
          osFamily: machine.osFamily,
          configUrl: machine.configUrl,
        },
        ...boot('Cd'),
      ];
    case 'PreBakedISO':
      return [
        { kind: 'insertMedia', imageUrl: machine.imageUrl },
        ...boot('Cd'),
      ];
    case 'PXE':
    case 'iPXE':
      return boot('Pxe');
    default:
      throw new Error(`Unknown provisioning mode ${machine.provisioningMode}`);
  }
}
