import { CustomObjectsApi } from '@kubernetes/client-node';
import { CustomObjectWriter } from './CustomObjectWriter';
import {
  beskar7MachineBody,
  createKubeTestEnvironment,
  kubeTargets,
  KubeTestEnvironment,
  objectNamed,
  objectsIn,
} from '@beskar7/backend-testing/kubernetes';
import { BESKAR7_MACHINE, Beskar7MachineObject } from './types';

describe.each(kubeTargets())('CustomObjectWriter (%s)', target => {
  let env: KubeTestEnvironment;
  let custom: CustomObjectsApi;
  beforeAll(async () => {
    env = await createKubeTestEnvironment(target);
    custom = env.kubeConfig.makeApiClient(CustomObjectsApi);
  });
  afterAll(() => env?.stop());

  const named = (name: string) =>
    objectNamed(env.namespace, BESKAR7_MACHINE.plural, name);
  const create = async (name: string) =>
    (await custom.createNamespacedCustomObject({
      ...objectsIn(env.namespace, BESKAR7_MACHINE.plural),
      body: beskar7MachineBody(name),
    })) as Beskar7MachineObject;

  it('never writes for a deleted object onto a new one created under its name', async () => {
    const writer = new CustomObjectWriter<Beskar7MachineObject>(
      env.kubeConfig,
      BESKAR7_MACHINE,
    );
    const first = await create('reborn');
    await custom.deleteNamespacedCustomObject(named('reborn'));
    const second = await create('reborn');
    expect(second.metadata.uid).not.toBe(first.metadata.uid);

    const forFirst = await writer.updateStatus(
      env.namespace,
      'reborn',
      () => ({ phase: 'Releasing' }),
      first.metadata,
    );
    expect(forFirst.after).toBeUndefined();
    const untouched = (await custom.getNamespacedCustomObject(
      named('reborn'),
    )) as Beskar7MachineObject;
    expect(untouched.status?.phase).toBeUndefined();

    const forSecond = await writer.updateStatus(
      env.namespace,
      'reborn',
      () => ({ phase: 'Pending' }),
      second.metadata,
    );
    expect(forSecond.after?.status?.phase).toBe('Pending');
  });
});
