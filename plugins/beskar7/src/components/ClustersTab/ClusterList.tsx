import { useApi } from '@backstage/frontend-plugin-api';
import {
  beskar7ClusterCreatePermission,
  ClusterSummary,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  Box,
  ButtonLink,
  Cell,
  CellText,
  ColumnConfig,
  Flex,
  Table,
  Text,
} from '@backstage/ui';
import { beskar7ApiRef } from '../../api';
import { LastUpdated } from '../shared/LastUpdated';
import { IfAllowed } from '../shared/IfAllowed';
import { EmptyState, LoadError } from '../shared/Loadable';
import { usePaths } from '../shared/paths';
import { StateChip } from '../shared/StateChip';
import { usePolling } from '../shared/usePolling';
import { replicasText } from './replicas';

type Row = ClusterSummary & { id: string };

/**
 * The template the catalog module ships, on the scaffolder's page (mounted
 * at /create, its default).
 */
export const CLUSTER_TEMPLATE_PATH =
  '/create/templates/default/bare-metal-kubernetes-cluster';

/** Every Cluster API cluster on Beskar7 hosts, with what needs a look. */
export const ClusterList = () => {
  const api = useApi(beskar7ApiRef);
  const paths = usePaths();
  const state = usePolling(() => api.listClusters(), [api]);
  const columns: ColumnConfig<Row>[] = [
    {
      id: 'name',
      label: 'Cluster',
      isRowHeader: true,
      cell: c => (
        <CellText
          title={`${c.namespace}/${c.name}`}
          href={paths.cluster(c.namespace, c.name)}
        />
      ),
    },
    {
      id: 'phase',
      label: 'Phase',
      cell: c => (
        <Cell>
          <StateChip value={c.phase ?? 'Unknown'} />
        </Cell>
      ),
    },
    {
      id: 'version',
      label: 'Kubernetes',
      cell: c => <CellText title={c.kubernetesVersion ?? '—'} />,
    },
    {
      id: 'endpoint',
      label: 'Control-plane endpoint',
      cell: c => <CellText title={c.controlPlaneEndpoint ?? '—'} />,
    },
    {
      id: 'controlPlane',
      label: 'Control plane',
      cell: c => <CellText title={replicasText(c.controlPlane?.replicas)} />,
    },
    {
      id: 'workers',
      label: 'Workers',
      cell: c => (
        <CellText
          title={
            c.machineDeployments
              .map(d => `${d.name} ${replicasText(d.replicas)}`)
              .join(', ') || '—'
          }
        />
      ),
    },
    {
      id: 'failureDomains',
      label: 'Failure domains',
      cell: c => (
        <CellText title={c.failureDomains.map(d => d.name).join(', ') || '—'} />
      ),
    },
    {
      id: 'problems',
      label: 'Not ready',
      cell: c => (
        <CellText
          title={
            c.problems
              .map(p => `${p.kind} ${p.type}${p.reason ? `: ${p.reason}` : ''}`)
              .join('; ') || '—'
          }
        />
      ),
    },
  ];
  const list = state.value;
  return (
    <Flex direction="column" gap="4">
      <Flex justify="between" align="center">
        <LastUpdated
          updatedAt={state.updatedAt}
          error={state.error}
          onRefresh={state.retry}
        />
        <IfAllowed permission={beskar7ClusterCreatePermission}>
          <ButtonLink variant="primary" href={CLUSTER_TEMPLATE_PATH}>
            Request cluster
          </ButtonLink>
        </IfAllowed>
      </Flex>
      {state.error ? (
        <LoadError error={state.error} />
      ) : (
        <Box as="section" aria-label="clusters">
          {list && !list.kubernetesEnabled && (
            <Text color="secondary">
              The backend reads clusters from Kubernetes: enable
              beskar7.kubernetes to see them.
            </Text>
          )}
          <Table
            columnConfig={columns}
            data={list?.items.map(c => ({
              ...c,
              id: `${c.namespace}/${c.name}`,
            }))}
            isPending={list === undefined}
            emptyState={
              <EmptyState title="No Cluster API cluster on Beskar7 hosts" />
            }
            pagination={{ type: 'none' }}
          />
        </Box>
      )}
    </Flex>
  );
};
