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

/** The template this package ships, beside its code. */
export const REQUEST_BARE_METAL_TEMPLATE = resolvePackagePath(
  '@beskar7/backstage-plugin-catalog-backend-module-beskar7',
  'templates/request-bare-metal.yaml',
);

/**
 * Publishes the `request-bare-metal` scaffolder template that comes with this
 * package (it runs the actions of the scaffolder module
 * `@beskar7/backstage-plugin-scaffolder-backend-module-beskar7`), so that an
 * app offers it without copying it or naming a location.
 *
 * @public
 */
export class Beskar7TemplateProvider implements EntityProvider {
  constructor(private readonly options: { owner: string }) {}

  getProviderName(): string {
    return 'beskar7-template';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    const template = await readTemplate(this.options.owner);
    await connection.applyMutation({
      type: 'full',
      entities: [{ entity: template, locationKey: this.getProviderName() }],
    });
  }
}

/** The shipped template, owned by `owner` and located at its file. */
export async function readTemplate(owner: string): Promise<Entity> {
  const template: Entity = parse(
    await readFile(REQUEST_BARE_METAL_TEMPLATE, 'utf8'),
  );
  const location = `file:${REQUEST_BARE_METAL_TEMPLATE}`;
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
