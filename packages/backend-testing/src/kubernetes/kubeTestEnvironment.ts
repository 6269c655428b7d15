import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  KubeConfig,
  loadYaml,
  V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import { statusCodeOf } from '../../../../plugins/beskar7-backend/src/kubernetes/apiErrors';
import { KubeApiTestServer } from './KubeApiTestServer';

/** Names a kubeconfig: the suite then also runs against that cluster. */
export const REAL_CLUSTER_ENV = 'BESKAR7_TEST_KUBECONFIG';

export const CRD_DIR = resolve(__dirname, '../../../../deploy/crds');

export type KubeTarget = 'test server' | 'real cluster';

/** The targets the end-to-end suite runs against: the test server always, a real cluster when configured. */
export function kubeTargets(): KubeTarget[] {
  return process.env[REAL_CLUSTER_ENV]
    ? ['test server', 'real cluster']
    : ['test server'];
}

/** Why scripts/kube-cluster.sh could not start a control plane (scripts/test.sh sets it). */
export const REAL_CLUSTER_MISSING_ENV = 'BESKAR7_TEST_KUBE_MISSING';

export const REAL_CLUSTER_SKIPPED = `against a real cluster: skipped, ${
  process.env[REAL_CLUSTER_MISSING_ENV] ??
  `set ${REAL_CLUSTER_ENV} to a kubeconfig (scripts/kube-cluster.sh start DIR prints one) to run`
}`;

export interface KubeTestEnvironment {
  kubeConfig: KubeConfig;
  /** A namespace of this run's own, deleted afterwards. */
  namespace: string;
  /** The test server, for fault injection; absent on a real cluster. */
  server?: KubeApiTestServer;
  /**
   * Makes the API server unresponsive and back: the test server closes its
   * port; a real one started by scripts/kube-cluster.sh is sent SIGSTOP and
   * SIGCONT (its PID is kept next to the kubeconfig). Absent when neither.
   */
  pause?: () => Promise<void>;
  resume?: () => Promise<void>;
  stop(): Promise<void>;
}

/** Whether the real cluster's API server can be paused (scripts/kube-cluster.sh started it). */
export function apiServerPausable(): boolean {
  const path = process.env[REAL_CLUSTER_ENV];
  return Boolean(path && apiServerPid(path));
}

/** Whether scripts/kube-cluster.sh started kube-controller-manager (namespace deletion) beside the real cluster. */
export function namespaceControllerRunning(): boolean {
  const path = process.env[REAL_CLUSTER_ENV];
  const pid = path && pidBeside(path, 'kube-controller-manager.pid');
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The PID of the kube-apiserver that scripts/kube-cluster.sh started for this kubeconfig. */
function apiServerPid(kubeconfigPath: string): number | undefined {
  return pidBeside(kubeconfigPath, 'kube-apiserver.pid');
}

function pidBeside(kubeconfigPath: string, file: string): number | undefined {
  try {
    const pid = Number(
      readFileSync(join(dirname(kubeconfigPath), file), 'utf8'),
    );
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A KubeConfig with a token user for a plain-HTTP server. */
export function kubeConfigFor(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'test', server, skipTLSVerify: true }],
    users: [{ name: 'test', token: 'test-token' }],
    contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
    currentContext: 'test',
  });
  return kc;
}

/**
 * Connects to the target, installs the CRDs of deploy/crds (as an operator
 * would) and makes a fresh namespace.
 */
export async function createKubeTestEnvironment(
  target: KubeTarget,
): Promise<KubeTestEnvironment> {
  let kubeConfig: KubeConfig;
  let server: KubeApiTestServer | undefined;
  let faults: Pick<KubeTestEnvironment, 'pause' | 'resume'> = {};
  if (target === 'real cluster') {
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(process.env[REAL_CLUSTER_ENV]!);
    const pid = apiServerPid(process.env[REAL_CLUSTER_ENV]!);
    if (pid) {
      faults = {
        pause: async () => void process.kill(pid, 'SIGSTOP'),
        resume: async () => void process.kill(pid, 'SIGCONT'),
      };
    }
  } else {
    const testServer = new KubeApiTestServer();
    server = testServer;
    kubeConfig = kubeConfigFor(await testServer.start());
    faults = {
      pause: () => testServer.pause(),
      resume: () => testServer.resume(),
    };
  }
  await installCrds(kubeConfig);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const namespace = `beskar7-e2e-${randomBytes(4).toString('hex')}`;
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  return {
    kubeConfig,
    namespace,
    server,
    ...faults,
    async stop() {
      await faults.resume?.().catch(() => {}); // a test may have left it paused
      await core.deleteNamespace({ name: namespace }).catch(() => {});
      await server?.stop();
    },
  };
}

/** The CRDs as plain objects, for reading their schemas. */
export function readCrds(): any[] {
  return crdFiles().map(f => parse(readFileSync(f, 'utf8')));
}

function crdFiles() {
  return readdirSync(CRD_DIR)
    .filter(f => f.endsWith('.yaml'))
    .map(f => join(CRD_DIR, f));
}

/** Creates or replaces the CRDs of these files and waits until each is established. */
export async function installCrds(
  kubeConfig: KubeConfig,
  files: string[] = crdFiles(),
) {
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  // Typed models name `enum` and `default` `_enum` and `_default`: a plain
  // object sent as a V1CustomResourceDefinition would lose them.
  const crds = files.map(f =>
    loadYaml<V1CustomResourceDefinition>(readFileSync(f, 'utf8')),
  );
  for (const crd of crds) {
    const name = crd.metadata!.name!;
    try {
      await api.createCustomResourceDefinition({ body: crd });
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw error;
      const current = await api.readCustomResourceDefinition({ name });
      await api.replaceCustomResourceDefinition({
        name,
        body: {
          ...crd,
          metadata: {
            ...crd.metadata,
            resourceVersion: current.metadata!.resourceVersion,
          },
        },
      });
    }
    await eventually(
      () => api.readCustomResourceDefinition({ name }),
      current =>
        Boolean(
          current.status?.conditions?.some(
            c => c.type === 'Established' && c.status === 'True',
          ),
        ),
      {
        what: `CRD ${name} to be established`,
        timeoutMs: 10_000,
        intervalMs: 100,
      },
    );
  }
}
