import { CustomObjectsApi, Watch } from '@kubernetes/client-node';
import {
  beskar7MachineBody,
  createKubeTestEnvironment,
  kubeTargets,
  KubeTestEnvironment,
  objectNamed,
  objectsIn,
  REAL_CLUSTER_ENV,
  REAL_CLUSTER_SKIPPED,
} from '@beskar7/backend-testing/kubernetes';
import { BESKAR7_MACHINE, GROUP, PHYSICAL_HOST, VERSION } from './types';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';

/*
 * What the backend relies on from the API server, checked against the test
 * server and, when configured, a real one: the test server is only worth
 * what this suite shows it shares with Kubernetes.
 */
describe.each(kubeTargets())('the API server (%s)', target => {
  let env: KubeTestEnvironment;
  let custom: CustomObjectsApi;
  beforeAll(async () => {
    env = await createKubeTestEnvironment(target);
    custom = env.kubeConfig.makeApiClient(CustomObjectsApi);
  });
  afterAll(() => env?.stop());

  const ref = (plural: string) => objectsIn(env.namespace, plural);
  const named = (plural: string, name: string) =>
    objectNamed(env.namespace, plural, name);

  it('defaults, keeps spec and status apart, counts spec changes, and refuses stale writes', async () => {
    const created: any = await custom.createNamespacedCustomObject({
      ...ref(BESKAR7_MACHINE.plural),
      body: { ...beskar7MachineBody('m1'), status: { phase: 'Provisioned' } },
    });
    expect(created.spec).toMatchObject({
      provisioningMode: 'RemoteConfig',
      bootMode: 'UEFI',
    });
    expect(created.status).toBeUndefined();
    expect(created.metadata.generation).toBe(1);

    const afterStatus: any = await custom.replaceNamespacedCustomObjectStatus({
      ...named(BESKAR7_MACHINE.plural, 'm1'),
      body: {
        ...created,
        spec: { ...created.spec, osFamily: 'kairos' },
        status: { phase: 'Pending' },
      },
    });
    expect(afterStatus.spec.osFamily).toBe('flatcar');
    expect(afterStatus.status).toEqual({ phase: 'Pending' });
    expect(afterStatus.metadata.generation).toBe(1);
    expect(Number(afterStatus.metadata.resourceVersion)).not.toBe(
      Number(created.metadata.resourceVersion),
    );

    // providerID is the one field that may change (once).
    const afterSpec: any = await custom.replaceNamespacedCustomObject({
      ...named(BESKAR7_MACHINE.plural, 'm1'),
      body: {
        ...afterStatus,
        spec: { ...afterStatus.spec, providerID: 'b7://ns/m1' },
        status: { phase: 'Failed' },
      },
    });
    expect(afterSpec.spec.providerID).toBe('b7://ns/m1');
    expect(afterSpec.status).toEqual({ phase: 'Pending' });
    expect(afterSpec.metadata.generation).toBe(2);

    await expect(
      custom.replaceNamespacedCustomObject({
        ...named(BESKAR7_MACHINE.plural, 'm1'),
        body: created,
      }),
    ).rejects.toMatchObject({ code: 409 });
    await expect(
      custom.createNamespacedCustomObject({
        ...ref(BESKAR7_MACHINE.plural),
        body: beskar7MachineBody('m1'),
      }),
    ).rejects.toMatchObject({ code: 409 });
  });

  it('rejects what the CRDs forbid', async () => {
    await expect(
      custom.createNamespacedCustomObject({
        ...ref(BESKAR7_MACHINE.plural),
        body: beskar7MachineBody('bad-os', { osFamily: 'windows' }),
      }),
    ).rejects.toMatchObject({ code: 422 });
    await expect(
      custom.createNamespacedCustomObject({
        ...ref(PHYSICAL_HOST.plural),
        body: {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: 'PhysicalHost',
          metadata: { name: 'bad-address' },
          spec: {
            redfishConnection: {
              address: 'ftp://10.0.0.1',
              credentialsSecretRef: 'bmc',
            },
          },
        },
      }),
    ).rejects.toMatchObject({ code: 422 });
  });

  it('watches from a list’s resourceVersion: ADDED, MODIFIED, DELETED', async () => {
    const list: any = await custom.listNamespacedCustomObject(
      ref(BESKAR7_MACHINE.plural),
    );
    const seen: string[] = [];
    const watch = await new Watch(env.kubeConfig).watch(
      `/apis/${GROUP}/${VERSION}/namespaces/${env.namespace}/${BESKAR7_MACHINE.plural}`,
      { resourceVersion: list.metadata.resourceVersion },
      (type, obj) => seen.push(`${type} ${obj.metadata.name}`),
      () => {},
    );
    try {
      const created: any = await custom.createNamespacedCustomObject({
        ...ref(BESKAR7_MACHINE.plural),
        body: beskar7MachineBody('w1'),
      });
      await custom.replaceNamespacedCustomObject({
        ...named(BESKAR7_MACHINE.plural, 'w1'),
        body: {
          ...created,
          spec: { ...created.spec, providerID: 'b7://ns/w1' },
        },
      });
      await custom.deleteNamespacedCustomObject(
        named(BESKAR7_MACHINE.plural, 'w1'),
      );
      await eventually(
        () => seen,
        s => s.length >= 3,
      );
      expect(seen).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
    } finally {
      watch.abort();
    }
  });

  const onServer = target === 'test server' ? it : it.skip;
  onServer(
    'answers a watch from a compacted resourceVersion with 410 Gone',
    async () => {
      const list: any = await custom.listNamespacedCustomObject(
        ref(BESKAR7_MACHINE.plural),
      );
      await custom.createNamespacedCustomObject({
        ...ref(BESKAR7_MACHINE.plural),
        body: beskar7MachineBody('c1'),
      });
      env.server!.compact();
      const errors: any[] = [];
      await new Promise<void>(resolve =>
        new Watch(env.kubeConfig).watch(
          `/apis/${GROUP}/${VERSION}/namespaces/${env.namespace}/${BESKAR7_MACHINE.plural}`,
          { resourceVersion: list.metadata.resourceVersion },
          (type, obj) => type === 'ERROR' && errors.push(obj),
          () => resolve(),
        ),
      );
      expect(errors).toMatchObject([{ code: 410, reason: 'Expired' }]);
    },
  );
});

if (!process.env[REAL_CLUSTER_ENV]) {
  it.skip(`${REAL_CLUSTER_SKIPPED}`, () => {});
}
