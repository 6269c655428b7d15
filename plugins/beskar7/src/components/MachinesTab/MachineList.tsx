import { useApi } from '@backstage/frontend-plugin-api';
import {
  beskar7MachineCreatePermission,
  beskar7MachineReleasePermission,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  Box,
  Cell,
  CellText,
  ColumnConfig,
  Flex,
  Table,
  Text,
} from '@backstage/ui';
import { useState } from 'react';
import { beskar7ApiRef } from '../../api';
import { ConfirmButton } from '../shared/ConfirmButton';
import { IfAllowed } from '../shared/IfAllowed';
import { LastUpdated } from '../shared/LastUpdated';
import { HostLink } from '../shared/HostLink';
import { EmptyState, LoadError } from '../shared/Loadable';
import { MachineRow, withHosts } from '../shared/machineHosts';
import { pagePagination } from '../shared/pagination';
import { usePaths } from '../shared/paths';
import { StateChip } from '../shared/StateChip';
import { useAction } from '../shared/useAction';
import { usePolling } from '../shared/usePolling';
import { RequestMachineDialog } from './RequestMachineDialog';

const PAGE_SIZE = 25;

/** Machine requests with their phase and host, and the dialog to make more. */
export const MachineList = () => {
  const api = useApi(beskar7ApiRef);
  const paths = usePaths();
  const [offset, setOffset] = useState(0);
  const state = usePolling(async () => {
    const page = await api.listMachines({ offset, limit: PAGE_SIZE });
    return { ...page, items: await withHosts(api, page.items) };
  }, [api, offset]);
  const { run, busy } = useAction();
  const columns: ColumnConfig<MachineRow>[] = [
    {
      id: 'name',
      label: 'Name',
      isRowHeader: true,
      cell: m => (
        <CellText
          title={`${m.namespace}/${m.name}`}
          href={paths.machine(m.id)}
        />
      ),
    },
    {
      id: 'phase',
      label: 'Phase',
      cell: m => (
        <Cell>
          <StateChip value={m.phase} />
        </Cell>
      ),
    },
    {
      id: 'host',
      label: 'Host',
      cell: m => (
        <Cell>
          <HostLink hostId={m.hostId} host={m.host} hostHref={paths.host} />
        </Cell>
      ),
    },
    {
      id: 'os',
      label: 'OS / mode',
      cell: m => <CellText title={`${m.osFamily} / ${m.provisioningMode}`} />,
    },
    {
      id: 'failure',
      label: 'Failure',
      cell: m => <CellText title={m.failureReason ?? '—'} />,
    },
    {
      id: 'actions',
      label: 'Actions',
      cell: m => (
        <Cell>
          {['Releasing', 'Released'].includes(m.phase) ? (
            <Text color="secondary">—</Text>
          ) : (
            <IfAllowed permission={beskar7MachineReleasePermission}>
              <ConfirmButton
                label="Release"
                isDisabled={busy}
                question={`Release ${m.name}? Its host is wiped and powered off.`}
                onConfirm={() =>
                  run(
                    `Release ${m.name}`,
                    () => api.releaseMachine(m.id),
                    state.retry,
                  )
                }
              />
            </IfAllowed>
          )}
        </Cell>
      ),
    },
  ];
  return (
    <Flex direction="column" gap="4">
      <Flex justify="between" align="center">
        <LastUpdated
          updatedAt={state.updatedAt}
          error={state.error}
          onRefresh={state.retry}
        />
        <IfAllowed permission={beskar7MachineCreatePermission}>
          <RequestMachineDialog onRequested={state.retry} />
        </IfAllowed>
      </Flex>
      {state.error ? (
        <LoadError error={state.error} />
      ) : (
        <Box as="section" aria-label="machines">
          <Table
            columnConfig={columns}
            data={state.value?.items}
            isPending={state.value === undefined}
            emptyState={<EmptyState title="No machine requested yet" />}
            pagination={pagePagination(state.value, PAGE_SIZE, setOffset)}
          />
        </Box>
      )}
    </Flex>
  );
};
