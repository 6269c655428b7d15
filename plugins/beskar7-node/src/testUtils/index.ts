/**
 * Helpers for the tests of backend plugins and modules that work with Beskar7.
 *
 * @packageDocumentation
 */

export { eventually, type EventuallyOptions } from './eventually';
export {
  startBeskar7Backend,
  type StartBeskar7BackendOptions,
} from './startBeskar7Backend';
