import { ConflictError, InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { applyDatabaseMigrations } from './migrations';
import { hostHash } from '../claims/rendezvous';
import { ClaimCandidateStore } from './ClaimCandidateStore';
import { HostStore } from './HostStore';

const databases = createTestDatabases();

const input = {
  name: 'node-1',
  namespace: 'lab',
  pool: 'gpu',
  labels: { rack: 'r1' },
  tags: ['nvme'],
  failureDomain: 'fd-a',
  hardware: {
    manufacturer: 'Dell Inc.',
    cpuCores: 64,
    memoryGiB: 512,
    diskGiB: 2000,
    macAddresses: ['aa:bb:cc:dd:ee:01'],
  },
  bmc: { address: 'https://10.0.0.1', credentialsRef: 'idrac-lab' },
};

describe.each(databases.eachSupportedId())('HostStore on %p', databaseId => {
  /** The database of the last store created. */
  let knex: Knex;

  async function createStore() {
    knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    return new HostStore(knex);
  }

  it('keeps the IPv4 addresses inspection read, and none when the BMC reported none', async () => {
    const store = await createStore();
    const created = await store.create(input);
    expect(created.hardware.ipAddresses).toBeUndefined();
    const inspected = await store.update(created.id, created.version, {
      hardware: { ...created.hardware, ipAddresses: ['10.0.0.7', '10.1.0.7'] },
    });
    expect((await store.get(created.id))?.hardware.ipAddresses).toEqual([
      '10.0.0.7',
      '10.1.0.7',
    ]);
    await store.update(inspected.id, inspected.version, {
      hardware: { ...inspected.hardware, ipAddresses: undefined },
    });
    expect((await store.get(created.id))?.hardware.ipAddresses).toBeUndefined();
  });

  it('round-trips a host, with TLS verification on by default', async () => {
    const store = await createStore();
    const created = await store.create(input);
    expect(created).toEqual({
      ...input,
      id: expect.any(String),
      hardware: {
        ...input.hardware,
        model: undefined,
        serialNumber: undefined,
      },
      bmc: {
        ...input.bmc,
        insecureSkipVerify: false,
        caBundleRef: undefined,
        allowPlainHttp: false,
      },
      state: 'Enrolling',
      errorMessage: undefined,
      consumerId: undefined,
      version: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await store.get(created.id)).toEqual(created);
    expect(await store.getByName('lab', 'node-1')).toEqual(created);
    expect(await store.listEvents(created.id)).toMatchObject([
      { toState: 'Enrolling', reason: 'Registered' },
    ]);
  });

  it('rejects a duplicate name and a BMC address that is not http(s)', async () => {
    const store = await createStore();
    await store.create(input);
    await expect(store.create(input)).rejects.toThrow(ConflictError);
    await expect(
      store.create({
        ...input,
        name: 'node-2',
        bmc: { address: 'ftp://10.0.0.2', credentialsRef: 'x' },
      }),
    ).rejects.toThrow(InputError);
  });

  it('bumps the version on every write and refuses stale versions', async () => {
    const store = await createStore();
    const host = await store.create(input);
    const updated = await store.update(host.id, 0, { labels: { rack: 'r2' } });
    expect(updated.version).toBe(1);
    expect(updated.labels).toEqual({ rack: 'r2' });
    await expect(store.update(host.id, 0, { pool: 'x' })).rejects.toThrow(
      ConflictError,
    );
    const available = await store.updateState(host.id, 1, {
      to: 'Available',
      reason: 'Inspected',
    });
    expect(available).toMatchObject({ state: 'Available', version: 2 });
    await expect(
      store.updateState(host.id, 1, { to: 'Error', reason: 'x' }),
    ).rejects.toThrow(ConflictError);
    expect(
      (await store.listEvents(host.id)).map(e => [e.fromState, e.toState]),
    ).toEqual([
      [undefined, 'Enrolling'],
      ['Enrolling', 'Available'],
    ]);
  });

  it('lists with filters, and places hosts on the claim ring', async () => {
    const store = await createStore();
    await store.create({ ...input, state: 'Available' });
    // Each host is its own server: one BMC address each.
    const bmcOf = (n: number) => ({
      ...input.bmc,
      address: `https://10.0.0.${n}`,
    });
    await store.create({
      ...input,
      name: 'node-2',
      bmc: bmcOf(2),
      pool: 'cpu',
      state: 'Available',
    });
    await store.create({
      ...input,
      name: 'node-3',
      bmc: bmcOf(3),
      hardware: { ...input.hardware, cpuCores: 8 },
      state: 'Available',
    });
    await store.create({ ...input, name: 'node-4', bmc: bmcOf(4) });

    expect((await store.list({ pool: 'gpu' })).map(h => h.name)).toEqual([
      'node-1',
      'node-3',
      'node-4',
    ]);
    expect((await store.list({ state: 'Enrolling' })).map(h => h.name)).toEqual(
      ['node-4'],
    );
    // Written by the database on PostgreSQL, by the store on SQLite.
    const candidates = await new ClaimCandidateStore(knex).walk(
      {
        requirements: { pool: 'gpu', minCpuCores: 16, tags: ['nvme'] },
        provisioningMode: 'PreBakedISO',
        bootMode: 'UEFI',
      },
      0,
      { limit: 10 },
    );
    expect(candidates).toEqual([
      {
        id: expect.any(String),
        namespace: 'lab',
        name: 'node-1',
        version: 0,
        hash: hostHash('lab/node-1'),
      },
    ]);
  });

  it('deletes only a host nobody holds', async () => {
    const store = await createStore();
    const host = await store.create(input);
    await store.delete(host.id);
    expect(await store.get(host.id)).toBeUndefined();
  });
});
