import { SchedulerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { DiagnosticsService } from '../diagnostics';
import { DatabaseFleetFacts } from '../diagnostics/DatabaseFleetFacts';
import {
  METRICS_SAMPLE_INTERVAL_MS,
  MetricsHistory,
} from '../metrics/MetricsHistory';
import { metricsReader } from '../metrics/readMetrics';
import { ReplicaServices } from '../replicaServices';

/**
 * What the fleet looks like: the facts the diagnostics and runbooks judge,
 * and this replica's history of its own measurements (sampled on a schedule).
 */
export async function buildFleetViews(options: {
  knex: Knex;
  replica: ReplicaServices;
  scheduler: SchedulerService;
}) {
  const { knex, replica } = options;
  const { metrics, queueMetrics, queue, heartbeat, claims } = replica;
  const facts = new DatabaseFleetFacts({
    knex,
    metrics,
    queueMetrics,
    queueStatus: () => queue.status(),
    replicas: () => heartbeat.live(),
    mode: claims.mode,
  });
  const metricsHistory = new MetricsHistory(
    metricsReader({ metrics, queueMetrics, queueStatus: () => queue.status() }),
  );
  await options.scheduler.scheduleTask({
    id: 'beskar7-metrics-history',
    scope: 'local',
    frequency: { milliseconds: METRICS_SAMPLE_INTERVAL_MS },
    timeout: { milliseconds: METRICS_SAMPLE_INTERVAL_MS },
    fn: () => metricsHistory.sample(),
  });
  return {
    facts,
    diagnostics: new DiagnosticsService(facts),
    metricsHistory,
  };
}

export type FleetViews = Awaited<ReturnType<typeof buildFleetViews>>;
