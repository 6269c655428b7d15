import { VendorQuirks } from '@beskar7/backstage-plugin-beskar7-node';
import {
  actionInfoAllowableValues,
  chooseAllowed,
  inlineAllowableValues,
} from './allowable';
import { backoffDelayMs } from './backoff';
import { CircuitBreaker } from './circuitBreaker';
import { redfishErrorMessages } from './errors';
import { buildKernelParams } from './kernelParams';
import { detectVendor, oemNamesOf } from './vendors';
import { pickCdDevice } from './discovery';
import { systemIdentityOf } from './systemIdentity';

describe('backoffDelayMs', () => {
  const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
  it('doubles up to the cap, with half of it random', () => {
    expect(
      [1, 2, 3, 4, 5].map(r => backoffDelayMs(r, policy, () => 1)),
    ).toEqual([100, 200, 400, 800, 1000]);
    expect(
      [1, 2, 3, 4, 5].map(r => backoffDelayMs(r, policy, () => 0)),
    ).toEqual([50, 100, 200, 400, 500]);
  });
});

describe('allowable values', () => {
  it('reads inline and ActionInfo lists', () => {
    expect(
      inlineAllowableValues(
        { 'ResetType@Redfish.AllowableValues': ['On', 3] },
        'ResetType',
      ),
    ).toEqual(['On']);
    expect(inlineAllowableValues({}, 'ResetType')).toBeUndefined();
    const info = {
      Parameters: [{ Name: 'ResetType', AllowableValues: ['ForceOff', 'On'] }],
    };
    expect(actionInfoAllowableValues(info, 'ResetType')).toEqual([
      'ForceOff',
      'On',
    ]);
    expect(actionInfoAllowableValues(info, 'Other')).toBeUndefined();
  });

  it('chooses the first preference the BMC allows', () => {
    expect(
      chooseAllowed(
        ['GracefulRestart', 'ForceRestart'],
        ['On', 'ForceRestart'],
      ),
    ).toBe('ForceRestart');
    expect(
      chooseAllowed(
        ['GracefulShutdown'],
        ['On', 'GracefulShutdownGracefulRestart'],
      ),
    ).toBeUndefined();
    expect(chooseAllowed(['On', 'ForceOn'], undefined)).toBe('On');
  });
});

describe('buildKernelParams', () => {
  it('uses the parameter each OS family reads', () => {
    expect(buildKernelParams('kairos', 'http://h/c.yaml')).toBe(
      'config_url=http://h/c.yaml',
    );
    expect(buildKernelParams('flatcar', 'http://h/i.json')).toBe(
      'flatcar.ignition.config.url=http://h/i.json',
    );
    expect(buildKernelParams('LeapMicro', 'http://h/s')).toBe(
      'combustion.path=http://h/s',
    );
    expect(buildKernelParams('cloud-init', 'http://h/seed/')).toBe(
      'ds=nocloud;s=http://h/seed/',
    );
  });

  it('refuses what would split the command line or an unknown family', () => {
    expect(() => buildKernelParams('kairos', 'http://h/a b')).toThrow(
      /whitespace/,
    );
    expect(() => buildKernelParams('talos' as any, 'http://h/c')).toThrow(
      /talos/,
    );
  });
});

describe('detectVendor', () => {
  it.each([
    [{ manufacturer: 'Dell Inc.' }, 'dell-idrac'],
    [{ manufacturer: 'HPE' }, 'hpe-ilo'],
    [{ manufacturer: 'Hewlett Packard Enterprise' }, 'hpe-ilo'],
    [{ manufacturer: 'Lenovo' }, 'lenovo-xcc'],
    [{ manufacturer: 'Supermicro' }, 'supermicro'],
    [
      {
        manufacturer: 'GIGABYTE',
        vendor: 'AMI',
        product: 'AMI Redfish Server',
      },
      'ami-megarac',
    ],
    [{ manufacturer: 'Contoso' }, 'generic'],
    [{}, 'generic'],
    // The manager's firmware and OEM sections outrank names.
    [{ manufacturer: 'Foxconn', managerFirmware: 'iLO 6 v1.50' }, 'hpe-ilo'],
    [{ manufacturer: 'GIGABYTE', oem: ['Ami', 'Dre'] }, 'ami-megarac'],
    [{ manufacturer: 'Dell Inc.', oem: ['DellManager'] }, 'dell-idrac'],
    // HPE Cray blades run Cray firmware: no iLO, no Hpe OEM sections.
    [{ manufacturer: 'HPE', oem: ['CrayProcess'] }, 'generic'],
    [{ manufacturer: 'HPE', managerFirmware: 'nc.1.9.6-shasta' }, 'generic'],
  ])('%j is %s', (identity, id) => {
    expect(detectVendor(identity).id).toBe(id);
  });

  it('reads OEM names from sections, links and OEM actions', () => {
    expect(
      oemNamesOf([
        { Oem: { Hpe: {} }, Links: { Oem: { Hpe: {} } } },
        { Actions: { Oem: { '#CrayProcess.Schedule': {} } } },
        undefined,
      ]),
    ).toEqual(['Hpe', 'CrayProcess']);
  });

  it('tries vendors from the extension point first', () => {
    const custom: VendorQuirks = {
      id: 'dell-custom',
      displayName: 'Dell with site BIOS attribute',
      match: /dell/i,
      kernelParams: { kind: 'biosAttribute', attribute: 'SiteKernelArgs' },
    };
    expect(detectVendor({ manufacturer: 'Dell Inc.' }, [custom]).id).toBe(
      'dell-custom',
    );
  });
});

describe('CircuitBreaker', () => {
  it('opens at the threshold, lets one probe through after the pause, closes on success', () => {
    let now = 0;
    const breaker = new CircuitBreaker('https://bmc', {
      failureThreshold: 2,
      openMs: 100,
      now: () => now,
    });
    breaker.recordFailure('boom');
    expect(breaker.state()).toBe('closed');
    breaker.recordFailure('boom');
    expect(breaker.status()).toMatchObject({
      state: 'open',
      consecutiveFailures: 2,
      lastError: 'boom',
    });
    expect(breaker.tryAcquire()).toBe(false);
    now = 100;
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.status()).toEqual({
      address: 'https://bmc',
      state: 'closed',
      consecutiveFailures: 0,
    });
  });
});

describe('redfishErrorMessages', () => {
  it('reads the message and the extended info, ids where there is no text', () => {
    const body = {
      error: {
        message: 'A general error has occurred.',
        '@Message.ExtendedInfo': [
          { Message: 'Virtual Media is detached.' },
          { MessageId: 'IDRAC.2.1.VRM0021' },
        ],
      },
    };
    expect(redfishErrorMessages(body)).toEqual([
      'A general error has occurred.',
      'Virtual Media is detached.',
      'IDRAC.2.1.VRM0021',
    ]);
    expect(redfishErrorMessages({ error: { message: 'Only this' } })).toEqual([
      'Only this',
    ]);
    expect(redfishErrorMessages('<html>')).toEqual([]);
  });
});

describe('pickCdDevice', () => {
  it('prefers a CD/DVD media type, else a CD-like name', () => {
    expect(
      pickCdDevice([
        { '@odata.id': '/vm/1', MediaTypes: ['Floppy', 'USBStick'] },
        { '@odata.id': '/vm/2', MediaTypes: ['CD', 'DVD'] },
      ]),
    ).toBe('/vm/2');
    expect(
      pickCdDevice([
        { '@odata.id': '/vm/CD1', Id: 'CD1', Name: 'virtual CD1' },
      ]),
    ).toBe('/vm/CD1');
    expect(
      pickCdDevice([{ '@odata.id': '/vm/1', MediaTypes: ['USBStick'] }]),
    ).toBeUndefined();
  });
});

describe('systemIdentityOf', () => {
  it('is the UUID, else the serial with maker and model, never a placeholder', () => {
    const base = {
      Manufacturer: 'HPE',
      Model: 'ProLiant DL325',
      SerialNumber: 'CZ1',
    };
    expect(
      systemIdentityOf({
        ...base,
        UUID: '30373237-3132-5A43-3331-303630304A52',
      }),
    ).toBe('uuid:3037323731325a433331303630304a52');
    for (const UUID of [
      undefined,
      '',
      '00000000-0000-0000-0000-000000000000',
      'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
      'not-a-uuid',
    ]) {
      expect(systemIdentityOf({ ...base, UUID })).toBe(
        'serial:hpe/proliant dl325/cz1',
      );
    }
    for (const SerialNumber of [undefined, ' ', 'Default string', '0000000']) {
      expect(systemIdentityOf({ ...base, SerialNumber })).toBeUndefined();
    }
  });
});
