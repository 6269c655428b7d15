import { CustomObjectsApi } from '@kubernetes/client-node';
import {
  createKubeTestEnvironment,
  KubeTestEnvironment,
  REAL_CLUSTER_ENV,
  REAL_CLUSTER_SKIPPED,
} from '@beskar7/backend-testing/kubernetes';
import { GROUP, VERSION } from '../kubernetes/types';

/*
 * Beskar7Cluster and Beskar7MachineTemplate as the real API server judges
 * them: their CEL rules (immutability, required-together fields) run only
 * there.
 */
const describeReal = process.env[REAL_CLUSTER_ENV] ? describe : describe.skip;

describeReal('Cluster API CRDs on a real API server', () => {
  let env: KubeTestEnvironment;
  let custom: CustomObjectsApi;
  beforeAll(async () => {
    env = await createKubeTestEnvironment('real cluster');
    custom = env.kubeConfig.makeApiClient(CustomObjectsApi);
  }, 60_000);
  afterAll(() => env?.stop());

  const ref = (plural: string) => ({
    group: GROUP,
    version: VERSION,
    plural,
    namespace: env.namespace,
  });
  const create = (plural: string, body: object) =>
    custom.createNamespacedCustomObject({ ...ref(plural), body });
  const replace = (plural: string, body: any) =>
    custom.replaceNamespacedCustomObject({
      ...ref(plural),
      name: body.metadata.name,
      body,
    });

  describe('Beskar7MachineTemplate', () => {
    const template = (name: string, spec: object = {}) => ({
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'Beskar7MachineTemplate',
      metadata: { name },
      spec: {
        template: {
          metadata: { labels: { role: 'worker' } },
          spec: {
            imageURL: 'https://images.example/ubuntu.iso',
            osFamily: 'flatcar',
            ...spec,
          },
        },
      },
    });

    it('takes a spec that leaves the configuration to the bootstrap data, and defaults it like a machine', async () => {
      const created: any = await create(
        'beskar7machinetemplates',
        template('only-image'),
      );
      expect(created.spec.template.spec).toEqual({
        imageURL: 'https://images.example/ubuntu.iso',
        osFamily: 'flatcar',
        provisioningMode: 'RemoteConfig',
        bootMode: 'UEFI',
      });
    });

    it('refuses a machine-only field and what a machine refuses', async () => {
      const withProviderID: any = await create(
        'beskar7machinetemplates',
        template('pruned', { providerID: 'b7://x/y' }),
      );
      expect(withProviderID.spec.template.spec.providerID).toBeUndefined();
      await expect(
        create(
          'beskar7machinetemplates',
          template('bad-os', { osFamily: 'windows' }),
        ),
      ).rejects.toMatchObject({ code: 422 });
    });

    it('is immutable: a changed spec is refused, labels of the template object are not', async () => {
      const created: any = await create(
        'beskar7machinetemplates',
        template('immutable'),
      );
      const changed = structuredClone(created);
      changed.spec.template.spec.imageURL = 'https://images.example/other.iso';
      await expect(
        replace('beskar7machinetemplates', changed),
      ).rejects.toMatchObject({
        code: 422,
        body: expect.stringContaining('spec is immutable'),
      });
      const relabelled = structuredClone(created);
      relabelled.metadata.labels = { team: 'platform' };
      const after: any = await replace('beskar7machinetemplates', relabelled);
      expect(after.metadata.labels).toEqual({ team: 'platform' });
    });
  });

  describe('Beskar7Cluster', () => {
    const cluster = (name: string, spec: object = {}) => ({
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'Beskar7Cluster',
      metadata: { name },
      spec: {
        controlPlaneEndpoint: { host: '10.0.0.10', port: 6443 },
        ...spec,
      },
    });

    it('needs a control-plane endpoint, which then never changes', async () => {
      await expect(
        create('beskar7clusters', {
          ...cluster('no-endpoint'),
          spec: {},
        }),
      ).rejects.toMatchObject({
        code: 422,
        body: expect.stringContaining('controlPlaneEndpoint'),
      });
      const created: any = await create('beskar7clusters', cluster('c1'));
      const moved = structuredClone(created);
      moved.spec.controlPlaneEndpoint.host = '10.0.0.11';
      await expect(replace('beskar7clusters', moved)).rejects.toMatchObject({
        code: 422,
        body: expect.stringContaining('controlPlaneEndpoint is immutable'),
      });
    });

    it('keeps the contract status fields (failure domains, conditions with severity)', async () => {
      const created: any = await create('beskar7clusters', cluster('status'));
      const status = {
        ready: true,
        initialization: { provisioned: true },
        failureDomains: {
          'rack-a': { controlPlane: true, attributes: { rack: 'rack-a' } },
          'rack-b': { controlPlane: false },
        },
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            severity: 'Warning',
            reason: 'WaitingForHosts',
            message: 'no host in rack-b',
            lastTransitionTime: '2026-01-01T00:00:00Z',
          },
        ],
      };
      const updated: any = await custom.replaceNamespacedCustomObjectStatus({
        ...ref('beskar7clusters'),
        name: 'status',
        body: { ...created, status },
      });
      expect(updated.status).toEqual(status);
    });
  });
});

if (!process.env[REAL_CLUSTER_ENV]) {
  it.skip(`Cluster API CRDs ${REAL_CLUSTER_SKIPPED}`, () => {});
}
