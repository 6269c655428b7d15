import { SchedulerServiceTaskRunner } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-node';
import {
  ClusterSummary,
  Host,
  ListHostsQuery,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Beskar7Service } from '@beskar7/backstage-plugin-beskar7-node';
import {
  recordingConnection,
  startCatalogModule,
} from './__testUtils__/catalogModule';
import { Beskar7ClusterEntityProvider } from './Beskar7ClusterEntityProvider';

const service = { credentials: mockCredentials.service() };

/** Runs the refresh at once, as the scheduler does at start-up. */
const immediately: SchedulerServiceTaskRunner = {
  run: async ({ fn }) => fn(new AbortController().signal),
};

describe('Beskar7ClusterEntityProvider', () => {
  describe('against the real plugin, which reads no Kubernetes API', () => {
    let providers: EntityProvider[];
    let beskar7: Beskar7Service;

    beforeAll(async () => {
      ({ beskar7, providers } = await startCatalogModule({
        hosts: 2,
        catalog: { owner: 'group:default/metal' },
      }));
    });

    it('reads GET /clusters through the service, and publishes no cluster', async () => {
      await expect(beskar7.listClusters(service)).resolves.toEqual({
        items: [],
        kubernetesEnabled: false,
      });
      const provider = providers.find(
        (p): p is Beskar7ClusterEntityProvider =>
          p instanceof Beskar7ClusterEntityProvider,
      )!;
      expect(provider.getProviderName()).toBe('beskar7-clusters');
      const { connection, mutations } = recordingConnection();
      await provider.connect(connection);
      await provider.refresh();
      // A full mutation: clusters published before are taken back.
      expect(mutations.at(-1)).toEqual({ type: 'full', entities: [] });
    });
  });

  it('publishes each cluster depending on every host it holds, page by page', async () => {
    const cluster = (name: string, owner?: string): ClusterSummary => ({
      namespace: 'payments',
      name,
      machineDeployments: [],
      failureDomains: [],
      problems: [],
      owner,
      paused: false,
    });
    const host = (name: string) => ({ namespace: 'rack-a', name } as Host);
    // 3 hosts of payments-prod, served 2 to a page; none of payments-dev.
    const held: Record<string, Host[]> = {
      'payments/payments-prod': ['n-0', 'n-1', 'n-2'].map(host),
      'payments/payments-dev': [],
    };
    const queries: ListHostsQuery[] = [];
    const beskar7 = {
      async listClusters() {
        return {
          items: [
            cluster('payments-prod', 'group:default/payments'),
            cluster('payments-dev'),
          ],
          kubernetesEnabled: true,
        };
      },
      async listHosts(query: ListHostsQuery) {
        queries.push(query);
        const all = held[query.cluster!];
        const offset = query.offset ?? 0;
        return {
          items: all.slice(offset, offset + 2),
          totalCount: all.length,
          offset,
          limit: 2,
        };
      },
    } as unknown as Beskar7Service;
    const provider = new Beskar7ClusterEntityProvider({
      beskar7,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      taskRunner: immediately,
      context: async () => ({
        owner: 'group:default/metal',
        apiUrl: 'http://localhost:7007/api/beskar7',
      }),
    });
    const { connection, mutations, latest } = recordingConnection();
    await provider.connect(connection);

    expect(latest().map(e => [e.metadata.name, e.spec])).toEqual([
      [
        'payments-prod',
        {
          type: 'kubernetes-cluster',
          owner: 'group:default/payments',
          lifecycle: 'production',
          dependsOn: [
            'resource:rack-a/n-0',
            'resource:rack-a/n-1',
            'resource:rack-a/n-2',
          ],
        },
      ],
      [
        'payments-dev',
        {
          type: 'kubernetes-cluster',
          owner: 'group:default/metal',
          lifecycle: 'production',
          dependsOn: [],
        },
      ],
    ]);
    expect(
      mutations.every(
        m =>
          m.type === 'full' &&
          m.entities.every(e => e.locationKey === 'beskar7-clusters'),
      ),
    ).toBe(true);
    expect(
      queries
        .filter(q => q.cluster === 'payments/payments-prod')
        .map(q => q.offset),
    ).toEqual([0, 2]);
  });
});
