import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { BESKAR7_POOL_ANNOTATION } from '@beskar7/backstage-plugin-beskar7-common';
import { Box, Flex, Grid, Link, Table, Text } from '@backstage/ui';
import { useState } from 'react';
import { beskar7ApiRef } from '../../api';
import { withConsumers } from '../shared/consumers';
import { hostColumns } from '../shared/hostColumns';
import { HostsByState } from '../shared/HostsByState';
import { PolledView } from '../shared/PolledView';
import { pagePagination } from '../shared/pagination';
import { usePaths } from '../shared/paths';
import { Section } from '../shared/Section';
import { usePolling } from '../shared/usePolling';

const PAGE_SIZE = 20;

/** The tab of an entity naming a pool: the pool's health and its hosts. */
export const Beskar7EntityContent = () => {
  const { entity } = useEntity();
  const pool = entity.metadata.annotations?.[BESKAR7_POOL_ANNOTATION] ?? '';
  const api = useApi(beskar7ApiRef);
  const paths = usePaths();
  const [offset, setOffset] = useState(0);
  const state = usePolling(async () => {
    const [pools, hosts] = await Promise.all([
      api.listPools(),
      api.listHosts({ pool, offset, limit: PAGE_SIZE }),
    ]);
    return {
      summary: pools.find(p => p.pool === pool),
      hosts: { ...hosts, items: await withConsumers(api, hosts.items) },
    };
  }, [api, pool, offset]);

  return (
    <PolledView
      state={state}
      isEmpty={({ summary }) => !summary}
      emptyTitle={`Pool ${pool} has no hosts`}
    >
      {({ summary, hosts }) =>
        summary && (
          <Grid.Root columns={{ initial: '1', md: '3' }} gap="4">
            <Section title={`Pool ${pool}`}>
              <Flex direction="column" gap="3">
                <Text>
                  {Math.round(summary.utilisation * 100)}% of {summary.total}{' '}
                  hosts in use
                </Text>
                <HostsByState
                  byState={summary.byState}
                  hostsPath={paths.hosts}
                  pool={pool}
                  label={`Hosts in pool ${pool} by state`}
                />
                {summary.byState.Error > 0 && (
                  <Text role="status">
                    {summary.byState.Error} host(s) in Error:{' '}
                    <Link href={paths.diagnostics}>see diagnostics</Link>
                  </Text>
                )}
              </Flex>
            </Section>
            <Grid.Item colSpan={{ initial: '1', md: '2' }}>
              <Section title="Hosts">
                <Box as="section" aria-label={`hosts in pool ${pool}`}>
                  <Table
                    columnConfig={hostColumns({
                      hostHref: paths.host,
                      machineHref: paths.machine,
                      clusterHref: paths.cluster,
                    })}
                    data={hosts.items}
                    pagination={pagePagination(hosts, PAGE_SIZE, setOffset)}
                  />
                </Box>
              </Section>
            </Grid.Item>
          </Grid.Root>
        )
      }
    </PolledView>
  );
};
