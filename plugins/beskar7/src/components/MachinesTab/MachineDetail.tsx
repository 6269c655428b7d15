import { useApi } from '@backstage/frontend-plugin-api';
import { Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { Grid } from '@backstage/ui';
import { useParams } from 'react-router-dom';
import { beskar7ApiRef } from '../../api';
import { DetailLayout } from '../shared/DetailLayout';
import { Facts } from '../shared/Facts';
import { HostLink } from '../shared/HostLink';
import { withHosts } from '../shared/machineHosts';
import { usePaths } from '../shared/paths';
import { PolledView } from '../shared/PolledView';
import { Section } from '../shared/Section';
import { usePolling } from '../shared/usePolling';

/** What a machine asked for, in words. */
function requirementsText(m: Machine): string {
  const r = m.requirements;
  const parts = [
    r.pool && `pool ${r.pool}`,
    r.minCpuCores && `≥ ${r.minCpuCores} cores`,
    r.minMemoryGiB && `≥ ${r.minMemoryGiB} GiB memory`,
    r.minDiskGiB && `≥ ${r.minDiskGiB} GiB disk`,
    r.failureDomain && `failure domain ${r.failureDomain}`,
    r.tags?.length && `tags ${r.tags.join(', ')}`,
    r.selector?.matchLabels &&
      `labels ${Object.entries(r.selector.matchLabels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
  ].filter(Boolean);
  return parts.join(' · ') || 'any host';
}

/** One machine request: its phase, its host and what it asked for. */
export const MachineDetail = () => {
  const { id = '' } = useParams();
  const api = useApi(beskar7ApiRef);
  const paths = usePaths();
  const state = usePolling(
    async () => (await withHosts(api, [await api.getMachine(id)]))[0],
    [api, id],
  );
  return (
    <PolledView state={state}>
      {m => (
        <DetailLayout
          title={`${m.namespace}/${m.name}`}
          state={m.phase}
          back={{ href: paths.machines, label: 'All machines' }}
        >
          <Grid.Root columns={{ initial: '1', md: '2' }} gap="4">
            <Section title="Request">
              <Facts
                items={[
                  { label: 'Image', value: m.imageUrl },
                  { label: 'Config', value: m.configUrl ?? '—' },
                  { label: 'OS family', value: m.osFamily },
                  { label: 'Provisioning mode', value: m.provisioningMode },
                  { label: 'Boot mode', value: m.bootMode },
                  { label: 'Requirements', value: requirementsText(m) },
                ]}
              />
            </Section>
            <Section title="Status">
              <Facts
                items={[
                  {
                    label: 'Host',
                    value: (
                      <HostLink
                        hostId={m.hostId}
                        host={m.host}
                        hostHref={paths.host}
                        none="not claimed yet"
                      />
                    ),
                  },
                  { label: 'Failure', value: m.failureReason ?? '—' },
                  {
                    label: 'Requested',
                    value: new Date(m.createdAt).toLocaleString(),
                  },
                  {
                    label: 'Last change',
                    value: new Date(m.updatedAt).toLocaleString(),
                  },
                ]}
              />
            </Section>
          </Grid.Root>
        </DetailLayout>
      )}
    </PolledView>
  );
};
