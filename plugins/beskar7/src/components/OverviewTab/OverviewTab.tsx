import { useApi } from '@backstage/frontend-plugin-api';
import { HOST_STATES } from '@beskar7/backstage-plugin-beskar7-common';
import { Flex, Grid, Link, Text } from '@backstage/ui';
import { beskar7ApiRef } from '../../api';
import { HealthCard } from '../Beskar7Page/HealthCard';
import {
  BmcLatencyCharts,
  ClaimCharts,
  MetricsUnavailable,
  QueueCharts,
} from '../MetricsCharts';
import { HostsByState } from '../shared/HostsByState';
import { usePaths } from '../shared/paths';
import { PolledView } from '../shared/PolledView';
import { Section } from '../shared/Section';
import { Stat } from '../shared/Stat';
import { StateChip } from '../shared/StateChip';
import { usePolling } from '../shared/usePolling';
import { PoolTable } from './PoolTable';

/** The fleet at a glance: state, capacity, queue, trends and what needs attention. */
export const OverviewTab = () => {
  const api = useApi(beskar7ApiRef);
  const paths = usePaths();
  const state = usePolling(async () => {
    const [pools, queue, diagnostics, machines, metrics] = await Promise.all([
      api.listPools(),
      api.getQueue(),
      api.getDiagnostics(),
      api.listMachines({ offset: 0, limit: 1 }),
      api.getMetricsSummary(30).catch((error: Error) => error),
    ]);
    return { pools, queue, diagnostics, machines, metrics };
  }, [api]);
  return (
    <Flex direction="column" gap="4">
      <PolledView state={state}>
        {({ pools, queue, diagnostics, machines, metrics }) => {
          const totals = Object.fromEntries(
            HOST_STATES.map(s => [
              s,
              pools.reduce((n, p) => n + p.byState[s], 0),
            ]),
          ) as Record<(typeof HOST_STATES)[number], number>;
          const alerts = diagnostics.checks.filter(c => c.status !== 'ok');
          return (
            <Flex direction="column" gap="4">
              <Grid.Root columns={{ initial: '1', md: '3' }} gap="4">
                <Section title="Hosts by state">
                  <HostsByState byState={totals} hostsPath={paths.hosts} />
                </Section>
                <Section title="Provisioning queue">
                  <Flex direction="column" gap="3">
                    <Flex gap="6">
                      <Stat
                        label="Queued"
                        value={queue.length}
                        limit={queue.maxQueueSize}
                        unit="jobs"
                        testId="queued"
                      />
                      <Stat
                        label="Running"
                        value={queue.processing}
                        limit={queue.maxConcurrentOps}
                        unit="operations"
                      />
                    </Flex>
                    <Text variant="body-small">
                      {machines.totalCount} machine request(s) in total
                      {queue.paused ? ' · queue paused' : ''}
                      {queue.draining ? ' · queue draining' : ''}
                    </Text>
                    {!(metrics instanceof Error) && (
                      <QueueCharts summary={metrics} withProcessing={false} />
                    )}
                  </Flex>
                </Section>
                <Section title="Alerts">
                  <Flex direction="column" gap="2">
                    <Flex align="center" gap="2">
                      <Text variant="body-small">Overall</Text>
                      <StateChip value={diagnostics.status} />
                    </Flex>
                    {alerts.length === 0 && <Text>All checks pass.</Text>}
                    {alerts.map(a => (
                      <Flex key={a.id} direction="column" gap="1">
                        <Flex align="center" gap="2">
                          <StateChip value={a.status} />
                          <Text weight="bold">{a.title}</Text>
                        </Flex>
                        <Text variant="body-small">{a.message}</Text>
                        {a.runbookId && (
                          <Link href={paths.runbook(a.runbookId)}>
                            Open the runbook
                          </Link>
                        )}
                      </Flex>
                    ))}
                  </Flex>
                </Section>
              </Grid.Root>
              <Section title="Utilisation per pool">
                <PoolTable pools={pools} />
              </Section>
              {metrics instanceof Error ? (
                <MetricsUnavailable error={metrics} />
              ) : (
                <Grid.Root columns={{ initial: '1', md: '2' }} gap="4">
                  <Section title="Claims">
                    <Flex direction="column" gap="3">
                      <ClaimCharts summary={metrics} />
                    </Flex>
                  </Section>
                  <Section title="BMC operation latency by vendor">
                    <BmcLatencyCharts summary={metrics} detailed={false} />
                  </Section>
                </Grid.Root>
              )}
            </Flex>
          );
        }}
      </PolledView>
      {/* Outside the fleet's view: its request runs beside the fleet's, not after them. */}
      <HealthCard />
    </Flex>
  );
};
