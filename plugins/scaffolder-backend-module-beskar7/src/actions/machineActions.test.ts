import { mockCredentials } from '@backstage/backend-test-utils';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { Beskar7Service } from '@beskar7/backstage-plugin-beskar7-node';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { actionDependencies, runAction } from '../__testUtils__/actions';
import { READ_ONLY_USER, startBeskar7 } from '../__testUtils__/startBeskar7';
import { scaffolderModuleBeskar7 } from '../module';
import { createMachineReleaseAction } from './releaseMachine';
import { createMachineRequestAction } from './requestMachine';

const HOSTS = 4;
const service = { credentials: mockCredentials.service() };

const REQUEST = {
  count: 2,
  namePrefix: 'ci',
  pool: 'default',
  imageUrl: 'https://images.example/flatcar.iso',
  configUrl: 'https://config.example/ignition.json',
  osFamily: 'flatcar',
  provisioningMode: 'RemoteConfig',
};

describe('beskar7 machine actions against the real plugin', () => {
  const registered: TemplateAction<any, any>[] = [];
  let beskar7: Beskar7Service;
  let requestAction: TemplateAction<any, any>;
  let releaseAction: TemplateAction<any, any>;

  const listHosts = async () =>
    (await beskar7.listHosts({ limit: 100 }, service)).items;
  const claimed = (hosts: Host[]) => hosts.filter(h => h.consumerId);

  beforeAll(async () => {
    const dependencies = actionDependencies();
    await startBeskar7({
      hosts: HOSTS,
      features: [scaffolderModuleBeskar7, dependencies.feature],
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          {
            addActions: (...actions: TemplateAction<any, any>[]) =>
              registered.push(...actions),
          },
        ],
      ],
    });
    beskar7 = dependencies.deps().beskar7;
    // The module's actions, polling faster than the 5s default.
    const options = { ...dependencies.deps(), pollIntervalMs: 50 };
    requestAction = createMachineRequestAction(options);
    releaseAction = createMachineReleaseAction(options);
    await eventually(
      listHosts,
      hosts =>
        hosts.length === HOSTS && hosts.every(h => h.state === 'Available'),
    );
    // The plugin's first request compiles its OpenAPI validator (about 2 s
    // on a loaded machine) before the hosts enrol.
  }, 60_000);

  it('registers every action with the scaffolder', () => {
    expect(registered.map(a => [a.id, a.supportsDryRun])).toEqual([
      ['beskar7:machine:request', true],
      ['beskar7:machine:release', true],
      ['beskar7:cluster:create', true],
      ['beskar7:cluster:scale', undefined],
      ['beskar7:cluster:delete', undefined],
    ]);
  });

  it('lists hosts and pools through the service', async () => {
    const pools = await beskar7.listPools(service);
    const page = await beskar7.listHosts(
      { pool: 'default', state: ['Available'], limit: 2, orderBy: 'name' },
      service,
    );

    expect(pools).toEqual([
      expect.objectContaining({ pool: 'default', total: HOSTS }),
    ]);
    expect(page).toMatchObject({ totalCount: HOSTS, limit: 2 });
    expect(page.items).toHaveLength(2);
  });

  it('reports the eligible hosts in a dry run and claims nothing', async () => {
    const outputs = await runAction(requestAction, REQUEST, { dryRun: true });
    const hosts = await listHosts();

    expect(outputs).toEqual({
      machineNames: ['ci-1', 'ci-2'],
      machineIds: [],
      hostNames: [],
      eligibleHostNames: hosts.map(h => h.name).sort(),
      summary: expect.stringContaining('Dry run, nothing claimed'),
    });
    expect(claimed(hosts)).toEqual([]);
  });

  it('applies hardware minimums and selectors in a dry run', async () => {
    const outputs = await runAction(
      requestAction,
      { ...REQUEST, minCpuCores: 100_000 },
      { dryRun: true },
    );

    expect(outputs.eligibleHostNames).toEqual([]);
  });

  it('refuses a dry run and a real run to a user without the permission', async () => {
    await expect(
      runAction(requestAction, REQUEST, { dryRun: true, user: READ_ONLY_USER }),
    ).rejects.toThrow('Missing permission beskar7.machine.create');
    await expect(
      runAction(requestAction, REQUEST, { user: READ_ONLY_USER }),
    ).rejects.toThrow(
      'Could not request machine ci-1: Missing permission beskar7.machine.create (HTTP 403)',
    );
    expect(claimed(await listHosts())).toEqual([]);
  });

  it('names every bad field of an invalid input', async () => {
    const { configUrl, ...withoutConfig } = REQUEST;

    await expect(
      runAction(requestAction, { ...withoutConfig, namePrefix: 'Not_A_Name' }),
    ).rejects.toThrow(
      /^Invalid input: namePrefix: must be lowercase.*; configUrl: is required when provisioningMode is RemoteConfig$/,
    );
  });

  it('requests machines, waits for Provisioned, is idempotent, and releases them', async () => {
    const first = await runAction(requestAction, {
      ...REQUEST,
      wait: true,
      timeoutSeconds: 300,
    });
    const hosts = await listHosts();

    expect(first.machineNames).toEqual(['ci-1', 'ci-2']);
    expect(first.machineIds).toHaveLength(2);
    expect(new Set(first.hostNames as string[]).size).toBe(2);
    expect(
      claimed(hosts)
        .map(h => [h.name, h.state])
        .sort(),
    ).toEqual(
      (first.hostNames as string[]).map(name => [name, 'Provisioned']).sort(),
    );
    const machines = await Promise.all(
      (first.machineIds as string[]).map(id => beskar7.getMachine(id, service)),
    );
    expect(machines.map(m => m.phase)).toEqual(['Provisioned', 'Provisioned']);

    // A retried step: same machines, same hosts, nothing new claimed.
    const again = await runAction(requestAction, { ...REQUEST, wait: true });
    expect(again).toEqual(first);
    expect(claimed(await listHosts())).toHaveLength(2);

    const released = await runAction(releaseAction, {
      machineIds: first.machineIds as string[],
      wait: true,
    });
    expect(released).toEqual({ phases: ['Released', 'Released'] });
    const after = await eventually(listHosts, all =>
      all.every(h => h.state === 'Available'),
    );
    expect(claimed(after)).toEqual([]);
  });
});
