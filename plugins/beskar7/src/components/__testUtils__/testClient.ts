import { Beskar7Client } from '../../api';

/** The real client, against whatever the test's msw server answers. */
export const testClient = new Beskar7Client({
  discoveryApi: {
    getBaseUrl: async pluginId => `http://localhost:7007/api/${pluginId}`,
  },
  fetchApi: { fetch: (input, init) => fetch(input, init) },
});

export const sampleHost = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'sim-00',
  namespace: 'simulator',
  pool: 'default',
  labels: {},
  tags: ['gpu'],
  hardware: {
    manufacturer: 'Dell Inc.',
    model: 'PowerEdge R6515',
    serialNumber: 'SN1',
    cpuCores: 32,
    memoryGiB: 256,
    diskGiB: 1920,
    macAddresses: ['aa:bb:cc:dd:ee:ff'],
  },
  bmc: {
    address: 'https://10.0.0.5',
    credentialsRef: 'rack-a',
    insecureSkipVerify: false,
  },
  state: 'Available',
  version: 3,
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:05:00.000Z',
};
