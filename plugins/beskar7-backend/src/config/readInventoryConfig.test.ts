import { ConfigReader } from '@backstage/config';
import { JsonValue } from '@backstage/types';
import { readBmcAddressPolicy } from './readInventoryConfig';

const read = (inventory: JsonValue | undefined) =>
  readBmcAddressPolicy(new ConfigReader({ beskar7: { inventory } }));

describe('readBmcAddressPolicy', () => {
  it('reads the allowlist, or none when unset', async () => {
    expect(read(undefined).hasAllowlist).toBe(false);
    const policy = read({ bmcAddressAllowlist: ['10.0.0.0/8'] });
    expect(policy.hasAllowlist).toBe(true);
    expect(await policy.refusal('https://10.1.1.1')).toBeUndefined();
    expect(await policy.refusal('https://192.0.2.1')).toMatch(/outside/);
  });

  it('names the key and the bad entry', () => {
    expect(() =>
      read({ bmcAddressAllowlist: ['10.0.0.0/8', '300.0.0.0/8'] }),
    ).toThrow(
      /beskar7\.inventory\.bmcAddressAllowlist\[1\] "300\.0\.0\.0\/8" is not a CIDR/,
    );
    expect(() => read({ bmcAddressAllowlist: '10.0.0.0/8' })).toThrow(
      /beskar7\.inventory\.bmcAddressAllowlist must be a list of strings/,
    );
  });
});
