import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  beskar7MachineCreatePermission,
  beskar7MachineReleasePermission,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Flex } from '@backstage/ui';
import { useState } from 'react';
import { beskar7ApiRef } from '../../api';
import { ConfirmButton } from '../shared/ConfirmButton';
import { IfAllowed } from '../shared/IfAllowed';
import { LastUpdated } from '../shared/LastUpdated';
import { Pager } from '../shared/Pager';
import { Loadable } from '../shared/Loadable';
import { StatusLabel } from '../shared/StatusLabel';
import { useAction } from '../shared/useAction';
import { usePolling } from '../shared/usePolling';
import { RequestMachineForm } from './RequestMachineForm';

const PAGE_SIZE = 25;

/** Machine requests with their phase and host, and the form to make more. */
export const MachinesTab = () => {
  const api = useApi(beskar7ApiRef);
  const [offset, setOffset] = useState(0);
  const state = usePolling(
    () => api.listMachines({ offset, limit: PAGE_SIZE }),
    [api, offset],
  );
  const { run, busy } = useAction();
  return (
    <Flex direction="column" gap="4">
      <IfAllowed permission={beskar7MachineCreatePermission}>
        <InfoCard title="Request machines">
          <RequestMachineForm onRequested={state.retry} />
        </InfoCard>
      </IfAllowed>
      <LastUpdated updatedAt={state.updatedAt} onRefresh={state.retry} />
      <Loadable
        {...state}
        isEmpty={page => page.totalCount === 0}
        emptyTitle="No machine requested yet"
      >
        {page => (
          <>
            <table aria-label="machines" style={{ width: '100%' }}>
              <thead>
                <tr style={{ textAlign: 'left' }}>
                  <th>Name</th>
                  <th>Phase</th>
                  <th>Host</th>
                  <th>OS / mode</th>
                  <th>Failure</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {page.items.map(m => (
                  <tr key={m.id}>
                    <td>
                      {m.namespace}/{m.name}
                    </td>
                    <td>
                      <StatusLabel value={m.phase} />
                    </td>
                    <td>
                      {m.hostId ? (
                        <Link to={`../hosts/${m.hostId}`}>
                          {m.hostId.slice(0, 8)}
                        </Link>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      {m.osFamily} / {m.provisioningMode}
                    </td>
                    <td>{m.failureReason ?? ''}</td>
                    <td>
                      {!['Releasing', 'Released'].includes(m.phase) && (
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
                    </td>
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
