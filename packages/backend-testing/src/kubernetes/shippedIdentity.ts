import {
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { statusCodeOf } from '../../../../plugins/beskar7-backend/src/kubernetes/apiErrors';

const RBAC = resolve(__dirname, '../../../../deploy/backend/rbac.yaml');

/** A ClusterRole of deploy/backend/rbac.yaml, created under its own name unless there. */
export async function ensureShippedClusterRole(
  kubeConfig: KubeConfig,
  name: string,
): Promise<void> {
  const role = parseAllDocuments(readFileSync(RBAC, 'utf8'))
    .map(d => d.toJS())
    .find(d => d?.kind === 'ClusterRole' && d.metadata.name === name);
  if (!role)
    throw new Error(`deploy/backend/rbac.yaml has no ClusterRole ${name}`);
  const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  try {
    await rbac.createClusterRole({ body: role });
  } catch (error) {
    if (statusCodeOf(error) !== 409) throw error;
    await rbac.replaceClusterRole({ name, body: role });
  }
}

/**
 * A ServiceAccount of its own in `namespace`, bound cluster-wide to the
 * shipped `beskar7-backstage` ClusterRole, and a KubeConfig that acts as it:
 * the real authorizer judges what the backend does, as in production.
 */
export async function shippedBackendIdentity(
  kubeConfig: KubeConfig,
  namespace: string,
): Promise<{ kubeConfig: KubeConfig; serviceAccount: string }> {
  const name = `beskar7-backstage-${randomBytes(4).toString('hex')}`;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  await ensureShippedClusterRole(kubeConfig, 'beskar7-backstage');
  await core.createNamespacedServiceAccount({
    namespace,
    body: { metadata: { name } },
  });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'beskar7-backstage',
      },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  });
  const token = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const cluster = kubeConfig.getCurrentCluster()!;
  const acting = new KubeConfig();
  acting.loadFromOptions({
    clusters: [cluster],
    users: [{ name, token: token.status!.token }],
    contexts: [{ name, cluster: cluster.name, user: name }],
    currentContext: name,
  });
  return { kubeConfig: acting, serviceAccount: name };
}
