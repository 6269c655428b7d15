import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

/** The templates this package ships, beside its code. */
export const SHIPPED_TEMPLATES = [
  'request-bare-metal.yaml',
  'bare-metal-kubernetes-cluster.yaml',
].map(file =>
  resolvePackagePath(
    '@beskar7/backstage-plugin-catalog-backend-module-beskar7',
    `templates/${file}`,
  ),
);

/**
 * Publishes the scaffolder templates that come with this package,
 * `request-bare-metal` and `bare-metal-kubernetes-cluster` (they run the
 * actions of the scaffolder module
 * `@beskar7/backstage-plugin-scaffolder-backend-module-beskar7`), so that an
 * app offers them without copying them or naming a location.
 *
 * @public
 */
export class Beskar7TemplateProvider implements EntityProvider {
  constructor(private readonly options: { owner: string }) {}

  getProviderName(): string {
    return 'beskar7-template';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    const templates = await Promise.all(
      SHIPPED_TEMPLATES.map(path => readTemplate(path, this.options.owner)),
    );
    await connection.applyMutation({
      type: 'full',
      entities: templates.map(entity => ({
        entity,
        locationKey: this.getProviderName(),
      })),
    });
  }
}

/** A shipped template, owned by `owner` and located at its file. */
async function readTemplate(path: string, owner: string): Promise<Entity> {
  const template: Entity = parse(await readFile(path, 'utf8'));
  const location = `file:${path}`;
  return {
    ...template,
    metadata: {
      ...template.metadata,
      annotations: {
        ...template.metadata.annotations,
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
      },
    },
    spec: { ...template.spec, owner },
  };
}
