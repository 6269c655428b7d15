import { Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { bootConfigUrls } from '../simulator/bootConfig';
import { buildKernelParams } from '../redfish/kernelParams';
import { bootstrapConfigUrl, metaDataOf } from './bootstrapDocuments';

describe('bootstrapConfigUrl', () => {
  const base = 'https://portal.example/api/beskar7/bootstrap/tok';

  it('points cloud-init at a NoCloud seed and Flatcar at its Ignition config', () => {
    const seed = bootstrapConfigUrl(base, 'cloud-init', 'cloud-config');
    expect(seed).toBe(`${base}/`);
    expect(buildKernelParams('cloud-init', seed)).toBe(`ds=nocloud;s=${base}/`);
    // What the OS then reads: the seed's documents.
    expect(bootConfigUrls(buildKernelParams('cloud-init', seed))).toEqual([
      `${base}/meta-data`,
      `${base}/user-data`,
      `${base}/vendor-data`,
    ]);
    const ignition = bootstrapConfigUrl(base, 'flatcar', 'ignition');
    expect(bootConfigUrls(buildKernelParams('flatcar', ignition))).toEqual([
      `${base}/user-data`,
    ]);
  });

  it('refuses an OS family that cannot consume the format, naming the one that can', () => {
    expect(() => bootstrapConfigUrl(base, 'kairos', 'cloud-config')).toThrow(
      /kairos cannot consume cloud-config.*cloud-init/,
    );
    expect(() => bootstrapConfigUrl(base, 'cloud-init', 'ignition')).toThrow(
      /use osFamily flatcar/,
    );
  });
});

describe('metaDataOf', () => {
  it('gives the instance, the host name and the provider ID', () => {
    const machine = { id: 'uuid-1', name: 'w-0', namespace: 'ns' } as Machine;
    expect(metaDataOf(machine)).toBe(
      [
        'instance-id: uuid-1',
        'local-hostname: w-0',
        'provider-id: b7://ns/w-0',
        'provider_id: b7://ns/w-0',
        '',
      ].join('\n'),
    );
  });
});
