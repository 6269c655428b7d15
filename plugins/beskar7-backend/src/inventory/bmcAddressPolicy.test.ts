import { lookup } from 'node:dns/promises';
import { BmcAddressPolicy, BmcAllowlistEntryError } from './bmcAddressPolicy';

const resolve = (name: string) => lookup(name, { all: true });

const METADATA_ADDRESSES = [
  'http://169.254.169.254/redfish/v1',
  'https://169.254.0.1',
  'http://[fe80::1]:8000',
  'http://[febf:ffff::1]',
  'http://[fd00:ec2::254]',
  'http://100.100.100.200',
  // The same address written the other ways URLs allow.
  'http://2852039166',
  'http://0xa9fea9fe',
  'http://[::ffff:169.254.169.254]',
  'http://metadata.google.internal',
  'http://METADATA.google.internal.',
  'http://metadata',
  'http://instance-data.ec2.internal',
];

describe('BmcAddressPolicy', () => {
  it('without an allowlist refuses only link-local and metadata addresses', async () => {
    const policy = BmcAddressPolicy.create(undefined, resolve);
    for (const address of METADATA_ADDRESSES) {
      expect([address, await policy.refusal(address)]).toEqual([
        address,
        expect.stringMatching(/link-local|metadata/),
      ]);
    }
    for (const address of [
      'https://10.1.2.3',
      'https://[fd00::1]',
      'https://[fec0::1]',
      'https://169.255.0.1',
      'http://127.0.0.1:8000',
      'https://bmc-01.does-not-exist.invalid',
    ]) {
      expect([address, await policy.refusal(address)]).toEqual([
        address,
        undefined,
      ]);
    }
  });

  it('with an allowlist refuses what no entry holds, naming the key', async () => {
    const policy = BmcAddressPolicy.create(
      ['10.0.0.0/8', '2001:db8::/32', 'bmc.example.com', '*.oob.example.com'],
      resolve,
    );
    const allowed = [
      'https://10.20.30.40',
      'https://[2001:db8::7]:8443',
      'https://BMC.example.com',
      'https://r1-u12.oob.example.com',
    ];
    for (const address of allowed) {
      expect([address, await policy.refusal(address)]).toEqual([
        address,
        undefined,
      ]);
    }
    const refused = [
      'https://11.0.0.1',
      'https://[2001:db9::1]',
      'https://other.example.com',
      'https://oob.example.com',
      'https://evil-oob.example.com',
      // Resolves to 127.0.0.1, outside every range.
      'http://localhost',
      'https://bmc.does-not-exist.invalid',
    ];
    for (const address of refused) {
      expect([address, await policy.refusal(address)]).toEqual([
        address,
        expect.stringContaining('beskar7.inventory.bmcAddressAllowlist'),
      ]);
    }
  });

  it('a broad range does not allow link-local or metadata addresses; a narrow one does', async () => {
    const broad = BmcAddressPolicy.create(['0.0.0.0/0', '::/0'], resolve);
    for (const address of METADATA_ADDRESSES) {
      expect([address, await broad.refusal(address)]).toEqual([
        address,
        expect.stringMatching(/link-local|metadata/),
      ]);
    }
    expect(await broad.refusal('https://192.0.2.1')).toBeUndefined();

    const narrow = BmcAddressPolicy.create(
      ['169.254.10.0/24', 'fe80::/64', 'metadata.google.internal'],
      resolve,
    );
    expect(await narrow.refusal('https://169.254.10.9')).toBeUndefined();
    expect(await narrow.refusal('https://[fe80::9]')).toBeUndefined();
    expect(
      await narrow.refusal('http://metadata.google.internal'),
    ).toBeUndefined();
    expect(await narrow.refusal('http://169.254.169.254')).toMatch(
      /link-local/,
    );
  });

  it('a host name is judged by the addresses it resolves to', async () => {
    const loopback = BmcAddressPolicy.create(['127.0.0.0/8'], resolve);
    expect(await loopback.refusal('http://localhost:8000')).toBeUndefined();
  });

  it('rejects entries that are not ranges or names, with their position', () => {
    for (const entry of [
      '10.0.0.0/33',
      '10.0.0/8',
      '300.1.2.3',
      'fe80::/129',
      'a b',
      '',
    ]) {
      const create = () =>
        BmcAddressPolicy.create(['10.0.0.0/8', entry], resolve);
      expect(create).toThrow(BmcAllowlistEntryError);
      expect(create).toThrow(expect.objectContaining({ index: 1, entry }));
    }
  });
});
