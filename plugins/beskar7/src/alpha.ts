/**
 * The Beskar7 frontend plugin for the new frontend system (installed by
 * feature discovery or `createApp({ features: [...] })`), and its extensions.
 *
 * @packageDocumentation
 */
export {
  beskar7Plugin as default,
  beskar7Api,
  beskar7EntityCard,
  beskar7EntityContent,
  beskar7PageExtension,
} from './plugin';
export { isBeskar7Entity, isBeskar7PoolEntity } from './entityPredicates';
export { beskar7ApiRef, Beskar7Client } from './api';
export type { Beskar7Api } from './api';
