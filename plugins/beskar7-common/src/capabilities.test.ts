import {
  bootTargetFor,
  capabilityGap,
  canProvision,
  provisioningModesFor,
} from './capabilities';
import { HostCapabilities } from './types';

const blade: HostCapabilities = {
  virtualMediaTypes: [],
  bootSourceOverrideTargets: ['None', 'Pxe', 'Hdd', 'UefiHttp'],
};
const server: HostCapabilities = {
  virtualMediaTypes: ['CD', 'DVD', 'USBStick'],
  bootSourceOverrideTargets: ['None', 'Cd', 'Pxe', 'Hdd'],
  bootSourceOverrideModes: ['UEFI'],
};

describe('capabilities', () => {
  it('boots ISO modes from Cd and network modes from Pxe', () => {
    expect(bootTargetFor('RemoteConfig')).toBe('Cd');
    expect(bootTargetFor('PreBakedISO')).toBe('Cd');
    expect(bootTargetFor('PXE')).toBe('Pxe');
    expect(bootTargetFor('iPXE')).toBe('Pxe');
  });

  it('refuses ISO modes on a BMC without CD/DVD virtual media, naming what it has', () => {
    expect(
      capabilityGap(blade, {
        provisioningMode: 'PreBakedISO',
        bootMode: 'UEFI',
      }),
    ).toBe('PreBakedISO needs CD/DVD virtual media; the BMC offers none');
    expect(
      capabilityGap(
        { virtualMediaTypes: ['USBStick', 'Floppy'] },
        { provisioningMode: 'RemoteConfig', bootMode: 'UEFI' },
      ),
    ).toBe(
      'RemoteConfig needs CD/DVD virtual media; the BMC offers USBStick, Floppy',
    );
    expect(provisioningModesFor(blade, 'UEFI')).toEqual(['PXE', 'iPXE']);
  });

  it('refuses a boot target or mode the BMC does not allow', () => {
    expect(
      capabilityGap(
        { virtualMediaTypes: ['DVD'], bootSourceOverrideTargets: ['Pxe'] },
        { provisioningMode: 'PreBakedISO', bootMode: 'UEFI' },
      ),
    ).toBe('PreBakedISO boots from Cd; the BMC allows Pxe');
    expect(
      canProvision(server, { provisioningMode: 'PXE', bootMode: 'Legacy' }),
    ).toBe(false);
    expect(provisioningModesFor(server, 'UEFI')).toEqual([
      'RemoteConfig',
      'PreBakedISO',
      'PXE',
      'iPXE',
    ]);
  });

  it('restricts nothing the BMC does not list, nor a host not yet inspected for it', () => {
    expect(
      provisioningModesFor({ virtualMediaTypes: ['CD'] }, 'Legacy'),
    ).toHaveLength(4);
    expect(provisioningModesFor(undefined, 'Legacy')).toHaveLength(4);
  });
});
