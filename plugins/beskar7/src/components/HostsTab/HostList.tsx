import { useApi } from '@backstage/frontend-plugin-api';
import { Box, Button, Flex, Table, Text } from '@backstage/ui';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { beskar7ApiRef } from '../../api';
import { withConsumers } from '../shared/consumers';
import { hostColumns } from '../shared/hostColumns';
import { LastUpdated } from '../shared/LastUpdated';
import { EmptyState, LoadError } from '../shared/Loadable';
import { pagePagination } from '../shared/pagination';
import { usePaths } from '../shared/paths';
import { usePolling } from '../shared/usePolling';
import { HostFilters } from './HostFilters';
import { HostListView, readView, toQuery, writeView } from './hostQuery';

const PAGE_SIZE = 25;

/** Every host, filtered, sorted and paged by the server so that large fleets stay fast. */
export const HostList = () => {
  const api = useApi(beskar7ApiRef);
  const paths = usePaths();
  const [params, setParams] = useSearchParams();
  const view = readView(params);
  const key = writeView(view).toString();
  const pools = useAsync(() => api.listPools(), [api]);
  const state = usePolling(async () => {
    const page = await api.listHosts(toQuery(view, PAGE_SIZE));
    return { ...page, items: await withConsumers(api, page.items) };
    // The view is read from the URL on each render; its string is the dependency.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);
  const change = (patch: Partial<HostListView>) =>
    setParams(writeView({ ...view, offset: 0, ...patch }), { replace: true });

  return (
    <Flex direction="column" gap="4">
      <HostFilters
        value={view}
        pools={(pools.value ?? []).map(p => p.pool)}
        onChange={change}
      />
      {view.cluster && (
        <Flex gap="2" align="center">
          <Text>Hosts of cluster {view.cluster}</Text>
          <Button
            size="small"
            variant="secondary"
            onPress={() => change({ cluster: undefined })}
          >
            Show every host
          </Button>
        </Flex>
      )}
      <LastUpdated
        updatedAt={state.updatedAt}
        error={state.error}
        onRefresh={state.retry}
      />
      {state.error ? (
        <LoadError error={state.error} />
      ) : (
        <Box as="section" aria-label="hosts">
          <Table
            columnConfig={hostColumns({
              hostHref: paths.host,
              machineHref: paths.machine,
              clusterHref: paths.cluster,
              full: true,
            })}
            data={state.value?.items}
            isPending={state.value === undefined}
            emptyState={<EmptyState title="No host matches these filters" />}
            sort={{
              descriptor: view.orderBy
                ? {
                    column: view.orderBy,
                    direction:
                      view.order === 'desc' ? 'descending' : 'ascending',
                  }
                : null,
              onSortChange: d =>
                change({
                  orderBy: String(d.column) as HostListView['orderBy'],
                  order: d.direction === 'descending' ? 'desc' : 'asc',
                }),
            }}
            pagination={pagePagination(state.value, PAGE_SIZE, offset =>
              change({ offset }),
            )}
          />
        </Box>
      )}
    </Flex>
  );
};
