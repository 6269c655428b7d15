import { useApi } from '@backstage/frontend-plugin-api';
import { DiagnosticCheck } from '@beskar7/backstage-plugin-beskar7-common';
import {
  Box,
  Cell,
  ColumnConfig,
  Flex,
  Link,
  Table,
  Text,
} from '@backstage/ui';
import { beskar7ApiRef } from '../../api';
import { usePaths } from '../shared/paths';
import { PolledView } from '../shared/PolledView';
import { StateChip } from '../shared/StateChip';
import { usePolling } from '../shared/usePolling';
import { WrappingCell } from '../shared/WrappingCell';

type CheckRow = DiagnosticCheck;

/** The health checks, each with what was measured, its limit and what to do. */
export const DiagnosticsTab = () => {
  const api = useApi(beskar7ApiRef);
  const paths = usePaths();
  const state = usePolling(() => api.getDiagnostics(), [api]);
  const columns: ColumnConfig<CheckRow>[] = [
    {
      id: 'title',
      label: 'Check',
      isRowHeader: true,
      cell: c => <WrappingCell text={c.title} />,
    },
    {
      id: 'status',
      label: 'Status',
      cell: c => (
        <Cell>
          <StateChip value={c.status} />
        </Cell>
      ),
    },
    {
      id: 'value',
      label: 'Value',
      cell: c => <WrappingCell text={String(c.value)} />,
    },
    {
      id: 'threshold',
      label: 'Threshold',
      cell: c => <WrappingCell text={c.threshold ?? '—'} />,
    },
    {
      id: 'message',
      label: 'Finding',
      // The widest column: what was found and what to do about it.
      defaultWidth: '2fr',
      cell: c => <WrappingCell text={c.message} />,
    },
    {
      id: 'runbook',
      label: 'Runbook',
      cell: c => (
        <Cell>
          {c.runbookId ? (
            <Link href={paths.runbook(c.runbookId)}>Start runbook</Link>
          ) : (
            <Text color="secondary">—</Text>
          )}
        </Cell>
      ),
    },
  ];
  return (
    <PolledView state={state}>
      {report => (
        <>
          <Flex align="center" gap="2">
            <Text>Overall</Text>
            <StateChip value={report.status} size="medium" />
          </Flex>
          <Box as="section" aria-label="health checks">
            <Table
              columnConfig={columns}
              data={report.checks}
              pagination={{ type: 'none' }}
            />
          </Box>
        </>
      )}
    </PolledView>
  );
};
