import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  createKubeTestEnvironment,
  KubeTestEnvironment,
  REAL_CLUSTER_ENV,
  REAL_CLUSTER_SKIPPED,
} from '@beskar7/backend-testing/kubernetes';
import { hostStatusOf } from './mapping';
import { SecretCredentialResolver } from './SecretCredentialResolver';

const realCluster = process.env[REAL_CLUSTER_ENV] ? describe : describe.skip;
if (!process.env[REAL_CLUSTER_ENV]) {
  it.skip(`Secret reads ${REAL_CLUSTER_SKIPPED}`, () => {});
}

realCluster('SecretCredentialResolver (real cluster)', () => {
  let env: KubeTestEnvironment;
  beforeAll(async () => {
    env = await createKubeTestEnvironment('real cluster');
  });
  afterAll(() => env?.stop());

  /** A ServiceAccount with no RBAC at all: what a namespace without the RoleBinding gives. */
  async function unprivileged(): Promise<KubeConfig> {
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({
      namespace: env.namespace,
      body: { metadata: { name: 'no-rights' } },
    });
    const { status } = await core.createNamespacedServiceAccountToken({
      namespace: env.namespace,
      name: 'no-rights',
      body: { spec: { audiences: [] } },
    });
    const kc = new KubeConfig();
    const cluster = env.kubeConfig.getCurrentCluster()!;
    kc.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'sa', token: status!.token }],
      contexts: [{ name: 'sa', cluster: cluster.name, user: 'sa' }],
      currentContext: 'sa',
    });
    return kc;
  }

  it('says in one line which Secret could not be read and what to do, never the raw client error', async () => {
    const resolver = new SecretCredentialResolver(await unprivileged());
    const error = await resolver
      .resolve(`k8s-secret:${env.namespace}/bmc`)
      .catch(e => e as Error);
    expect(error).toBeInstanceOf(Error);
    const { message } = error as Error;
    expect(message).not.toContain('\n');
    expect(message).not.toMatch(/audit-id|Headers|Body|"kind"/);
    expect(message).toContain(`Secret ${env.namespace}/bmc`);
    expect(message).toMatch(/HTTP 403/);
    expect(message).toMatch(/RoleBinding/);
    // What a host's printer column shows of a failure is one line too.
    const status = hostStatusOf({
      state: 'Error',
      errorMessage: `inspect failed after 3 attempts: ${message}\nmore`,
      hardware: { macAddresses: [] },
    } as never);
    expect(status.errorMessage).toBe(
      `inspect failed after 3 attempts: ${message}`,
    );
  });
});
