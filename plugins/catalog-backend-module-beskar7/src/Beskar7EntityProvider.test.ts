import { mockCredentials } from '@backstage/backend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-node';
import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { Beskar7Service } from '@beskar7/backstage-plugin-beskar7-node';
import request from 'supertest';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import {
  recordingConnection,
  startCatalogModule,
} from './__testUtils__/catalogModule';
import { Beskar7EntityProvider } from './Beskar7EntityProvider';
import { Beskar7TemplateProvider } from './Beskar7TemplateProvider';

const HOSTS = 4;
const service = { credentials: mockCredentials.service() };

describe('Beskar7EntityProvider against the real plugin', () => {
  let providers: EntityProvider[];
  let beskar7: Beskar7Service;
  let server: Parameters<typeof request>[0];
  let hosts: Host[];

  beforeAll(async () => {
    const started = await startCatalogModule({
      hosts: HOSTS,
      catalog: { owner: 'group:default/metal', watchInterval: '100ms' },
    });
    ({ beskar7, providers } = started);
    server = started.backend.server;
    // Inspected hosts, so that their descriptions no longer change.
    hosts = await eventually(
      async () => (await beskar7.listHosts({ limit: 100 }, service)).items,
      all => all.length === HOSTS && all.every(h => h.state === 'Available'),
    );
  });

  it('publishes the templates the package ships, owned by the configured owner', async () => {
    expect(providers.map(p => p.getProviderName()).sort()).toEqual([
      'beskar7',
      'beskar7-clusters',
      'beskar7-template',
    ]);
    const provider = providers.find(p => p instanceof Beskar7TemplateProvider)!;
    const { connection, mutations, latest } = recordingConnection();
    await provider.connect(connection);

    expect(mutations).toHaveLength(1);
    const shipped = (name: string, action: string) =>
      expect.objectContaining({
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: expect.objectContaining({
          name,
          annotations: {
            'backstage.io/managed-by-location': expect.stringMatching(
              new RegExp(
                `^file:/.*/catalog-backend-module-beskar7/templates/${name}\\.yaml$`,
              ),
            ),
            'backstage.io/managed-by-origin-location': expect.stringMatching(
              new RegExp(`^file:/.*${name}\\.yaml$`),
            ),
          },
        }),
        spec: expect.objectContaining({
          owner: 'group:default/metal',
          steps: [expect.objectContaining({ action })],
        }),
      });
    expect(latest()).toEqual([
      shipped('request-bare-metal', 'beskar7:machine:request'),
      shipped('bare-metal-kubernetes-cluster', 'beskar7:cluster:create'),
    ]);
  });

  it('publishes the pool and every host, and drops a host that is deleted', async () => {
    const provider = providers.find(
      (p): p is Beskar7EntityProvider => p instanceof Beskar7EntityProvider,
    )!;
    const { connection, mutations, latest } = recordingConnection();
    await provider.connect(connection);
    await provider.refresh();

    const entities = latest();
    const [pool, ...hostEntities] = entities;
    expect(pool).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'pool-default',
        title: 'Host pool default',
        description: 'Beskar7 bare-metal host pool default',
        annotations: expect.objectContaining({
          'beskar7.io/pool': 'default',
          'backstage.io/managed-by-location': expect.stringMatching(
            /^url:http:\/\/localhost:\d+\/api\/beskar7\/hosts\?pool=default$/,
          ),
        }),
      },
      spec: {
        type: 'host-pool',
        owner: 'group:default/metal',
        lifecycle: 'production',
      },
    });
    expect(hostEntities.map(e => e.metadata.name)).toEqual(
      hosts.map(h => h.name),
    );
    const first = hosts[0];
    expect(hostEntities[0]).toMatchObject({
      kind: 'Resource',
      metadata: {
        name: first.name,
        namespace: first.namespace,
        description: expect.stringContaining(
          `${first.hardware.cpuCores} cores`,
        ),
        labels: first.labels,
        annotations: {
          'beskar7.io/pool': 'default',
          'beskar7.io/host-id': first.id,
        },
      },
      spec: {
        type: 'physical-host',
        owner: 'group:default/metal',
        lifecycle: 'production',
        dependencyOf: ['resource:default/pool-default'],
      },
    });
    expect(mutations.map(m => m.type)).toEqual(['full']);
    expect(
      mutations.every(
        m =>
          m.type === 'full' &&
          m.entities.every(e => e.locationKey === 'beskar7'),
      ),
    ).toBe(true);

    // The watch reads the hosts written since its last poll, and publishes
    // the one relabelled alone.
    const second = hosts[1];
    const relabelled = await request(server)
      .patch(`/api/beskar7/hosts/${second.id}`)
      .set('Authorization', mockCredentials.user.header())
      .send({ labels: { ...second.labels, rack: 'r9' } });
    expect(relabelled.status).toBe(200);
    await eventually(latest, all =>
      all.some(
        e =>
          e.metadata.name === second.name && e.metadata.labels?.rack === 'r9',
      ),
    );
    const published = mutations.find(
      m =>
        m.type === 'delta' &&
        m.added.some(
          e =>
            e.entity.metadata.name === second.name &&
            e.entity.metadata.labels?.rack === 'r9',
        ),
    );
    expect(published).toMatchObject({ type: 'delta', removed: [] });

    // The watch sees the deletion and publishes it alone, not the fleet again.
    const deleted = await request(server)
      .delete(`/api/beskar7/hosts/${first.id}`)
      .set('Authorization', mockCredentials.user.header());
    expect(deleted.status).toBe(204);
    const after = await eventually(latest, all => all.length === HOSTS);
    expect(after.map(e => e.metadata.name)).toEqual([
      'pool-default',
      ...hosts.slice(1).map(h => h.name),
    ]);
    const delta = mutations.find(
      m =>
        m.type === 'delta' &&
        m.removed.some(
          e => 'entity' in e && e.entity.metadata.name === first.name,
        ),
    );
    expect(delta).toMatchObject({
      type: 'delta',
      added: [
        {
          entity: { metadata: { name: 'pool-default' } },
          locationKey: 'beskar7',
        },
      ],
      removed: [
        {
          entity: { metadata: { name: first.name } },
          locationKey: 'beskar7',
        },
      ],
    });
  });
});
