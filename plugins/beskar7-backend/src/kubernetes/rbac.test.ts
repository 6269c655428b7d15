import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import {
  AuthorizationV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  REAL_CLUSTER_ENV,
  REAL_CLUSTER_SKIPPED,
} from '@beskar7/backend-testing/kubernetes';
import { GROUP } from './types';

const RBAC = resolve(__dirname, '../../../../deploy/backend/rbac.yaml');

/*
 * The shipped ClusterRole, judged by the real API server's RBAC authorizer:
 * every request the controllers make on their kinds, on Cluster API's
 * Clusters and Machines, and on Events.
 */
const realCluster = process.env[REAL_CLUSTER_ENV] ? it : it.skip;
if (!process.env[REAL_CLUSTER_ENV]) {
  it.skip(`shipped RBAC ${REAL_CLUSTER_SKIPPED}`, () => {});
}

realCluster(
  'the shipped ClusterRole allows what the controller does',
  async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(process.env[REAL_CLUSTER_ENV]!);
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const authz = kc.makeApiClient(AuthorizationV1Api);
    const shipped = parseAllDocuments(readFileSync(RBAC, 'utf8'))
      .map(d => d.toJS())
      .find(
        d =>
          d.kind === 'ClusterRole' && d.metadata.name === 'beskar7-backstage',
      );
    const name = `beskar7-rbac-test-${randomBytes(4).toString('hex')}`;
    const user = `system:serviceaccount:beskar7:${name}`;
    await rbac.createClusterRole({
      body: { ...shipped, metadata: { name } },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name,
        },
        subjects: [{ kind: 'ServiceAccount', name, namespace: 'beskar7' }],
      },
    });
    try {
      const requests: Array<[string, string, string, string?]> = [
        ...['get', 'list', 'watch', 'update'].flatMap(verb =>
          ['physicalhosts', 'beskar7machines', 'beskar7clusters'].map(
            r => [verb, GROUP, r] as [string, string, string],
          ),
        ),
        ['update', GROUP, 'physicalhosts', 'status'],
        ['update', GROUP, 'beskar7machines', 'status'],
        ['update', GROUP, 'beskar7clusters', 'status'],
        ...['get', 'list', 'watch'].flatMap(verb => [
          [verb, GROUP, 'beskar7machinetemplates'] as [string, string, string],
          [verb, 'cluster.x-k8s.io', 'clusters'] as [string, string, string],
          [verb, 'cluster.x-k8s.io', 'machines'] as [string, string, string],
        ]),
        ['create', '', 'events'],
        ['update', '', 'events'],
        // The Clusters view (clusters/ClusterObjectReader).
        ...['get', 'list'].flatMap(verb => [
          [verb, 'cluster.x-k8s.io', 'machinedeployments'] as [
            string,
            string,
            string,
          ],
          [verb, 'controlplane.cluster.x-k8s.io', 'kubeadmcontrolplanes'] as [
            string,
            string,
            string,
          ],
        ]),
        // Clusters requested from the portal (clusters/ClusterWriter).
        ...['create', 'patch'].flatMap(verb =>
          [
            [GROUP, 'beskar7machinetemplates'],
            [GROUP, 'beskar7clusters'],
            ['cluster.x-k8s.io', 'clusters'],
            ['cluster.x-k8s.io', 'machinedeployments'],
            ['controlplane.cluster.x-k8s.io', 'kubeadmcontrolplanes'],
            ['bootstrap.cluster.x-k8s.io', 'kubeadmconfigtemplates'],
          ].map(([g, r]) => [verb, g, r] as [string, string, string]),
        ),
        ['delete', 'cluster.x-k8s.io', 'clusters'],
      ];
      const deniedRequests = async () => {
        const denied: string[] = [];
        for (const [verb, group, resource, subresource] of requests) {
          const review = await authz.createSubjectAccessReview({
            body: {
              spec: {
                user,
                groups: ['system:serviceaccounts'],
                resourceAttributes: {
                  verb,
                  group,
                  resource,
                  subresource,
                  namespace: 'fleet',
                },
              },
            },
          });
          if (!review.status?.allowed) {
            denied.push(
              `${verb} ${resource}${subresource ? `/${subresource}` : ''}`,
            );
          }
        }
        return denied;
      };
      // The binding reaches the authorizer's cache within a moment.
      const denied = await eventually(deniedRequests, d => d.length === 0, {
        what: 'the binding to allow every request',
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      expect(denied).toEqual([]);
    } finally {
      await rbac.deleteClusterRoleBinding({ name }).catch(() => {});
      await rbac.deleteClusterRole({ name }).catch(() => {});
    }
  },
  // A review per request, each a round trip: seconds on a busy machine.
  60_000,
);
