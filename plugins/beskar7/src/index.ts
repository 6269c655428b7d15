/**
 * The Beskar7 frontend plugin for the legacy frontend system, and the API
 * other plugins use. The new frontend system's plugin is the default export
 * of `@beskar7/backstage-plugin-beskar7/alpha`.
 *
 * @packageDocumentation
 */
export {
  beskar7Plugin,
  beskar7RouteRef,
  Beskar7Page,
  EntityBeskar7Card,
  EntityBeskar7Content,
} from './legacyPlugin';
export { isBeskar7Entity, isBeskar7PoolEntity } from './entityPredicates';
export { beskar7ApiRef, Beskar7Client } from './api';
export type { Beskar7Api } from './api';
