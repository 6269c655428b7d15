import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  ClusterDetails,
  ClusterList,
  ClusterScaleRequest,
  ClusterScaleResult,
  DiagnosticsReport,
  HealthResponse,
  Host,
  HostDetails,
  ListHostsQuery,
  Machine,
  MachineRequest,
  MetricsSummary,
  Page,
  PoolSummary,
  QueueStatus,
  RunbookRun,
  RunbookStepInput,
  RunbookSummary,
  StartRunbookRunRequest,
  UpdateHostRequest,
} from '@beskar7/backstage-plugin-beskar7-common';

/** The Beskar7 backend, as the portal's pages and other plugins see it. */
export interface Beskar7Api {
  getHealth(): Promise<HealthResponse>;
  listHosts(query: ListHostsQuery): Promise<Page<Host>>;
  getHost(id: string): Promise<HostDetails>;
  updateHost(id: string, patch: UpdateHostRequest): Promise<Host>;
  releaseHost(id: string): Promise<Host>;
  recoverHost(id: string): Promise<Host>;
  listPools(): Promise<PoolSummary[]>;
  /** A page of machines; with `ids`, only those machines (at most 100). */
  listMachines(query: {
    offset: number;
    limit: number;
    ids?: string[];
  }): Promise<Page<Machine>>;
  getMachine(id: string): Promise<Machine>;
  requestMachine(request: MachineRequest): Promise<Machine>;
  releaseMachine(id: string): Promise<Machine>;
  /** Cluster API clusters on Beskar7 hosts (beskar7.cluster.read). */
  listClusters(): Promise<ClusterList>;
  getCluster(namespace: string, name: string): Promise<ClusterDetails>;
  /** Sets a worker MachineDeployment's replicas (beskar7.cluster.create). */
  scaleCluster(
    namespace: string,
    name: string,
    request: ClusterScaleRequest,
  ): Promise<ClusterScaleResult>;
  /** Deletes the cluster; its hosts are released (beskar7.cluster.delete). */
  deleteCluster(namespace: string, name: string): Promise<void>;
  getQueue(): Promise<QueueStatus>;
  changeQueue(action: 'pause' | 'resume' | 'drain'): Promise<QueueStatus>;
  getDiagnostics(): Promise<DiagnosticsReport>;
  /** Claims and BMC latency over the last `windowMinutes` (1-30), with history. */
  getMetricsSummary(windowMinutes?: number): Promise<MetricsSummary>;
  listRunbooks(): Promise<RunbookSummary[]>;
  getRunbook(id: string): Promise<RunbookSummary>;
  listRunbookRuns(runbookId: string): Promise<Page<RunbookRun>>;
  startRunbook(
    id: string,
    request: StartRunbookRunRequest,
  ): Promise<RunbookRun>;
  stepRunbook(
    runId: string,
    action: 'next' | 'resume' | 'acknowledge' | 'rollback' | 'abort',
    input?: RunbookStepInput,
  ): Promise<RunbookRun>;
}

/** @public */
export const beskar7ApiRef = createApiRef<Beskar7Api>({
  id: 'plugin.beskar7.service',
});
