/**
 * A BMC address as registered: the Redfish service's endpoint and, when the
 * address names one, a ComputerSystem of it (DSP0266 puts systems at
 * `/redfish/v1/Systems/<Id>`).
 */
export interface BmcEndpoint {
  /** `scheme://host:port`, lower case, the port always written. */
  endpoint: string;
  /** The `Id` of the named ComputerSystem; absent for the whole BMC. */
  systemId?: string;
}

const SYSTEM_PATH = /^\/redfish\/v1\/Systems\/([^/]+)$/i;
const SERVICE_ROOT = /^(\/redfish(\/v1)?)?$/i;

/**
 * Parses and normalises a BMC address, so that one server has one key
 * whatever its spelling (`HTTPS://BMC:443/` and `https://bmc` are one).
 * Throws an Error saying what is wrong with anything else.
 */
export function parseBmcEndpoint(address: string): BmcEndpoint {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new Error(`not a valid URL: ${address}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`must be an http or https URL, got ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new Error('must not carry credentials; use credentialsRef');
  }
  if (url.search || url.hash) {
    throw new Error('must have no query or fragment');
  }
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const endpoint = `${url.protocol}//${url.hostname}:${port}`;
  const path = url.pathname.replace(/\/+$/, '');
  if (SERVICE_ROOT.test(path)) return { endpoint };
  const system = SYSTEM_PATH.exec(path);
  if (!system) {
    throw new Error(
      `path must be empty or /redfish/v1/Systems/<id>, got ${url.pathname}`,
    );
  }
  return { endpoint, systemId: decodeURIComponent(system[1]) };
}

/** The `Id` a system's `@odata.id` ends with. */
export function systemIdOf(systemPath: string): string {
  const trimmed = systemPath.replace(/\/+$/, '');
  return decodeURIComponent(trimmed.slice(trimmed.lastIndexOf('/') + 1));
}
