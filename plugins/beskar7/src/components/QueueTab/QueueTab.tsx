import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { beskar7QueueManagePermission } from '@beskar7/backstage-plugin-beskar7-common';
import { Button, Flex, Grid, Text } from '@backstage/ui';
import { beskar7ApiRef } from '../../api';
import {
  BmcLatencyCharts,
  ClaimCharts,
  MetricsUnavailable,
  QueueCharts,
} from '../MetricsCharts';
import { ConfirmButton } from '../shared/ConfirmButton';
import { IfAllowed } from '../shared/IfAllowed';
import { LastUpdated } from '../shared/LastUpdated';
import { Loadable } from '../shared/Loadable';
import { Meter } from '../shared/Meter';
import { useAction } from '../shared/useAction';
import { usePolling } from '../shared/usePolling';

/** Queue health: backlog against its limit, concurrency, BMC cooldowns, claim and BMC latency. */
export const QueueTab = () => {
  const api = useApi(beskar7ApiRef);
  const state = usePolling(async () => {
    // Without metrics the queue's own state is still worth showing.
    const [queue, metrics] = await Promise.all([
      api.getQueue(),
      api.getMetricsSummary(30).catch((error: Error) => error),
    ]);
    return { queue, metrics };
  }, [api]);
  const { run, busy } = useAction();
  return (
    <Flex direction="column" gap="4">
      <LastUpdated updatedAt={state.updatedAt} onRefresh={state.retry} />
      <Loadable {...state}>
        {({ queue, metrics }) => (
          <>
            <InfoCard title="Provisioning queue">
              <Flex direction="column" gap="2">
                <Text data-testid="queue-state">
                  {queue.paused ? 'Paused' : 'Running'}
                  {queue.draining ? ', draining (new jobs refused)' : ''}
                </Text>
                <Meter
                  label="Queue length"
                  value={queue.length}
                  max={queue.maxQueueSize}
                />
                <Meter
                  label="Operations running (all replicas)"
                  value={queue.processing}
                  max={queue.maxConcurrentOps}
                  warnAt={1.1}
                />
                <Text variant="body-small">
                  {queue.workerCount} worker(s) on the replica that answered
                </Text>
              </Flex>
            </InfoCard>
            <IfAllowed permission={beskar7QueueManagePermission}>
              <Flex gap="2">
                {queue.paused || queue.draining ? (
                  <Button
                    isDisabled={busy}
                    onPress={() =>
                      run(
                        'Resume queue',
                        () => api.changeQueue('resume'),
                        state.retry,
                      )
                    }
                  >
                    Resume
                  </Button>
                ) : (
                  <Button
                    isDisabled={busy}
                    onPress={() =>
                      run(
                        'Pause queue',
                        () => api.changeQueue('pause'),
                        state.retry,
                      )
                    }
                  >
                    Pause
                  </Button>
                )}
                <ConfirmButton
                  label="Drain"
                  isDisabled={busy || queue.draining}
                  question="Drain the queue? New provisioning requests are refused until it is resumed."
                  onConfirm={() =>
                    run(
                      'Drain queue',
                      () => api.changeQueue('drain'),
                      state.retry,
                    )
                  }
                />
              </Flex>
            </IfAllowed>
            {metrics instanceof Error ? (
              <MetricsUnavailable error={metrics} />
            ) : (
              <Grid.Root columns={{ initial: '1', md: '3' }} gap="4">
                <InfoCard title="Queue over time">
                  <QueueCharts summary={metrics} />
                </InfoCard>
                <InfoCard title="Claims">
                  <ClaimCharts summary={metrics} />
                </InfoCard>
                <InfoCard title="BMC operation latency">
                  <BmcLatencyCharts summary={metrics} />
                </InfoCard>
              </Grid.Root>
            )}
            <InfoCard title="BMC cooldowns in effect">
              {queue.cooldowns.length === 0 ? (
                <Text>No BMC is cooling down.</Text>
              ) : (
                <ul aria-label="cooldowns">
                  {queue.cooldowns.map(c => (
                    <li key={c.bmcAddress}>
                      {c.bmcAddress}: free in{' '}
                      {(c.remainingMs / 1000).toFixed(1)} s
                    </li>
                  ))}
                </ul>
              )}
            </InfoCard>
          </>
        )}
      </Loadable>
    </Flex>
  );
};
