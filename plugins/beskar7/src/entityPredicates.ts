import { Entity } from '@backstage/catalog-model';
import {
  BESKAR7_HOST_ID_ANNOTATION,
  BESKAR7_POOL_ANNOTATION,
} from '@beskar7/backstage-plugin-beskar7-common';

/** An entity tied to a Beskar7 host or pool: it gets the entity card. */
export function isBeskar7Entity(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[BESKAR7_POOL_ANNOTATION] ||
      annotations[BESKAR7_HOST_ID_ANNOTATION],
  );
}

/** An entity naming a pool (and not a single host): it gets the pool tab. */
export function isBeskar7PoolEntity(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[BESKAR7_POOL_ANNOTATION] &&
      !annotations[BESKAR7_HOST_ID_ANNOTATION],
  );
}
