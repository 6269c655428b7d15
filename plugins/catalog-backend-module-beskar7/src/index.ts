/***/
/**
 * The beskar7 backend module for the catalog plugin.
 *
 * @packageDocumentation
 */

export { catalogModuleBeskar7 as default } from './module';
