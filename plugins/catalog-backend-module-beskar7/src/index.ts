/**
 * Publishes the Beskar7 bare-metal fleet (pools, hosts and the Cluster API
 * clusters on them) to the catalog.
 *
 * @packageDocumentation
 */

export { catalogModuleBeskar7 as default } from './module';
export { Beskar7EntityProvider } from './Beskar7EntityProvider';
export type { Beskar7EntityProviderOptions } from './Beskar7EntityProvider';
export {
  ANNOTATION_BESKAR7_HOST_ID,
  ANNOTATION_BESKAR7_POOL,
} from './entities';
export { ANNOTATION_BESKAR7_CLUSTER } from './clusterEntities';
export { Beskar7TemplateProvider } from './Beskar7TemplateProvider';
