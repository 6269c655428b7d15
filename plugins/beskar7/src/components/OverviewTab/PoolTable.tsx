import { PoolSummary } from '@beskar7/backstage-plugin-beskar7-common';
import { Cell, CellText, ColumnConfig, Link, Table } from '@backstage/ui';
import { percentOf, StateBar } from '../shared/HostsByState';
import { usePaths } from '../shared/paths';
import { EmptyState } from '../shared/Loadable';

type PoolRow = PoolSummary & { id: string };

/** Each pool: its hosts by state as a bar, how many are free, how much is in use. */
export const PoolTable = ({ pools }: { pools: PoolSummary[] }) => {
  const paths = usePaths();
  const columns: ColumnConfig<PoolRow>[] = [
    {
      id: 'pool',
      label: 'Pool',
      isRowHeader: true,
      cell: p => (
        <CellText
          title={p.pool}
          href={`${paths.hosts}?pool=${encodeURIComponent(p.pool)}`}
        />
      ),
    },
    {
      id: 'states',
      label: 'Hosts by state',
      cell: p => (
        <Cell>
          <StateBar byState={p.byState} label={`Pool ${p.pool}`} />
        </Cell>
      ),
    },
    {
      id: 'available',
      label: 'Available',
      cell: p => (
        <Cell>
          <Link
            href={`${paths.hosts}?state=Available&pool=${encodeURIComponent(
              p.pool,
            )}`}
          >
            {`${p.byState.Available} of ${p.total} hosts`}
          </Link>
        </Cell>
      ),
    },
    {
      id: 'utilisation',
      label: 'In use',
      cell: p => (
        <CellText
          title={percentOf(Math.round(p.utilisation * p.total), p.total)}
        />
      ),
    },
  ];
  return (
    <Table
      columnConfig={columns}
      data={pools.map(p => ({ ...p, id: p.pool }))}
      pagination={{ type: 'none' }}
      emptyState={<EmptyState title="No hosts registered yet" />}
    />
  );
};
