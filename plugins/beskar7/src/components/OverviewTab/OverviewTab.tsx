import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { HOST_STATES } from '@beskar7/backstage-plugin-beskar7-common';
import { Flex, Grid, Text } from '@backstage/ui';
import { beskar7ApiRef } from '../../api';
import { HealthCard } from '../Beskar7Page/HealthCard';
import {
  BmcLatencyCharts,
  ClaimCharts,
  MetricsUnavailable,
  QueueCharts,
} from '../MetricsCharts';
import { LastUpdated } from '../shared/LastUpdated';
import { Loadable } from '../shared/Loadable';
import { Meter } from '../shared/Meter';
import { StatusLabel } from '../shared/StatusLabel';
import { usePolling } from '../shared/usePolling';

/** The fleet at a glance: capacity, queue and what needs attention. */
export const OverviewTab = () => {
  const api = useApi(beskar7ApiRef);
  const state = usePolling(async () => {
    const [pools, queue, diagnostics, pending, metrics] = await Promise.all([
      api.listPools(),
      api.getQueue(),
      api.getDiagnostics(),
      api.listMachines({ offset: 0, limit: 1 }),
      api.getMetricsSummary(30).catch((error: Error) => error),
    ]);
    return { pools, queue, diagnostics, pending, metrics };
  }, [api]);
  return (
    <Flex direction="column" gap="4">
      <LastUpdated updatedAt={state.updatedAt} onRefresh={state.retry} />
      <Loadable {...state}>
        {({ pools, queue, diagnostics, pending, metrics }) => {
          const totals = Object.fromEntries(
            HOST_STATES.map(s => [
              s,
              pools.reduce((n, p) => n + p.byState[s], 0),
            ]),
          );
          const alerts = diagnostics.checks.filter(c => c.status !== 'ok');
          return (
            <Grid.Root columns={{ initial: '1', md: '2' }} gap="4">
              <InfoCard title="Hosts by state">
                <ul aria-label="hosts by state">
                  {HOST_STATES.map(s => (
                    <li key={s}>
                      <StatusLabel value={s} />: {totals[s]}
                    </li>
                  ))}
                </ul>
              </InfoCard>
              <InfoCard title="Utilisation per pool">
                {pools.length === 0 && <Text>No hosts registered yet.</Text>}
                {pools.map(p => (
                  <Meter
                    key={p.pool}
                    label={`${p.pool} (${Math.round(p.utilisation * 100)}%)`}
                    value={p.total - p.byState.Available}
                    max={p.total}
                  />
                ))}
              </InfoCard>
              <InfoCard title="Provisioning queue">
                <Meter
                  label="Queued"
                  value={queue.length}
                  max={queue.maxQueueSize}
                />
                <Meter
                  label="Running"
                  value={queue.processing}
                  max={queue.maxConcurrentOps}
                  warnAt={1.1}
                />
                <Text>
                  {pending.totalCount} machine request(s) in total
                  {queue.paused ? ' · queue paused' : ''}
                </Text>
                {!(metrics instanceof Error) && (
                  <QueueCharts summary={metrics} withProcessing={false} />
                )}
              </InfoCard>
              {metrics instanceof Error ? (
                <MetricsUnavailable error={metrics} />
              ) : (
                <>
                  <InfoCard title="Claims">
                    <ClaimCharts summary={metrics} />
                  </InfoCard>
                  <InfoCard title="BMC operation latency by vendor">
                    <BmcLatencyCharts summary={metrics} detailed={false} />
                  </InfoCard>
                </>
              )}
              <InfoCard title="Alerts">
                {alerts.length === 0 && <Text>All checks pass.</Text>}
                <ul aria-label="alerts">
                  {alerts.map(a => (
                    <li key={a.id}>
                      <StatusLabel value={a.status} /> {a.title}: {a.message}{' '}
                      {a.runbookId && (
                        <Link to={`../runbooks/${a.runbookId}`}>
                          open runbook
                        </Link>
                      )}
                    </li>
                  ))}
                </ul>
              </InfoCard>
              <HealthCard />
            </Grid.Root>
          );
        }}
      </Loadable>
    </Flex>
  );
};
