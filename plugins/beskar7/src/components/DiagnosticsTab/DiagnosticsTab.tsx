import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Flex, Text } from '@backstage/ui';
import { beskar7ApiRef } from '../../api';
import { LastUpdated } from '../shared/LastUpdated';
import { Loadable } from '../shared/Loadable';
import { StatusLabel } from '../shared/StatusLabel';
import { usePolling } from '../shared/usePolling';

/** The health checks, each with what was measured, its limit and what to do. */
export const DiagnosticsTab = () => {
  const api = useApi(beskar7ApiRef);
  const state = usePolling(() => api.getDiagnostics(), [api]);
  return (
    <Flex direction="column" gap="4">
      <LastUpdated updatedAt={state.updatedAt} onRefresh={state.retry} />
      <Loadable {...state}>
        {report => (
          <>
            <Text>
              Overall: <StatusLabel value={report.status} />
            </Text>
            <table aria-label="health checks" style={{ width: '100%' }}>
              <thead>
                <tr style={{ textAlign: 'left' }}>
                  <th>Check</th>
                  <th>Status</th>
                  <th>Value</th>
                  <th>Threshold</th>
                  <th>Finding</th>
                  <th>Runbook</th>
                </tr>
              </thead>
              <tbody>
                {report.checks.map(check => (
                  <tr key={check.id}>
                    <td>{check.title}</td>
                    <td>
                      <StatusLabel value={check.status} />
                    </td>
                    <td>{String(check.value)}</td>
                    <td>{check.threshold ?? ''}</td>
                    <td>{check.message}</td>
                    <td>
                      {check.runbookId && (
                        <Link to={`../runbooks/${check.runbookId}`}>
                          Start runbook
                        </Link>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Loadable>
    </Flex>
  );
};
