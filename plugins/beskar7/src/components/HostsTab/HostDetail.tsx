import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  beskar7HostOperatePermission,
  beskar7HostUpdatePermission,
  HostDetails,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Button, Flex, Text } from '@backstage/ui';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { beskar7ApiRef } from '../../api';
import { ConfirmButton } from '../shared/ConfirmButton';
import { IfAllowed } from '../shared/IfAllowed';
import { LastUpdated } from '../shared/LastUpdated';
import { Loadable } from '../shared/Loadable';
import { StatusLabel } from '../shared/StatusLabel';
import { useAction } from '../shared/useAction';
import { usePolling } from '../shared/usePolling';

const HostView = ({
  host,
  onChanged,
}: {
  host: HostDetails;
  onChanged: () => void;
}) => {
  const api = useApi(beskar7ApiRef);
  const { run, busy } = useAction();
  const [tags, setTags] = useState(host.tags.join(', '));
  const hw = host.hardware;
  return (
    <>
      <Text variant="title-medium">
        {host.namespace}/{host.name} <StatusLabel value={host.state} />
      </Text>
      {host.errorMessage && (
        <Text color="danger">Error: {host.errorMessage}</Text>
      )}
      <InfoCard title="Hardware">
        <dl>
          <dt>Vendor / model</dt>
          <dd>
            {[hw.manufacturer, hw.model].filter(Boolean).join(' ') || '—'}
          </dd>
          <dt>Serial</dt>
          <dd>{hw.serialNumber ?? '—'}</dd>
          <dt>CPU cores / memory / disk</dt>
          <dd>
            {hw.cpuCores ?? '?'} cores · {hw.memoryGiB ?? '?'} GiB ·{' '}
            {hw.diskGiB ?? '?'} GiB
          </dd>
          <dt>NICs</dt>
          <dd>{hw.macAddresses.join(', ') || '—'}</dd>
          <dt>BMC</dt>
          <dd data-testid="bmc-address">
            {host.bmc.address}
            {host.bmc.insecureSkipVerify ? ' (TLS verification off)' : ''}
          </dd>
          <dt>Pool · consumer</dt>
          <dd>
            {host.pool} · {host.consumerId ?? 'free'}
          </dd>
        </dl>
      </InfoCard>
      <Flex gap="2" align="end">
        <IfAllowed permission={beskar7HostUpdatePermission}>
          <label>
            Tags{' '}
            <input
              aria-label="Tags"
              value={tags}
              onChange={e => setTags(e.target.value)}
            />
          </label>
          <Button
            size="small"
            isDisabled={busy}
            onPress={() =>
              run(
                'Save tags',
                () =>
                  api.updateHost(host.id, {
                    tags: tags
                      .split(',')
                      .map(t => t.trim())
                      .filter(Boolean),
                  }),
                onChanged,
              )
            }
          >
            Save tags
          </Button>
        </IfAllowed>
        <IfAllowed permission={beskar7HostOperatePermission}>
          {host.consumerId && (
            <ConfirmButton
              label="Release"
              isDisabled={busy}
              question={`Release ${host.name}? Its machine loses the host, which is wiped and powered off.`}
              onConfirm={() =>
                run('Release', () => api.releaseHost(host.id), onChanged)
              }
            />
          )}
          {host.state === 'Error' && (
            <ConfirmButton
              label="Recover"
              isDisabled={busy}
              question={`Recover ${host.name}? It will be inspected again through its BMC.`}
              onConfirm={() =>
                run('Recover', () => api.recoverHost(host.id), onChanged)
              }
            />
          )}
        </IfAllowed>
        {host.state === 'Error' && (
          <Link
            to={`../../runbooks/host-state-recovery?hostId=${encodeURIComponent(
              host.id,
            )}`}
          >
            Recover step by step (host state recovery runbook)
          </Link>
        )}
      </Flex>
      <InfoCard title="State history">
        <ol aria-label="state history">
          {host.events.map(e => (
            <li key={e.id}>
              {new Date(e.createdAt).toLocaleString()}: {e.fromState ?? '—'} →{' '}
              {e.toState} ({e.reason}
              {e.message ? `: ${e.message}` : ''})
            </li>
          ))}
        </ol>
      </InfoCard>
    </>
  );
};

/** One host: hardware, BMC address (never credentials), history and actions. */
export const HostDetail = () => {
  const { id = '' } = useParams();
  const api = useApi(beskar7ApiRef);
  const state = usePolling(() => api.getHost(id), [api, id]);
  return (
    <Flex direction="column" gap="4">
      <LastUpdated updatedAt={state.updatedAt} onRefresh={state.retry} />
      <Loadable {...state}>
        {host => <HostView host={host} onChanged={state.retry} />}
      </Loadable>
    </Flex>
  );
};
