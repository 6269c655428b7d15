import { useApi } from '@backstage/frontend-plugin-api';
import {
  BmcCooldownStatus,
  beskar7QueueManagePermission,
  QueueStatus,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  Button,
  CellText,
  ColumnConfig,
  Flex,
  Grid,
  Table,
  Text,
} from '@backstage/ui';
import { beskar7ApiRef } from '../../api';
import {
  BmcLatencyCharts,
  ClaimCharts,
  MetricsUnavailable,
  QueueCharts,
} from '../MetricsCharts';
import { ConfirmButton } from '../shared/ConfirmButton';
import { IfAllowed } from '../shared/IfAllowed';
import { EmptyState } from '../shared/Loadable';
import { PolledView } from '../shared/PolledView';
import { Section } from '../shared/Section';
import { Stat } from '../shared/Stat';
import { StateChip } from '../shared/StateChip';
import { useAction } from '../shared/useAction';
import { usePolling } from '../shared/usePolling';

const COOLDOWN_COLUMNS: ColumnConfig<BmcCooldownStatus & { id: string }>[] = [
  {
    id: 'bmc',
    label: 'BMC',
    isRowHeader: true,
    cell: c => <CellText title={c.bmcAddress} />,
  },
  {
    id: 'remaining',
    label: 'Free in',
    cell: c => <CellText title={`${(c.remainingMs / 1000).toFixed(1)} s`} />,
  },
];

/** The queue's state in a word: draining, paused or running. */
function queueState(queue: QueueStatus): string {
  if (queue.draining) return 'Draining';
  return queue.paused ? 'Paused' : 'Running';
}

/** What the queue's button does: resume a held queue, pause a running one. */
function queueToggle(queue: QueueStatus) {
  return queue.paused || queue.draining
    ? ({ label: 'Resume', action: 'resume' } as const)
    : ({ label: 'Pause', action: 'pause' } as const);
}

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
    <PolledView state={state}>
      {({ queue, metrics }) => (
        <Flex direction="column" gap="4">
          <Section
            title="Provisioning queue"
            actions={
              <IfAllowed permission={beskar7QueueManagePermission}>
                <Flex gap="2">
                  <Button
                    size="small"
                    variant="secondary"
                    isDisabled={busy}
                    onPress={() => {
                      const { label, action } = queueToggle(queue);
                      run(
                        `${label} queue`,
                        () => api.changeQueue(action),
                        state.retry,
                      );
                    }}
                  >
                    {queueToggle(queue).label}
                  </Button>
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
            }
          >
            <Flex gap="6" align="end">
              <Flex direction="column" gap="1">
                <Text variant="body-small" color="secondary">
                  State
                </Text>
                <Flex data-testid="queue-state" align="center" gap="2">
                  <StateChip value={queueState(queue)} />
                </Flex>
              </Flex>
              <Stat
                label="Queue length"
                value={queue.length}
                limit={queue.maxQueueSize}
                unit="jobs"
                testId="queue-length"
              />
              <Stat
                label="Operations running (all replicas)"
                value={queue.processing}
                limit={queue.maxConcurrentOps}
                unit="operations"
              />
              <Stat
                label="Workers on the replica that answered"
                value={queue.workerCount}
                unit="workers"
              />
            </Flex>
          </Section>
          {metrics instanceof Error ? (
            <MetricsUnavailable error={metrics} />
          ) : (
            <Grid.Root columns={{ initial: '1', md: '3' }} gap="4">
              <Section title="Queue over time">
                <Flex direction="column" gap="4">
                  <QueueCharts summary={metrics} />
                </Flex>
              </Section>
              <Section title="Claims">
                <Flex direction="column" gap="4">
                  <ClaimCharts summary={metrics} />
                </Flex>
              </Section>
              <Section title="BMC operation latency">
                <Flex direction="column" gap="4">
                  <BmcLatencyCharts summary={metrics} />
                </Flex>
              </Section>
            </Grid.Root>
          )}
          <Section title="BMC cooldowns in effect">
            <Table
              columnConfig={COOLDOWN_COLUMNS}
              data={queue.cooldowns.map(c => ({ ...c, id: c.bmcAddress }))}
              pagination={{ type: 'none' }}
              emptyState={<EmptyState title="No BMC is cooling down." />}
            />
          </Section>
        </Flex>
      )}
    </PolledView>
  );
};
