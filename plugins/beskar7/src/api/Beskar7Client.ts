import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ClusterDetails,
  ClusterList,
  ClusterScaleRequest,
  ClusterScaleResult,
  DiagnosticsReport,
  HealthResponse,
  Host,
  HostDetails,
  hostQueryString,
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
import { Beskar7Api } from './Beskar7Api';

/** Talks to `/api/beskar7` with the portal's authenticated fetch. */
export class Beskar7Client implements Beskar7Api {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getHealth(): Promise<HealthResponse> {
    return this.call('GET', '/health');
  }

  listHosts(query: ListHostsQuery): Promise<Page<Host>> {
    return this.call('GET', `/hosts?${hostQueryString(query)}`);
  }

  getHost(id: string): Promise<HostDetails> {
    return this.call('GET', `/hosts/${encodeURIComponent(id)}`);
  }

  updateHost(id: string, patch: UpdateHostRequest): Promise<Host> {
    return this.call('PATCH', `/hosts/${encodeURIComponent(id)}`, patch);
  }

  releaseHost(id: string): Promise<Host> {
    return this.call('POST', `/hosts/${encodeURIComponent(id)}/release`);
  }

  recoverHost(id: string): Promise<Host> {
    return this.call('POST', `/hosts/${encodeURIComponent(id)}/recover`);
  }

  listClusters(): Promise<ClusterList> {
    return this.call('GET', '/clusters');
  }

  getCluster(namespace: string, name: string): Promise<ClusterDetails> {
    return this.call('GET', clusterPath(namespace, name));
  }

  scaleCluster(
    namespace: string,
    name: string,
    request: ClusterScaleRequest,
  ): Promise<ClusterScaleResult> {
    return this.call('POST', `${clusterPath(namespace, name)}/scale`, request);
  }

  deleteCluster(namespace: string, name: string): Promise<void> {
    return this.call('DELETE', clusterPath(namespace, name));
  }

  async listPools(): Promise<PoolSummary[]> {
    return (await this.call<{ items: PoolSummary[] }>('GET', '/pools')).items;
  }

  listMachines(query: {
    offset: number;
    limit: number;
    ids?: string[];
  }): Promise<Page<Machine>> {
    const params = new URLSearchParams({
      offset: String(query.offset),
      limit: String(query.limit),
    });
    for (const id of query.ids ?? []) params.append('id', id);
    return this.call('GET', `/machines?${params}`);
  }

  getMachine(id: string): Promise<Machine> {
    return this.call('GET', `/machines/${encodeURIComponent(id)}`);
  }

  requestMachine(request: MachineRequest): Promise<Machine> {
    return this.call('POST', '/machines', request);
  }

  releaseMachine(id: string): Promise<Machine> {
    return this.call('POST', `/machines/${encodeURIComponent(id)}/release`);
  }

  getQueue(): Promise<QueueStatus> {
    return this.call('GET', '/queue');
  }

  changeQueue(action: 'pause' | 'resume' | 'drain'): Promise<QueueStatus> {
    return this.call('POST', `/queue/${action}`);
  }

  getDiagnostics(): Promise<DiagnosticsReport> {
    return this.call('GET', '/diagnostics');
  }

  getMetricsSummary(windowMinutes = 30): Promise<MetricsSummary> {
    return this.call('GET', `/metrics/summary?windowMinutes=${windowMinutes}`);
  }

  async listRunbooks(): Promise<RunbookSummary[]> {
    return (await this.call<{ items: RunbookSummary[] }>('GET', '/runbooks'))
      .items;
  }

  getRunbook(id: string): Promise<RunbookSummary> {
    return this.call('GET', `/runbooks/${encodeURIComponent(id)}`);
  }

  listRunbookRuns(runbookId: string): Promise<Page<RunbookRun>> {
    return this.call(
      'GET',
      `/runbooks/runs?runbookId=${encodeURIComponent(runbookId)}&limit=20`,
    );
  }

  startRunbook(
    id: string,
    request: StartRunbookRunRequest,
  ): Promise<RunbookRun> {
    return this.call(
      'POST',
      `/runbooks/${encodeURIComponent(id)}/runs`,
      request,
    );
  }

  stepRunbook(
    runId: string,
    action: 'next' | 'resume' | 'acknowledge' | 'rollback' | 'abort',
    input?: RunbookStepInput,
  ): Promise<RunbookRun> {
    return this.call(
      'POST',
      `/runbooks/runs/${encodeURIComponent(runId)}/${action}`,
      input ?? {},
    );
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('beskar7');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers:
        body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    // A deletion is accepted with no body.
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

function clusterPath(namespace: string, name: string): string {
  return `/clusters/${encodeURIComponent(namespace)}/${encodeURIComponent(
    name,
  )}`;
}
