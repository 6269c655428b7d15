import { useApi } from '@backstage/frontend-plugin-api';
import {
  beskar7HostOperatePermission,
  beskar7HostUpdatePermission,
  HostCapabilities,
  HostDetails,
  Machine,
  provisioningModesFor,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  Alert,
  Button,
  Flex,
  Grid,
  Link,
  Text,
  TextField,
} from '@backstage/ui';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { beskar7ApiRef } from '../../api';
import { ConfirmButton } from '../shared/ConfirmButton';
import { withConsumers } from '../shared/consumers';
import { DetailLayout } from '../shared/DetailLayout';
import { Facts } from '../shared/Facts';
import { ClusterLink, ConsumerLink } from '../shared/hostColumns';
import { IfAllowed } from '../shared/IfAllowed';
import { usePaths } from '../shared/paths';
import { PolledView } from '../shared/PolledView';
import { Section } from '../shared/Section';
import { StateChip } from '../shared/StateChip';
import { useAction } from '../shared/useAction';
import { usePolling } from '../shared/usePolling';
import { HostTimeline } from './HostTimeline';
import styles from '../shared/Facts.module.css';

const unknown = (value: string | number | undefined, unit = '') =>
  value === undefined ? '—' : `${value}${unit}`;

const listed = (values: string[] | undefined) =>
  values === undefined ? 'not listed by the BMC' : values.join(', ') || 'none';

/** What the BMC offers for provisioning, and the modes it can therefore do. */
const Capabilities = ({
  capabilities,
}: {
  capabilities?: HostCapabilities;
}) => {
  if (!capabilities) {
    return <Text color="secondary">Not inspected yet.</Text>;
  }
  const modes = (['UEFI', 'Legacy'] as const).map(bootMode => ({
    label: `Modes (${bootMode})`,
    value: provisioningModesFor(capabilities, bootMode).join(', ') || 'none',
    testId: `provisioning-modes-${bootMode.toLowerCase()}`,
  }));
  return (
    <Facts
      items={[
        {
          label: 'Virtual media',
          value: capabilities.virtualMediaTypes.join(', ') || 'none',
          testId: 'virtual-media-types',
        },
        {
          label: 'Boot targets',
          value: listed(capabilities.bootSourceOverrideTargets),
          testId: 'boot-targets',
        },
        {
          label: 'Boot modes',
          value: listed(capabilities.bootSourceOverrideModes),
        },
        ...modes,
      ]}
    />
  );
};

const HostActions = ({
  host,
  onChanged,
}: {
  host: HostDetails;
  onChanged: () => void;
}) => {
  const api = useApi(beskar7ApiRef);
  const paths = usePaths();
  const { run, busy } = useAction();
  const [tags, setTags] = useState(host.tags.join(', '));
  return (
    <Flex gap="3" align="end">
      <IfAllowed permission={beskar7HostUpdatePermission}>
        <TextField
          label="Tags"
          size="small"
          description="Comma-separated"
          value={tags}
          onChange={setTags}
        />
        <Button
          size="small"
          variant="secondary"
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
        <Link href={paths.runbook('host-state-recovery', { hostId: host.id })}>
          Recover step by step (host state recovery runbook)
        </Link>
      )}
    </Flex>
  );
};

const HostView = ({
  host,
  consumer,
  onChanged,
}: {
  host: HostDetails;
  consumer?: Machine;
  onChanged: () => void;
}) => {
  const paths = usePaths();
  const hw = host.hardware;
  return (
    <DetailLayout
      title={`${host.namespace}/${host.name}`}
      state={host.state}
      back={{ href: paths.hosts, label: 'All hosts' }}
    >
      {host.errorMessage && (
        <Alert status="danger" icon title={`Error: ${host.errorMessage}`} />
      )}
      <HostActions host={host} onChanged={onChanged} />
      <Grid.Root columns={{ initial: '1', md: '2', lg: '3' }} gap="4">
        <Section title="System">
          <Facts
            items={[
              { label: 'Vendor', value: unknown(hw.manufacturer) },
              { label: 'Model', value: unknown(hw.model) },
              { label: 'Serial', value: unknown(hw.serialNumber) },
              { label: 'Redfish system', value: unknown(host.systemId) },
              { label: 'Pool', value: host.pool },
              { label: 'Failure domain', value: unknown(host.failureDomain) },
              {
                label: 'Consumer',
                value: (
                  <ConsumerLink
                    host={{ ...host, consumer }}
                    machineHref={paths.machine}
                  />
                ),
              },
              {
                label: 'Cluster / role',
                value: <ClusterLink host={host} clusterHref={paths.cluster} />,
              },
              {
                label: 'Labels',
                value:
                  Object.entries(host.labels)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ') || '—',
              },
            ]}
          />
        </Section>
        <Section title="CPU, memory and disks">
          <Facts
            items={[
              { label: 'CPU cores', value: unknown(hw.cpuCores) },
              { label: 'Memory', value: unknown(hw.memoryGiB, ' GiB') },
              { label: 'Disk', value: unknown(hw.diskGiB, ' GiB') },
            ]}
          />
        </Section>
        <Section title="Network interfaces">
          {hw.macAddresses.length === 0 ? (
            <Text color="secondary">Not inspected yet.</Text>
          ) : (
            <Facts
              items={hw.macAddresses.map((mac, i) => ({
                label: `NIC ${i + 1} MAC`,
                value: <Text className={styles.mono}>{mac}</Text>,
              }))}
            />
          )}
        </Section>
        <Section title="Power">
          <Facts
            items={[
              {
                label: 'Power state',
                value: (
                  <Flex data-testid="power-state">
                    <StateChip value={host.powerState ?? 'Unknown'} />
                  </Flex>
                ),
              },
              {
                label: 'Read from the BMC',
                value: host.powerStateObservedAt
                  ? new Date(host.powerStateObservedAt).toLocaleString()
                  : 'not yet',
              },
            ]}
          />
        </Section>
        <Section title="Provisioning capabilities">
          <Capabilities capabilities={host.capabilities} />
        </Section>
        <Section title="BMC">
          <Facts
            items={[
              {
                label: 'Address',
                value: host.bmc.address,
                testId: 'bmc-address',
              },
              { label: 'Vendor', value: unknown(hw.manufacturer) },
              {
                label: 'TLS verification',
                value: host.bmc.insecureSkipVerify ? 'off' : 'on',
              },
              { label: 'CA bundle', value: unknown(host.bmc.caBundleRef) },
              {
                label: 'Login over plain HTTP',
                value: host.bmc.allowPlainHttp
                  ? 'allowed (the password crosses the network unencrypted)'
                  : 'never',
                testId: 'bmc-plain-http',
              },
            ]}
          />
        </Section>
      </Grid.Root>
      <Section title="State history">
        <HostTimeline events={host.events} />
      </Section>
    </DetailLayout>
  );
};

/** One host: inventory in sections, BMC address (never credentials), history and actions. */
export const HostDetail = () => {
  const { id = '' } = useParams();
  const api = useApi(beskar7ApiRef);
  const state = usePolling(async () => {
    const host = await api.getHost(id);
    const [row] = await withConsumers(api, [host]);
    return { host, consumer: row.consumer };
  }, [api, id]);
  return (
    <PolledView state={state}>
      {({ host, consumer }) => (
        <HostView host={host} consumer={consumer} onChanged={state.retry} />
      )}
    </PolledView>
  );
};
