import { createHash } from 'node:crypto';

/** Kubernetes object names (DNS-1123 labels), and so host names, end here. */
const MAX_NAME = 63;

/**
 * The host name of system `systemId` registered beside host `hostName`:
 * `<name>-<system id>`, or, where that is longer than a name may be or
 * `taken` (another host has it), ended with a hash of both (stable across
 * replicas and retries) and shortened to 63 characters.
 */
export function siblingHostName(
  hostName: string,
  systemId: string,
  taken = false,
): string {
  const slug =
    systemId
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'system';
  const plain = `${hostName}-${slug}`;
  if (!taken && plain.length <= MAX_NAME) return plain;
  const hash = createHash('sha256')
    .update(`${hostName}\0${systemId}`)
    .digest('hex')
    .slice(0, 8);
  // The host name gives way first, so that the system id stays readable.
  const room = MAX_NAME - hash.length - 1;
  const name = hostName
    .slice(0, Math.max(1, room - slug.length - 1))
    .replace(/-+$/, '');
  const head = `${name}-${slug}`.slice(0, room).replace(/-+$/, '');
  return `${head}-${hash}`;
}
