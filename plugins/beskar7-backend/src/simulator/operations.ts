/** What a request to a simulated BMC does; faults, latency and counters are keyed by it. */
export type SimOperation =
  | 'serviceRoot'
  | 'login'
  | 'logout'
  | 'read'
  | 'reset'
  | 'setBoot'
  | 'insertMedia'
  | 'ejectMedia'
  | 'patchMedia'
  | 'setBios'
  | 'other';

/** Operations that change the machine; the ones a provisioning queue must space out. */
export const MUTATING_OPERATIONS: ReadonlySet<SimOperation> = new Set([
  'reset',
  'setBoot',
  'insertMedia',
  'ejectMedia',
  'patchMedia',
  'setBios',
]);

export function classifyRequest(
  method: string,
  path: string,
  isVirtualMedia: (path: string) => boolean,
): SimOperation {
  const p = path.toLowerCase().replace(/\/+$/, '');
  if (p === '/redfish/v1' || p === '/redfish') {
    return 'serviceRoot';
  }
  if (method === 'POST' && /\/sessions$/.test(p)) {
    return 'login';
  }
  if (method === 'DELETE' && /\/sessions\/[^/]+$/.test(p)) {
    return 'logout';
  }
  if (method === 'GET') {
    return 'read';
  }
  if (method === 'POST' && p.endsWith('/computersystem.reset')) {
    return 'reset';
  }
  if (method === 'POST' && p.endsWith('/virtualmedia.insertmedia')) {
    return 'insertMedia';
  }
  if (method === 'POST' && p.endsWith('/virtualmedia.ejectmedia')) {
    return 'ejectMedia';
  }
  if (method === 'PATCH' && isVirtualMedia(path)) {
    return 'patchMedia';
  }
  if (method === 'PATCH' && /\/bios(\/[^/]+)?$/.test(p)) {
    return 'setBios';
  }
  if (method === 'PATCH' && /\/systems\/[^/]+$/.test(p)) {
    return 'setBoot';
  }
  return 'other';
}
