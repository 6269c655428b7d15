import { Link } from '@backstage/core-components';
import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { StatusLabel } from './StatusLabel';

/** Manufacturer and model as one label; empty when the host was not inspected yet. */
export function vendorModel(host: Host): string {
  return [host.hardware.manufacturer, host.hardware.model]
    .filter(Boolean)
    .join(' ');
}

/**
 * The cells every host table starts with: name (linking to the host's
 * page at `to`), state, vendor/model and consumer.
 */
export const HostCells = ({ host, to }: { host: Host; to: string }) => (
  <>
    <td>
      <Link to={to}>
        {host.namespace}/{host.name}
      </Link>
    </td>
    <td>
      <StatusLabel value={host.state} />
    </td>
    <td>{vendorModel(host) || '—'}</td>
    <td>{host.consumerId ?? '—'}</td>
  </>
);
