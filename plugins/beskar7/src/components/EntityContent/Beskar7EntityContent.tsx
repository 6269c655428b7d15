import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  BESKAR7_POOL_ANNOTATION,
  HOST_STATES,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Flex, Grid, Text } from '@backstage/ui';
import { useState } from 'react';
import { beskar7ApiRef } from '../../api';
import { LastUpdated } from '../shared/LastUpdated';
import { Loadable } from '../shared/Loadable';
import { HostCells } from '../shared/HostCells';
import { Meter } from '../shared/Meter';
import { Pager } from '../shared/Pager';
import { StatusLabel } from '../shared/StatusLabel';
import { usePolling } from '../shared/usePolling';

const PAGE_SIZE = 20;

/** The tab of an entity naming a pool: the pool's health and its hosts. */
export const Beskar7EntityContent = () => {
  const { entity } = useEntity();
  const pool = entity.metadata.annotations?.[BESKAR7_POOL_ANNOTATION] ?? '';
  const api = useApi(beskar7ApiRef);
  const [offset, setOffset] = useState(0);
  const state = usePolling(async () => {
    const [pools, hosts] = await Promise.all([
      api.listPools(),
      api.listHosts({ pool, offset, limit: PAGE_SIZE }),
    ]);
    return { summary: pools.find(p => p.pool === pool), hosts };
  }, [api, pool, offset]);

  return (
    <Flex direction="column" gap="4">
      <LastUpdated updatedAt={state.updatedAt} onRefresh={state.retry} />
      <Loadable
        {...state}
        isEmpty={({ summary }) => !summary}
        emptyTitle={`Pool ${pool} has no hosts`}
      >
        {({ summary, hosts }) =>
          summary && (
            <Grid.Root columns={{ initial: '1', md: '3' }} gap="4">
              <InfoCard title={`Pool ${pool}`}>
                <Meter
                  label="Hosts in use"
                  value={summary.total - summary.byState.Available}
                  max={summary.total}
                />
                <ul aria-label="hosts by state">
                  {HOST_STATES.filter(s => summary.byState[s] > 0).map(s => (
                    <li key={s}>
                      <StatusLabel value={s} />: {summary.byState[s]}
                    </li>
                  ))}
                </ul>
                {summary.byState.Error > 0 && (
                  <Text role="status">
                    {summary.byState.Error} host(s) in Error:{' '}
                    <Link to="/beskar7/diagnostics">see diagnostics</Link>
                  </Text>
                )}
              </InfoCard>
              <Grid.Item colSpan={{ initial: '1', md: '2' }}>
                <InfoCard title="Hosts">
                  <table
                    aria-label={`hosts in pool ${pool}`}
                    style={{ width: '100%', borderCollapse: 'collapse' }}
                  >
                    <thead>
                      <tr style={{ textAlign: 'left' }}>
                        <th>Name</th>
                        <th>State</th>
                        <th>Vendor / model</th>
                        <th>Consumer</th>
                      </tr>
                    </thead>
                    <tbody>
                      {hosts.items.map(host => (
                        <tr key={host.id}>
                          <HostCells
                            host={host}
                            to={`/beskar7/hosts/${host.id}`}
                          />
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <Pager page={hosts} onOffset={setOffset} />
                </InfoCard>
              </Grid.Item>
            </Grid.Root>
          )
        }
      </Loadable>
    </Flex>
  );
};
