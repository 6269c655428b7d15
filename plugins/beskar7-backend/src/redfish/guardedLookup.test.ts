import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { BmcAddressPolicy } from '../inventory/bmcAddressPolicy';
import { generateTree } from '../simulator/generateTree';
import { SimulatedBmc } from '../simulator';
import { guardedLookup } from './guardedLookup';
import { HttpTransport } from './transport';

/** A resolver whose answers the test chooses: what a rebinding DNS server does. */
function fakeDns(answers: Record<string, string>): typeof dnsLookup {
  return ((hostname: string, options: any, callback: any) => {
    const address = answers[hostname];
    if (!address) {
      callback(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
      return;
    }
    const family = address.includes(':') ? 6 : 4;
    if (options?.all) {
      callback(null, [{ address, family }] as LookupAddress[]);
    } else {
      callback(null, address, family);
    }
  }) as typeof dnsLookup;
}

describe('guardedLookup', () => {
  // A name entry allows its BMC whatever the name resolves to, but never a
  // metadata address.
  const policy = BmcAddressPolicy.create(['*.example']);
  const check = (ip: string) => policy.refusalOfResolved(ip);

  it('refuses a BMC name that now resolves to the metadata address, before connecting', async () => {
    const bmc = await SimulatedBmc.start({
      tree: generateTree('generic', 0),
      credentials: { username: 'admin', password: 'pw-Secret-1' },
    });
    const port = new URL(bmc.url).port;
    const dns = fakeDns({
      'bmc-ok.example': '127.0.0.1',
      'bmc-rebound.example': '169.254.169.254',
    });
    const transport = (host: string) =>
      new HttpTransport(`http://${host}:${port}`, {
        insecureSkipVerify: false,
        timeoutMs: 2_000,
        lookup: guardedLookup(check, dns),
      });
    const ok = transport('bmc-ok.example');
    const rebound = transport('bmc-rebound.example');
    try {
      await expect(ok.send('GET', '/redfish/v1/', {})).resolves.toMatchObject({
        status: 200,
      });
      await expect(rebound.send('GET', '/redfish/v1/', {})).rejects.toThrow(
        /bmc-rebound\.example resolves to 169\.254\.169\.254 is a link-local or cloud metadata address/,
      );
    } finally {
      await ok.close();
      await rebound.close();
      await bmc.stop();
    }
  });

  it('answers with every address when asked for all, checking each', async () => {
    const answer = await new Promise<unknown[]>(resolve =>
      guardedLookup(check, fakeDns({ 'bmc.example': '10.0.0.7' }))(
        'bmc.example',
        { all: true },
        (error, addresses) => resolve([error, addresses]),
      ),
    );
    expect(answer).toEqual([null, [{ address: '10.0.0.7', family: 4 }]]);
  });
});
