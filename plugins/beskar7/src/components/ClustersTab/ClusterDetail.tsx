import { useApi } from '@backstage/frontend-plugin-api';
import {
  beskar7ClusterCreatePermission,
  beskar7ClusterDeletePermission,
  ClusterCondition,
  ClusterDetails,
  ClusterMachine,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  Box,
  Cell,
  CellText,
  ColumnConfig,
  Flex,
  Grid,
  Link,
  Table,
  Text,
} from '@backstage/ui';
import { useNavigate, useParams } from 'react-router-dom';
import { beskar7ApiRef } from '../../api';
import { ConfirmButton } from '../shared/ConfirmButton';
import { DetailLayout } from '../shared/DetailLayout';
import { Facts } from '../shared/Facts';
import { IfAllowed } from '../shared/IfAllowed';
import { EmptyState } from '../shared/Loadable';
import { usePaths } from '../shared/paths';
import { PolledView } from '../shared/PolledView';
import { Section } from '../shared/Section';
import { StateChip } from '../shared/StateChip';
import { useAction } from '../shared/useAction';
import { usePolling } from '../shared/usePolling';
import { replicasText } from './replicas';
import { ScaleDialog } from './ScaleDialog';

function problemText(p: ClusterCondition): string {
  return [`${p.kind} ${p.name}: ${p.type} ${p.status}`, p.reason, p.message]
    .filter(Boolean)
    .join(' — ');
}

type MachineRow = ClusterMachine & { id: string };

/** Machines of one branch of the tree: Machine -> Beskar7Machine -> host. */
const MachineTable = ({
  label,
  machines,
}: {
  label: string;
  machines: ClusterMachine[];
}) => {
  const paths = usePaths();
  const columns: ColumnConfig<MachineRow>[] = [
    {
      id: 'name',
      label: 'Machine',
      isRowHeader: true,
      cell: m => <CellText title={m.name} />,
    },
    {
      id: 'phase',
      label: 'Phase',
      cell: m => (
        <Cell>
          <StateChip value={m.phase ?? 'Unknown'} />
        </Cell>
      ),
    },
    {
      id: 'beskar7Machine',
      label: 'Beskar7Machine',
      cell: m => (
        <CellText
          title={
            m.beskar7Machine
              ? `${m.beskar7Machine.name} (${
                  m.beskar7Machine.phase ?? 'no phase yet'
                })`
              : '—'
          }
        />
      ),
    },
    {
      id: 'host',
      label: 'Host',
      cell: m => (
        <Cell>
          {m.host ? (
            <Link href={paths.host(m.host.id)}>
              {m.host.namespace}/{m.host.name}
            </Link>
          ) : (
            <Text color="secondary">none yet</Text>
          )}
        </Cell>
      ),
    },
    {
      id: 'failureDomain',
      label: 'Failure domain',
      cell: m => <CellText title={m.failureDomain ?? '—'} />,
    },
    {
      id: 'problems',
      label: 'Not ready',
      cell: m => (
        <CellText
          title={
            [
              m.beskar7Machine?.failureMessage,
              ...m.problems.map(
                p => `${p.type}${p.message ? `: ${p.message}` : ''}`,
              ),
            ]
              .filter(Boolean)
              .join('; ') || '—'
          }
        />
      ),
    },
  ];
  return (
    <Box as="section" aria-label={label}>
      <Table
        columnConfig={columns}
        data={machines.map(m => ({ ...m, id: m.name }))}
        emptyState={<EmptyState title="No Machine yet" />}
        pagination={{ type: 'none' }}
      />
    </Box>
  );
};

const Tree = ({
  c,
  onChanged,
}: {
  c: ClusterDetails;
  onChanged: () => void;
}) => (
  <Flex direction="column" gap="4">
    <Section
      title={`Control plane${
        c.controlPlane
          ? ` ${c.controlPlane.name} (${replicasText(
              c.controlPlane.replicas,
            )} ready)`
          : ''
      }`}
    >
      <MachineTable
        label="control-plane machines"
        machines={c.controlPlaneMachines}
      />
    </Section>
    {c.workers.map(w => {
      const md = c.machineDeployments.find(d => d.name === w.machineDeployment);
      return (
        <Section
          key={w.machineDeployment}
          title={`MachineDeployment ${w.machineDeployment} (${replicasText(
            md?.replicas,
          )} ready)`}
          actions={
            <IfAllowed permission={beskar7ClusterCreatePermission}>
              <ScaleDialog
                namespace={c.namespace}
                cluster={c.name}
                machineDeployment={w.machineDeployment}
                replicas={md?.replicas.desired ?? w.machines.length}
                onScaled={onChanged}
              />
            </IfAllowed>
          }
        >
          <MachineTable
            label={`machines of ${w.machineDeployment}`}
            machines={w.machines}
          />
        </Section>
      );
    })}
    {c.otherMachines.length > 0 && (
      <Section title="Other machines">
        <MachineTable label="other machines" machines={c.otherMachines} />
      </Section>
    )}
  </Flex>
);

/** One cluster: its facts, what is not ready, and the tree down to the hosts. */
export const ClusterDetail = () => {
  const { namespace = '', name = '' } = useParams();
  const api = useApi(beskar7ApiRef);
  const paths = usePaths();
  const navigate = useNavigate();
  const { run, busy } = useAction();
  const state = usePolling(
    () => api.getCluster(namespace, name),
    [api, namespace, name],
  );
  return (
    <PolledView state={state}>
      {c => (
        <DetailLayout
          title={`${c.namespace}/${c.name}`}
          state={c.phase ?? 'Unknown'}
          actions={
            <IfAllowed permission={beskar7ClusterDeletePermission}>
              <ConfirmButton
                label="Delete cluster"
                isDisabled={busy || c.phase === 'Deleting'}
                question={`Delete ${c.namespace}/${c.name}? Cluster API deletes every Machine, and each host is wiped and given back to its pool.`}
                onConfirm={() =>
                  run(
                    `Delete ${c.namespace}/${c.name}`,
                    () => api.deleteCluster(c.namespace, c.name),
                    () => navigate(paths.clusters),
                  )
                }
              />
            </IfAllowed>
          }
          back={{ href: paths.clusters, label: 'All clusters' }}
        >
          <Grid.Root columns={{ initial: '1', md: '2' }} gap="4">
            <Section title="Cluster">
              <Facts
                items={[
                  { label: 'Kubernetes', value: c.kubernetesVersion ?? '—' },
                  {
                    label: 'Control-plane endpoint',
                    value: c.controlPlaneEndpoint ?? '—',
                  },
                  {
                    label: 'Failure domains',
                    value:
                      c.failureDomains
                        .map(
                          d =>
                            `${d.name}${
                              d.controlPlane ? ' (control plane)' : ''
                            }`,
                        )
                        .join(', ') || '—',
                  },
                  { label: 'Owner', value: c.owner ?? '—' },
                  { label: 'Paused', value: c.paused ? 'yes' : 'no' },
                  {
                    label: 'Hosts',
                    value: (
                      <Link
                        href={`${paths.hosts}?cluster=${encodeURIComponent(
                          `${c.namespace}/${c.name}`,
                        )}`}
                      >
                        Hosts of this cluster
                      </Link>
                    ),
                  },
                ]}
              />
            </Section>
            <Section title="Not ready">
              {c.problems.length ? (
                <Box as="ul">
                  {c.problems.map(p => (
                    <li key={`${p.kind}/${p.name}/${p.type}`}>
                      <Text variant="body-medium">{problemText(p)}</Text>
                    </li>
                  ))}
                </Box>
              ) : (
                <Text variant="body-medium">Every condition is True.</Text>
              )}
            </Section>
          </Grid.Root>
          <Tree c={c} onChanged={state.retry} />
        </DetailLayout>
      )}
    </PolledView>
  );
};
