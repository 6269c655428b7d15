/**
 * A permission policy that lets everyone read the fleet and keeps changing
 * it to `permission.beskar7.operators`: the module (default export) replaces
 * a new app's allow-all policy; `Beskar7PermissionPolicy.decide` serves an
 * app's own policy.
 *
 * @packageDocumentation
 */

export { permissionModuleBeskar7Policy as default } from './module';
export { Beskar7PermissionPolicy } from './Beskar7PermissionPolicy';
