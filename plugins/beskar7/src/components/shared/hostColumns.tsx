import {
  hardwareLabel,
  Host,
  HostSortField,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Cell, CellText, ColumnConfig, Link, Text } from '@backstage/ui';
import { HostRow } from './consumers';
import { StateChip } from './StateChip';

/** Manufacturer and model as one label; empty when the host was not inspected yet. */
export function vendorModel(host: Host): string {
  return hardwareLabel(host.hardware.manufacturer, host.hardware.model);
}

/** The consumer as the machine's namespace/name, linking to it. */
export const ConsumerLink = ({
  host,
  machineHref,
}: {
  host: HostRow;
  machineHref: (id: string) => string;
}) => {
  if (!host.consumerId) return <Text color="secondary">—</Text>;
  return (
    <Link href={machineHref(host.consumerId)}>
      {host.consumer
        ? `${host.consumer.namespace}/${host.consumer.name}`
        : host.consumerId.slice(0, 8)}
    </Link>
  );
};

/** The Cluster API cluster and role a host serves, linking to the cluster. */
export const ClusterLink = ({
  host,
  clusterHref,
}: {
  host: Host;
  clusterHref: (namespace: string, name: string) => string;
}) => {
  if (!host.cluster) return <Text color="secondary">—</Text>;
  const { namespace, name, role } = host.cluster;
  return (
    <Link href={clusterHref(namespace, name)}>
      {`${namespace}/${name} · ${
        role === 'control-plane' ? 'control plane' : 'worker'
      }`}
    </Link>
  );
};

/** Column ids are the API's `orderBy` values where the API can sort by them. */
export type HostColumnId = HostSortField | 'consumer' | 'cluster' | 'tags';

/**
 * The columns every host table uses: name (linking to the host), state,
 * vendor/model, consumer, and (with `full`) pool, tags and last change.
 */
export function hostColumns(options: {
  hostHref: (id: string) => string;
  machineHref: (id: string) => string;
  clusterHref: (namespace: string, name: string) => string;
  full?: boolean;
}): ColumnConfig<HostRow>[] {
  const { hostHref, machineHref, clusterHref, full = false } = options;
  const columns: Array<ColumnConfig<HostRow> & { id: HostColumnId }> = [
    {
      id: 'name',
      label: 'Name',
      isRowHeader: true,
      isSortable: full,
      cell: h => (
        <CellText title={`${h.namespace}/${h.name}`} href={hostHref(h.id)} />
      ),
    },
    {
      id: 'state',
      label: 'State',
      isSortable: full,
      cell: h => (
        <Cell>
          <StateChip value={h.state} />
        </Cell>
      ),
    },
    {
      id: 'manufacturer',
      label: 'Vendor / model',
      isSortable: full,
      cell: h => <CellText title={vendorModel(h) || '—'} />,
    },
    {
      id: 'consumer',
      label: 'Consumer',
      cell: h => (
        <Cell>
          <ConsumerLink host={h} machineHref={machineHref} />
        </Cell>
      ),
    },
    {
      id: 'cluster',
      label: 'Cluster / role',
      cell: h => (
        <Cell>
          <ClusterLink host={h} clusterHref={clusterHref} />
        </Cell>
      ),
    },
  ];
  if (full) {
    columns.push(
      {
        id: 'pool',
        label: 'Pool',
        isSortable: true,
        cell: h => <CellText title={h.pool} />,
      },
      {
        id: 'tags',
        label: 'Tags',
        cell: h => <CellText title={h.tags.join(', ') || '—'} />,
      },
      {
        id: 'updatedAt',
        label: 'Last change',
        isSortable: true,
        cell: h => (
          <CellText
            title={new Date(h.updatedAt).toLocaleString([], {
              dateStyle: 'short',
              timeStyle: 'short',
            })}
          />
        ),
      },
    );
  }
  return columns;
}
