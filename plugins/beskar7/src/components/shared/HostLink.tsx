import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { Link, Text } from '@backstage/ui';

/**
 * The host a machine holds, as the host list names it (namespace/name),
 * linking to its page; by id only when the host could not be read.
 */
export const HostLink = ({
  hostId,
  host,
  hostHref,
  none = '—',
}: {
  hostId?: string;
  host?: Host;
  hostHref: (id: string) => string;
  /** What shows when the machine holds no host. */
  none?: string;
}) => {
  if (!hostId) return <Text color="secondary">{none}</Text>;
  return (
    <Link href={hostHref(hostId)}>
      {host ? `${host.namespace}/${host.name}` : hostId}
    </Link>
  );
};
