import { Host } from '@beskar7/backstage-plugin-beskar7-common';

/** A host as `GET /hosts` lists it, for this folder's tests. */
export function testHost(
  id: string,
  version = 1,
  updatedAt = '2025-01-01T00:00:00.000Z',
): Host {
  return {
    id,
    name: id,
    namespace: 'default',
    pool: 'default',
    labels: {},
    tags: [],
    hardware: { macAddresses: [] },
    bmc: {
      address: 'https://bmc',
      credentialsRef: 'c',
      insecureSkipVerify: false,
    },
    state: 'Available',
    version,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt,
  };
}
