import { createBackendModule } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  catalogProcessingExtensionPoint,
  EntityProvider,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import {
  Beskar7Service,
  beskar7ServiceRef,
} from '@beskar7/backstage-plugin-beskar7-node';
import { catalogModuleBeskar7 } from '../module';
import { startBeskar7 } from './startBeskar7';

/**
 * The real plugin with the catalog module and its `catalog` settings:
 * answers with the backend, the beskar7 service the module reads and the
 * entity providers it registered.
 */
export async function startCatalogModule(options: {
  hosts: number;
  catalog: Record<string, unknown>;
  /** More `beskar7` settings (the Kubernetes side). */
  beskar7?: Record<string, unknown>;
}) {
  const providers: EntityProvider[] = [];
  const found: { beskar7?: Beskar7Service } = {};
  const backend = await startBeskar7({
    hosts: options.hosts,
    beskar7: { catalog: options.catalog, ...options.beskar7 },
    features: [
      catalogModuleBeskar7,
      createBackendModule({
        pluginId: 'catalog',
        moduleId: 'beskar7-test',
        register: reg =>
          reg.registerInit({
            deps: { beskar7: beskar7ServiceRef },
            async init(deps) {
              found.beskar7 = deps.beskar7;
            },
          }),
      }),
    ],
    extensionPoints: [
      [
        catalogProcessingExtensionPoint,
        {
          addEntityProvider: (...added: EntityProvider[]) =>
            providers.push(...added),
        },
      ],
    ],
  });
  return { backend, beskar7: found.beskar7!, providers };
}

/** A catalog connection that records what the provider applies. */
export function recordingConnection() {
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    async applyMutation(mutation) {
      mutations.push(mutation);
    },
    async refresh() {},
  };
  /** What the catalog holds from this provider after every mutation so far. */
  const latest = (): Entity[] => {
    const held = new Map<string, Entity>();
    for (const mutation of mutations) {
      if (mutation.type === 'full') {
        held.clear();
        mutation.entities.forEach(e =>
          held.set(stringifyEntityRef(e.entity), e.entity),
        );
        continue;
      }
      mutation.removed.forEach(e =>
        held.delete('entity' in e ? stringifyEntityRef(e.entity) : e.entityRef),
      );
      mutation.added.forEach(e =>
        held.set(stringifyEntityRef(e.entity), e.entity),
      );
    }
    return [...held.values()];
  };
  return { connection, mutations, latest };
}
