import { PowerAction } from '@beskar7/backstage-plugin-beskar7-node';

/** ResetType values for each power action when the vendor table says nothing, best first. */
export const GENERIC_RESET_PREFERENCES: Record<PowerAction, string[]> = {
  on: ['On', 'ForceOn', 'PushPowerButton'],
  gracefulShutdown: ['GracefulShutdown', 'PushPowerButton'],
  forceOff: ['ForceOff'],
  restart: ['GracefulRestart', 'ForceRestart', 'PowerCycle'],
};

/** Inline allowable values of an action parameter, e.g. `ResetType@Redfish.AllowableValues`. */
export function inlineAllowableValues(
  action: Record<string, unknown> | undefined,
  parameter: string,
): string[] | undefined {
  const values = action?.[`${parameter}@Redfish.AllowableValues`];
  return Array.isArray(values) ? values.filter(isString) : undefined;
}

/** Allowable values of a parameter as an ActionInfo resource lists them. */
export function actionInfoAllowableValues(
  actionInfo: unknown,
  parameter: string,
): string[] | undefined {
  const parameters = (actionInfo as { Parameters?: unknown })?.Parameters;
  if (!Array.isArray(parameters)) {
    return undefined;
  }
  const entry = parameters.find(p => p?.Name === parameter);
  return Array.isArray(entry?.AllowableValues)
    ? entry.AllowableValues.filter(isString)
    : undefined;
}

/**
 * The first preferred value that the BMC allows. A BMC that lists no
 * allowable values is assumed to accept the first preference.
 */
export function chooseAllowed(
  preferences: string[],
  allowed: string[] | undefined,
): string | undefined {
  if (!allowed || allowed.length === 0) {
    return preferences[0];
  }
  return preferences.find(p => allowed.includes(p));
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}
