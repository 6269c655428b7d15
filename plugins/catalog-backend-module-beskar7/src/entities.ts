import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  KubernetesValidatorFunctions,
} from '@backstage/catalog-model';
import {
  BESKAR7_HOST_ID_ANNOTATION,
  BESKAR7_POOL_ANNOTATION,
  hardwareLabel,
  Host,
  PoolSummary,
} from '@beskar7/backstage-plugin-beskar7-common';

/** Annotation with the pool name, on pool and host entities. */
export const ANNOTATION_BESKAR7_POOL = BESKAR7_POOL_ANNOTATION;
/** Annotation with the host id of the beskar7 API, on host entities. */
export const ANNOTATION_BESKAR7_HOST_ID = BESKAR7_HOST_ID_ANNOTATION;

export interface EntityContext {
  owner: string;
  /** Base URL of the beskar7 API, for the location annotations. */
  apiUrl: string;
}

/** Pools get a prefix: a pool and a host may share a name. */
export function poolEntityName(pool: string): string {
  return `pool-${pool}`;
}

export function poolEntity(
  pool: Pick<PoolSummary, 'pool'>,
  context: EntityContext,
): Entity {
  const location = `url:${context.apiUrl}/hosts?pool=${pool.pool}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: poolEntityName(pool.pool),
      title: `Host pool ${pool.pool}`,
      description: `Beskar7 bare-metal host pool ${pool.pool}`,
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [ANNOTATION_BESKAR7_POOL]: pool.pool,
      },
    },
    spec: { type: 'host-pool', owner: context.owner, lifecycle: 'production' },
  };
}

export function hostEntity(host: Host, context: EntityContext): Entity {
  const location = `url:${context.apiUrl}/hosts/${host.id}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: host.name,
      namespace: host.namespace,
      description: describeHardware(host),
      // The API is laxer than the catalog here; what the catalog would
      // reject is left out rather than failing the whole entity.
      labels: Object.fromEntries(
        Object.entries(host.labels).filter(
          ([key, value]) =>
            KubernetesValidatorFunctions.isValidLabelKey(key) &&
            KubernetesValidatorFunctions.isValidLabelValue(value),
        ),
      ),
      tags: host.tags.map(t => t.toLowerCase()).filter(isValidTag),
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [ANNOTATION_BESKAR7_POOL]: host.pool,
        [ANNOTATION_BESKAR7_HOST_ID]: host.id,
      },
    },
    spec: {
      type: 'physical-host',
      owner: context.owner,
      lifecycle: 'production',
      dependencyOf: [`resource:default/${poolEntityName(host.pool)}`],
    },
  };
}

/** The catalog's default tag rule. */
function isValidTag(tag: string): boolean {
  return tag.length <= 63 && /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/.test(tag);
}

function describeHardware({ hardware }: Host): string {
  const parts = [
    hardwareLabel(hardware.manufacturer, hardware.model),
    hardware.cpuCores && `${hardware.cpuCores} cores`,
    hardware.memoryGiB && `${hardware.memoryGiB} GiB memory`,
    hardware.diskGiB && `${hardware.diskGiB} GiB disk`,
  ].filter(Boolean);
  return parts.length
    ? `Physical host: ${parts.join(', ')}`
    : 'Physical host (hardware not inspected yet)';
}
