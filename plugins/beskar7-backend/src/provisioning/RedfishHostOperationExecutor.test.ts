import { ConfigReader } from '@backstage/config';
import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { ConfigCredentialResolver } from '../credentials/ConfigCredentialResolver';
import { CredentialGate } from '../credentials/CredentialGate';
import { BmcProvisionerFactory } from '../redfish';
import { SimulatedFleet, startSimulatedFleet } from '../simulator';
import { RedfishHostOperationExecutor } from './RedfishHostOperationExecutor';

/*
 * A host's caBundleRef is resolved like its login, at use time, and the BMC's
 * certificate is verified against that bundle alone, over real HTTPS.
 */
describe('RedfishHostOperationExecutor and CA bundles', () => {
  let fleet: SimulatedFleet;
  let factory: BmcProvisionerFactory;
  beforeAll(async () => {
    fleet = await startSimulatedFleet({ count: 1, https: true });
    factory = new BmcProvisionerFactory({ powerPollIntervalMs: 5 });
  });
  afterAll(async () => {
    await factory.close();
    await fleet.stop();
  });

  const context = () => ({
    signal: new AbortController().signal,
    jobId: 'job-1',
    attempt: 1,
  });
  const host = (bmc: Partial<Host['bmc']>): Host => ({
    id: 'h1',
    name: 'node-1',
    namespace: 'default',
    pool: 'default',
    labels: {},
    tags: [],
    hardware: { macAddresses: [] },
    state: 'Enrolling',
    version: 0,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    bmc: {
      address: fleet.hosts[0].url,
      credentialsRef: 'sim',
      insecureSkipVerify: false,
      ...bmc,
    },
  });
  const executor = (caBundles: Record<string, string>) => {
    const credentials = new ConfigCredentialResolver(
      new ConfigReader({
        beskar7: {
          credentials: {
            sim: {
              username: fleet.hosts[0].username,
              password: fleet.hosts[0].password,
              allowedAddresses: [fleet.hosts[0].url],
            },
          },
          caBundles,
        },
      }),
    );
    return new RedfishHostOperationExecutor(
      factory,
      new CredentialGate(credentials, credentials),
    );
  };

  it('verifies the BMC against the bundle that beskar7.caBundles names', async () => {
    const inventory = await executor({ 'sim-ca': fleet.ca! }).inspect(
      host({ caBundleRef: 'sim-ca' }),
      context(),
    );
    expect(inventory.hardware.cpuCores).toBeGreaterThan(0);
  });

  it('names a missing bundle instead of falling back to the system CAs', async () => {
    await expect(
      executor({}).inspect(host({ caBundleRef: 'rack-ca' }), context()),
    ).rejects.toThrow(
      "No CA bundle named 'rack-ca' (beskar7.caBundles.rack-ca)",
    );
  });

  it('refuses the self-signed BMC certificate without a bundle', async () => {
    await expect(
      executor({}).inspect(host({ address: fleet.hosts[0].url }), context()),
    ).rejects.toThrow(/certificate|self.signed|verif/i);
  });
});
