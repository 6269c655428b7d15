import { useApi } from '@backstage/frontend-plugin-api';
import { Flex } from '@backstage/ui';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { beskar7ApiRef } from '../../api';
import { HostCells } from '../shared/HostCells';
import { LastUpdated } from '../shared/LastUpdated';
import { Pager } from '../shared/Pager';
import { Loadable } from '../shared/Loadable';
import { usePolling } from '../shared/usePolling';
import { HostFilterValues, HostFilters } from './HostFilters';

const PAGE_SIZE = 25;

/** Every host, filtered and paged by the server so that large fleets stay fast. */
export const HostList = () => {
  const api = useApi(beskar7ApiRef);
  const [filters, setFilters] = useState<HostFilterValues>({});
  const [offset, setOffset] = useState(0);
  const pools = useAsync(() => api.listPools(), [api]);
  const state = usePolling(
    () =>
      api.listHosts({
        state: filters.state && [filters.state],
        pool: filters.pool,
        text: filters.text,
        tags: filters.tag ? [filters.tag] : undefined,
        offset,
        limit: PAGE_SIZE,
      }),
    [api, filters, offset],
  );
  const changeFilters = (value: HostFilterValues) => {
    setFilters(value);
    setOffset(0);
  };

  return (
    <Flex direction="column" gap="4">
      <HostFilters
        value={filters}
        pools={(pools.value ?? []).map(p => p.pool)}
        onChange={changeFilters}
      />
      <LastUpdated updatedAt={state.updatedAt} onRefresh={state.retry} />
      <Loadable
        {...state}
        isEmpty={page => page.totalCount === 0}
        emptyTitle="No host matches these filters"
      >
        {page => (
          <>
            <table
              aria-label="hosts"
              style={{ width: '100%', borderCollapse: 'collapse' }}
            >
              <thead>
                <tr style={{ textAlign: 'left' }}>
                  <th>Name</th>
                  <th>State</th>
                  <th>Vendor / model</th>
                  <th>Consumer</th>
                  <th>Pool</th>
                  <th>Tags</th>
                  <th>Last change</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map(host => (
                  <tr key={host.id}>
                    <HostCells host={host} to={host.id} />
                    <td>{host.pool}</td>
                    <td>{host.tags.join(', ')}</td>
                    <td>{new Date(host.updatedAt).toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager page={page} onOffset={setOffset} />
          </>
        )}
      </Loadable>
    </Flex>
  );
};
